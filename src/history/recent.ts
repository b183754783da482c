import type { BackfillPhase, CostFigure, HistoryView } from '../contract/index.js';
import { CATALOG_ONLY, type CostConfig } from '../cost/pricing.js';
import { matchesGlob } from '../settings/glob.js';
import { lastDays } from './day.js';
import { splitTokens, type HistoryRecord, type RecentRecord } from './records.js';
import { Tally } from './tally.js';

/** Tokens today and over the last 7 days (Codex's figure), for `status`'s Tokens row and `status --json`. */
export interface HistoryTotals {
  today: number;
  lastSevenDays: number;
  /** What today's tokens cost at API prices (docs/cost.md). */
  todayCost: CostFigure;
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
    todayCost: view.days.at(-1)?.cost ?? { usd: 0, status: 'exact', unpriced: [] },
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
  cost: CostConfig = CATALOG_ONLY,
): HistoryTotals | null {
  const days = lastDays(now, TOTAL_DAYS);
  const today = days.at(-1);
  const counted = new Set(days);
  const ignored = (project: string | null): boolean =>
    project !== null && ignore.some((glob) => matchesGlob(project, glob));
  const todayTally = new Tally();
  let seven = 0;
  const add = (
    day: string,
    tokens: number,
    cached: number,
    split: Parameters<typeof splitTokens>[0] | undefined,
  ): void => {
    if (!counted.has(day)) return;
    seven += tokens;
    if (day === today) todayTally.add([tokens, cached, split === undefined ? [] : splitTokens(split)]);
  };
  for (const [day, project, tokens, cached, split] of recent.days)
    if (!ignored(project)) add(day, tokens, cached, split);
  // The backfill's phase when the summary was written; later lines move it on.
  let phase: BackfillPhase = recent.phase;
  for (const r of after) {
    if (r.k === 'file' && !r.ignored && !ignored(r.project))
      for (const [day, tokens, cached, split] of r.add) add(day, tokens, cached, split);
    else if (r.k === 'backfill') phase = r.phase;
  }
  if (phase === 'idle' && seven === 0) return null;
  return {
    today: todayTally.tokens,
    lastSevenDays: seven,
    todayCost: todayTally.cost(cost.pricing),
    building: phase === 'running',
    source: 'recorded',
  };
}
