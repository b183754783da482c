import { screenRows } from './width.js';

/** The screen rows a frame takes on a terminal `columns` wide, wrapped lines counted. */
export function frameRows(lines: readonly string[], columns: number): number {
  return lines.reduce((n, line) => n + screenRows(line, columns), 0);
}

/**
 * What to write to replace the frame drawn before (`previousRows` screen
 * rows above the cursor) with `lines`: back to its first row, each line
 * erased as it is redrawn, then whatever the old frame had below the new
 * one erased; the cursor ends on the row after the frame. So the screen
 * after any number of redraws is the screen after one.
 *
 * Each line is erased before it is written (EL 2), not after: after a line
 * exactly as wide as the terminal the cursor still sits on its last column,
 * where an erase would take that character. And the frame is never erased
 * in one go from the top-left corner: tmux (scroll-on-clear) and some
 * terminals save a screen cleared that way to the scrollback, so every
 * redraw would leave a copy there.
 */
export function redraw(previousRows: number, lines: readonly string[]): string {
  const up = previousRows > 0 ? `\x1b[${previousRows}F` : '\r';
  return `${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n\x1b[J`;
}

/**
 * What to write to draw `lines` from the screen's first row, after the
 * terminal changed width. A terminal reflows what it shows when it narrows
 * or widens, and not the same way everywhere: tmux 3.3 keeps the cursor's
 * row and pushes the rows it gained into the scrollback, so going back by
 * the rows the old frame takes at the new width lands inside the old frame
 * (or above it) and leaves rows of it on screen. The frame's own rows are the
 * only thing known, so after a width change the frame starts again at the
 * top: each row erased as it is written (EL 2), then the rest of the screen
 * below it, never a clear from the top-left corner (tmux would save that
 * screen to the scrollback).
 */
export function drawAtTop(lines: readonly string[]): string {
  return `\x1b[H${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n\x1b[J`;
}

/**
 * What to write before a message that goes above the frame drawn before
 * (`previousRows` screen rows above the cursor) and takes `messageRows`
 * rows: back to the frame's first row, and those rows erased one by one
 * (EL 2), cursor back on the first. The frame is drawn again under the
 * message with `redraw(0, …)`. Not an erase to the end of the screen: at
 * the top-left corner that is a clear, which tmux saves to the scrollback.
 */
export function aboveFrame(previousRows: number, messageRows: number): string {
  if (previousRows <= 0) return '\r';
  const rows = Math.max(1, Math.min(previousRows, messageRows));
  const back = rows > 1 ? `\x1b[${rows - 1}A` : '';
  return `\x1b[${previousRows}F${Array.from({ length: rows }, () => '\x1b[2K').join('\x1b[1B')}${back}\r`;
}
