/**
 * Discord's field limits, applied deterministically: counted in grapheme
 * clusters (an emoji or accented letter is never split) and also kept within
 * the UTF-16 length Discord checks.
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ELLIPSIS = '…';
/** Discord rejects strings shorter than 2; a zero-width space pads without showing. */
const PAD = '\u200b';

export function fitText(text: string, max = 128, min = 2): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const graphemes = [...segmenter.segment(clean)].map((s) => s.segment);
  let out = clean;
  if (graphemes.length > max || clean.length > max) {
    const kept: string[] = [];
    let units = ELLIPSIS.length;
    for (const g of graphemes) {
      if (kept.length + 1 > max - 1 || units + g.length > max) break;
      kept.push(g);
      units += g.length;
    }
    out = kept.join('').trimEnd() + ELLIPSIS;
  }
  while ([...segmenter.segment(out)].length < min) out += PAD;
  return out;
}

/** Button labels are 1 to 32 characters. */
export function fitLabel(text: string): string {
  return fitText(text, 32, 1);
}
