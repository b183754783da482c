import { cut, LineCheck } from '../ranges/ranges.js';

/**
 * Discord's field limits, applied deterministically: counted in grapheme
 * clusters (an emoji or accented letter is never split) and also kept within
 * the UTF-16 length Discord checks.
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ELLIPSIS = '…';
/** Discord rejects strings shorter than 2; a zero-width space pads without showing. */
const PAD = '\u200b';
const SPACES = /\s+/y;
const BLANK = /^\s+$/;

/**
 * Fits `text` to at most `max` graphemes and `max` UTF-16 units, with an
 * ellipsis when cut, and pads it to `min`. Whitespace runs become one space;
 * lone surrogates and control characters never reach Discord (the range rule
 * of `LineCheck.text`).
 *
 * Linear in what it keeps: the text is read lazily and reading stops once the
 * budget is exceeded, so a 150,000-character model costs what 129 characters
 * do. Spreading all of `Intl.Segmenter`'s segments took 5.3 s and 487 MB for
 * 20,000 × "x" (issue 21 §1).
 */
export function fitText(text: string, max = 128, min = 2): string {
  const all: string[] = [];
  let units = 0;
  // The longest prefix that fits together with the ellipsis, should the whole not fit.
  let kept = 0;
  let keptUnits = ELLIPSIS.length;
  let keeping = true;
  let over = false;
  for (const g of shownGraphemes(text, 2 * max)) {
    all.push(g);
    units += g.length;
    if (all.length > max || units > max) {
      over = true;
      break;
    }
    if (keeping && kept + 1 <= max - 1 && keptUnits + g.length <= max) {
      kept += 1;
      keptUnits += g.length;
    } else keeping = false;
  }
  const out = padded(over ? all.slice(0, kept).join('').trimEnd() + ELLIPSIS : all.join(''), min);
  // One grapheme too long to pad within `max` (a letter with a hundred accents) cannot be shown at all.
  return out.length > max ? padded(ELLIPSIS, min) : out;
}

/** `text` (at most a field long, so counting its graphemes is cheap) padded to `min` graphemes. */
function padded(text: string, min: number): string {
  let out = text;
  while ([...segmenter.segment(out)].length < min) out += PAD;
  return out;
}

/** Button labels are 1 to 32 characters. */
export function fitLabel(text: string): string {
  return fitText(text, 32, 1);
}

/**
 * The graphemes of `text` as shown: whitespace runs as one space and none at
 * either end, each grapheme well-formed and free of control characters.
 *
 * The segmenter never sees more than `window` units at a time: V8's segment
 * iterator costs the length of its whole input at every step, so even a lazy
 * walk over a long string is quadratic. A window that stops inside the text
 * may end in part of a grapheme; that last one is read again at the start of
 * the next window. A grapheme as long as the window is longer than any field,
 * so it is passed on as it is and ends the caller's budget.
 */
function* shownGraphemes(text: string, window: number): Generator<string> {
  const check = new LineCheck(0);
  let pos = 0;
  let space = false;
  let started = false;
  while (pos < text.length) {
    SPACES.lastIndex = pos;
    if (SPACES.test(text)) {
      pos = SPACES.lastIndex;
      space = started;
      continue;
    }
    const raw = cut(text.slice(pos, pos + window + 1), window);
    const atEnd = pos + raw.length >= text.length;
    // Same length as `raw`: a lone surrogate becomes U+FFFD, a control character a space.
    const piece = check.text(raw, raw.length) ?? '';
    if (BLANK.test(piece)) {
      // Control characters (spaces now) that the whitespace skip above does not know.
      pos += piece.length;
      space = started;
      continue;
    }
    let next = pos + piece.length;
    for (const { segment, index } of segmenter.segment(piece)) {
      if (!atEnd && index > 0 && index + segment.length === piece.length) {
        next = pos + index;
        break;
      }
      if (BLANK.test(segment)) {
        space = started;
        continue;
      }
      if (space) yield ' ';
      space = false;
      started = true;
      yield segment;
    }
    pos = next;
  }
}
