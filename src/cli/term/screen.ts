import { screenRows } from './width.js';

/** The screen rows a frame takes on a terminal `columns` wide, wrapped lines counted. */
export function frameRows(lines: readonly string[], columns: number): number {
  return lines.reduce((n, line) => n + screenRows(line, columns), 0);
}

/**
 * What to write to replace the frame drawn before (`previousRows` screen
 * rows above the cursor) with `lines`: back to its first row, erase to the
 * end of the screen, draw, end on the row after the frame. So the screen
 * after any number of redraws is the screen after one.
 */
export function redraw(previousRows: number, lines: readonly string[]): string {
  const up = previousRows > 0 ? `\x1b[${previousRows}F` : '\r';
  return `${up}\x1b[J${lines.join('\n')}\n`;
}
