import stringWidth from 'string-width';

/**
 * Text measured as a terminal draws it: a wide CJK character or an emoji
 * takes two columns, a combining mark none, escape codes none.
 */
export function textWidth(text: string): number {
  return stringWidth(text);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` that takes at most `columns` columns (never half a wide character). */
export function cut(text: string, columns: number): string {
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = textWidth(segment);
    if (used + w > columns) break;
    out += segment;
    used += w;
  }
  return out;
}

/** `text` cut to at most `columns` columns, ending in `…` when something was cut. */
export function truncate(text: string, columns: number): string {
  if (columns <= 0) return '';
  if (textWidth(text) <= columns) return text;
  return `${cut(text, columns - 1)}…`;
}

/**
 * How many screen rows a line takes on a terminal `columns` wide: a line
 * wider than the terminal wraps onto the next row (and a terminal that
 * reflows on resize wraps what it already shows the same way).
 */
export function screenRows(line: string, columns: number): number {
  if (columns <= 0) return 1;
  return Math.max(1, Math.ceil(textWidth(line) / columns));
}
