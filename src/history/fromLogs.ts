import { foldFromLogs, limitsKeptSince, mayReach } from './catchUp.js';
import { lastDays, localDay } from './day.js';
import { readCursors, readHistory, readRecentTotals, type TotalsRead } from './read.js';
import { totalsOfView, TOTAL_DAYS, type HistoryTotals } from './recent.js';
import { backfillFromState, buildView, idleBackfill } from './view.js';
import type { HistoryView } from '../contract/index.js';
import { addCosts, NO_COST } from '../cost/rule.js';
import { CATALOG_ONLY, type CostConfig } from '../cost/pricing.js';
import { listRolloutFiles, plainPath, type RolloutFile } from '../rollout/files.js';

/**
 * History as a reader shows it (issue 23 §2): what the publisher recorded
 * and, for what it has not recorded yet, the figures computed from the
 * rollouts in memory (catchUp.ts `foldFromLogs`). Nothing here writes.
 */

/** What of a view was computed from the rollouts: all of it (nothing was recorded), the unrecorded part, or none. */
export type LogsShare = 'all' | 'part' | null;

/** What `history` prints, and where it came from. */
export interface ReaderView {
  view: HistoryView;
  path: string;
  problem: string | null;
  refused: string | null;
  adjusted: number;
  /** Rollouts read because the history file had not folded them (0: all of it was recorded). */
  fromLogs: number;
  /** What the logs gave: every figure (nothing was recorded), the days not recorded yet, or nothing. */
  logs: LogsShare;
}

export interface FromLogsQuery {
  now: number;
  days: number;
  ignore: readonly string[];
  /** After each rollout read: how many of how many. */
  progress?: ((done: number, total: number) => void) | undefined;
  /** False: only tokens are wanted (the view's windows then hold only what was recorded). */
  limits?: boolean;
  /** How the view prices its tokens (the config's `pricing`); absent: catalog prices only. */
  cost?: CostConfig;
}

/**
 * What `history` shows: the history file at `path` as recorded, read without
 * writing, with every rollout under `sessionsDir` it has not folded yet
 * computed in memory by the recorder's own catch-up (catchUp.ts): the
 * figures the publisher will have once it has caught up. Days before those
 * asked for and limit readings older than a backfill keeps need no file last
 * written before them (`mayReach`), so those are not read.
 */
export async function historyFromLogs(path: string, sessionsDir: string, q: FromLogsQuery): Promise<ReaderView> {
  const since = Math.min(firstDayStart(q.now, q.days), limitsKeptSince(q.now));
  return caughtUpView(path, q, listRolloutFiles(sessionsDir), since);
}

/**
 * `status`'s Tokens row by the same path as `history` (issue 23 §2): the
 * recorded totals with the rollouts not recorded yet folded in, reading only
 * those written during the row's seven days (`files`: a listing the caller
 * has, `status` its engine's). While a publisher runs it records as Codex writes, so
 * the file's tail is read instead (issue 21 §4: half a megabyte of a 50 MB
 * file).
 */
export async function tokenTotals(
  path: string,
  now: number,
  ignore: readonly string[],
  files: readonly RolloutFile[],
  publishing: boolean,
  cost: CostConfig = CATALOG_ONLY,
): Promise<TotalsRead> {
  if (publishing) return readRecentTotals(path, now, ignore, undefined, cost);
  const since = firstDayStart(now, TOTAL_DAYS);
  const tail = await readRecentTotals(path, now, ignore, undefined, cost);
  if (tail.from === 'tail') {
    // The recorded totals from the tail, and what the rollouts add beyond their cursors, found alone.
    const recent = files.filter((f) => mayReach(f.mtimeMs, since));
    const cursors = await readCursors(path, new Set(recent.flatMap((f) => [f.path, plainPath(f.path)])), now);
    // Only cursors were read: the compaction has no recorded days to weigh against the cap.
    const logs = await foldFromLogs(cursors, recent, { now, ignore, since, recordedBytes: 0, limits: false });
    const added = buildView(logs.state, { days: TOTAL_DAYS }, now, idleBackfill(), ignore, cost);
    const fromLogs = added.days.some((d) => d.tokens > 0 || d.cachedInput > 0);
    return { ...tail, totals: withAdded(tail.totals, added, fromLogs, files.length > 0) };
  }
  const read = await caughtUpView(path, { now, days: TOTAL_DAYS, ignore, limits: false, cost }, files, since);
  const fromLogs = read.view.days.some((d) => d.source === 'logs');
  return {
    totals: withAdded(totalsOfView(read.view), null, fromLogs, files.length > 0),
    problem: read.problem,
    refused: read.refused,
    from: read.refused === null ? 'file' : null,
  };
}

/**
 * Recorded totals with what the logs added (`added`: a view of the added
 * tokens alone, or null when `recorded` counts them already). Nothing
 * recorded and rollouts there: what they say of these days is known, zeros
 * included.
 */
function withAdded(
  recorded: HistoryTotals | null,
  added: HistoryView | null,
  fromLogs: boolean,
  rollouts: boolean,
): HistoryTotals | null {
  if (recorded === null && !rollouts) return null;
  const last = added?.days.at(-1);
  const today = last?.tokens ?? 0;
  const seven = added?.days.reduce((n, d) => n + d.tokens, 0) ?? 0;
  return {
    today: (recorded?.today ?? 0) + today,
    lastSevenDays: (recorded?.lastSevenDays ?? 0) + seven,
    todayCost: addCosts(recorded?.todayCost ?? NO_COST, last?.cost ?? NO_COST),
    // No publisher runs: nothing is being built, and what a build left unread was just folded.
    building: false,
    source: fromLogs || recorded === null ? 'logs' : recorded.source,
  };
}

async function caughtUpView(
  path: string,
  { now, days, ignore, progress, limits, cost }: FromLogsQuery,
  files: readonly RolloutFile[],
  since: number,
): Promise<ReaderView> {
  const { state, problem, refused, adjusted, bytes } = await readHistory(path, now);
  const backfill = backfillFromState(state);
  const recorded = state.files.size > 0;
  const logs = await foldFromLogs(state, files, {
    now,
    ignore,
    since,
    recordedBytes: bytes,
    ...(progress ? { progress } : {}),
    ...(limits === undefined ? {} : { limits }),
  });
  // Nothing recorded at all: every day shown is the logs' (a day without use too).
  const fromLogs = (day: string): boolean => logs.days.has(day) || (!recorded && logs.files > 0);
  const view = buildView(logs.state, { days }, now, backfill, ignore, cost, fromLogs);
  const share: LogsShare = logs.files === 0 ? null : recorded ? 'part' : 'all';
  return { view, path, problem, refused, adjusted, fromLogs: logs.files, logs: share };
}

/** The start of the first of the `days` local days ending today. */
function firstDayStart(now: number, days: number): number {
  const [y, m, d] = (lastDays(now, days)[0] ?? localDay(now)).split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}
