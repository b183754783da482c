import type { BackfillPhase, HistoryView } from '../contract/index.js';
import { matchesGlob } from '../settings/glob.js';
import { lastDays } from './day.js';
import type { HistoryRecord, RecentRecord } from './records.js';

/** Tokens today and over the last 7 days (Codex's figure), for `status`'s Tokens row and `status --json`. */
export interface HistoryTotals {
  today: number;
  lastSevenDays: number;
  /** The first build from the rollouts is still running: the figures are short. */
  building: boolean;
  /** `logs`: some of the figures were computed from rollouts the publisher has not recorded yet. */
  source: 'recorded' | 'logs';
}

/** The days the Tokens row counts: today and the six before it. */
export const TOTAL_DAYS = 7;

/** The totals of a whole view of TOTAL_DAYS days, or null when nothing was ever recorded (no publisher ran yet). */
export function totalsOfView(view: HistoryView): HistoryTotals | null {
  const recorded = view.backfill.phase !== 'idle' || view.days.some((d) => d.tokens > 0);
  if (!recorded) return null;
  return {
    today: view.days.at(-1)?.tokens ?? 0,
    lastSevenDays: view.days.reduce((sum, d) => sum + d.tokens, 0),
    building: view.backfill.phase === 'running',
    source: 'recorded',
  };
}

/**
 * The same totals from the file's last summary and the lines appended after
 * it (issue 21 §4: `status` reads the tail, not 50 MB). Counted
 * as the view counts them: the reader's last seven local days, rollouts
 * marked ignored and projects on the ignore list left out, each line's own
 * project (a rollout's project does not change once read). `after` are the
 * records after `recent`, in file order.
 */
export function totalsOfTail(
  recent: RecentRecord,
  after: readonly HistoryRecord[],
  now: number,
  ignore: readonly string[],
): HistoryTotals | null {
  const days = lastDays(now, TOTAL_DAYS);
  const today = days.at(-1);
  const counted = new Set(days);
  const ignored = (project: string | null): boolean =>
    project !== null && ignore.some((glob) => matchesGlob(project, glob));
  let todayTokens = 0;
  let seven = 0;
  const add = (day: string, tokens: number): void => {
    if (!counted.has(day)) return;
    seven += tokens;
    if (day === today) todayTokens += tokens;
  };
  for (const [day, project, tokens] of recent.days) if (!ignored(project)) add(day, tokens);
  // The backfill's phase when the summary was written; later lines move it on.
  let phase: BackfillPhase = recent.phase;
  for (const r of after) {
    if (r.k === 'file' && !r.ignored && !ignored(r.project)) for (const [day, tokens] of r.add) add(day, tokens);
    else if (r.k === 'backfill') phase = r.phase;
  }
  if (phase === 'idle' && seven === 0) return null;
  return { today: todayTokens, lastSevenDays: seven, building: phase === 'running', source: 'recorded' };
}
