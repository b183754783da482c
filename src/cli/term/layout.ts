/**
 * How much a row says for the terminal's width (issue 13 §7): `full` at 100
 * columns and more (a 20-cell bar, countdown, pace, source), the same rows
 * with a 10-cell bar from 80 to 99, `compact` below 80 (bar, % left, reset
 * clock), `minimal` below 50 (the tray's own short line). Output that is not a
 * terminal has no width: full rows, never cut.
 */
export type LayoutKind = 'full' | 'compact' | 'minimal';

export interface Layout {
  kind: LayoutKind;
  /** The terminal's width; Infinity when there is none (a pipe, a file). */
  columns: number;
  /** Cells in a limit's bar; 0 for none. */
  bar: number;
}

export const FULL_FROM = 100;
export const COMPACT_BELOW = 80;
export const MINIMAL_BELOW = 50;

export function layoutFor(columns: number | null | undefined): Layout {
  if (columns === null || columns === undefined || !Number.isFinite(columns) || columns <= 0)
    return { kind: 'full', columns: Infinity, bar: 20 };
  if (columns >= FULL_FROM) return { kind: 'full', columns, bar: 20 };
  if (columns >= COMPACT_BELOW) return { kind: 'full', columns, bar: 10 };
  if (columns >= MINIMAL_BELOW) return { kind: 'compact', columns, bar: 10 };
  return { kind: 'minimal', columns, bar: 0 };
}
