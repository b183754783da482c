import type { CostBasis, HistoryWindow, HistoryWindowUsage } from '../contract/index.js';
import { costPhrase, costText } from './cost.js';
import { compactNumber, hourMinute, shortDate } from './numbers.js';

/**
 * A past or current rate-limit window in words, for `history` and the
 * History tab alike (issue 24 §1, "per window"). Pure; local time.
 */

/** `14 Nov – 21 Nov` for a window of a day or more, `21 Nov 09:13–14:13` for a shorter one. */
export function windowSpanText(w: Pick<HistoryWindow, 'startsAt' | 'resetsAt' | 'windowMinutes'>): string {
  const start = w.startsAt === null ? null : new Date(w.startsAt);
  const end = w.resetsAt === null ? null : new Date(w.resetsAt);
  if (end === null) return start === null ? 'unknown span' : `from ${shortDate(start)}`;
  if (start === null) return `until ${shortDate(end)} ${hourMinute(end)}`;
  if ((w.windowMinutes ?? 0) >= 1440) return `${shortDate(start)} – ${shortDate(end)}`;
  return `${shortDate(start)} ${hourMinute(start)}–${hourMinute(end)}`;
}

/**
 * A window's tokens: `412k tokens`, or `≥ 412k tokens` when counting began
 * after the window started (a lower bound, as its cost).
 */
export function windowTokensText(usage: HistoryWindowUsage): string {
  return `${windowTokensFigure(usage)} tokens`;
}

/** The tokens alone, `412k` or `≥ 412k`, for a table's Tokens column (`number` for the digits: grouped there). */
export function windowTokensFigure(usage: HistoryWindowUsage, number: (n: number) => string = compactNumber): string {
  return `${usage.complete ? '' : '≥ '}${number(usage.tokens)}`;
}

/** `412k tokens · $2.06` (`≥` where a lower bound), for a chart's caption or a terminal row. */
export function windowUsageText(usage: HistoryWindowUsage): string {
  return `${windowTokensText(usage)} · ${costText(usage.cost)}`;
}

/**
 * The same for an accessible name or a tooltip, the cost named by its basis:
 * `412k tokens, API-equivalent value ≈ $2.06`, and when counted from partway
 * in, `counted from 21 Nov 13:00`.
 */
export function windowUsagePhrase(usage: HistoryWindowUsage, basis: CostBasis): string {
  return `${windowTokensText(usage)}, ${costPhrase(usage.cost, basis)}${countedFrom(usage)}`;
}

/** `, counted from 21 Nov 13:00` for a window counted from partway in, else nothing. */
function countedFrom(usage: HistoryWindowUsage): string {
  return usage.countingStartedAt === null ? '' : `, counted from ${countingStartText(usage.countingStartedAt)}`;
}

/** `21 Nov 13:00`: when counting began. */
export function countingStartText(at: number): string {
  const d = new Date(at);
  return `${shortDate(d)} ${hourMinute(d)}`;
}

/**
 * A window whose usage is null: it has no known reset, or it ended before
 * history counted window usage. `not counted` where its figures would be,
 * `tokens not counted` in an accessible name.
 */
export const WINDOW_NOT_COUNTED = { text: 'not counted', phrase: 'tokens not counted' } as const;

/**
 * The current window's figures under its chart: `412k tokens · $2.06 so far`,
 * and when counting began partway in, `≥ 412k tokens · ≥ $2.06 so far, counted from 21 Nov 13:00`.
 */
export function windowSoFarText(usage: HistoryWindowUsage): string {
  return `${windowUsageText(usage)} so far${countedFrom(usage)}`;
}

/** The same in an accessible name: `so far 412k tokens, API-equivalent value ≈ $2.06` (`counted from …` when partial). */
export function windowSoFarPhrase(usage: HistoryWindowUsage, basis: CostBasis): string {
  return `so far ${windowUsagePhrase(usage, basis)}`;
}
