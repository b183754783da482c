import { join } from 'node:path';
import { BACKFILL_LIMIT_DAYS, foldFromLogs, mayReach } from '../history/catchUp.js';
import { lastDays, localDay } from '../history/day.js';
import { backfillFromState } from '../history/recorder.js';
import { listRolloutFiles, plainPath, type RolloutFile } from '../rollout/files.js';
import { readCursors, readRecentTotals, type TotalsRead } from '../history/read.js';
import { totalsOfView, TOTAL_DAYS, type HistoryTotals } from '../history/recent.js';
import { idleBackfill } from '../history/view.js';
import { historyPath, presenceDataDir } from '../history/location.js';
import { readHistory } from '../history/store.js';
import { buildView, MAX_HISTORY_DAYS } from '../history/view.js';
import type { HistoryView } from '../contract/index.js';
import type { GlobalOptions } from './args.js';
import { BINARY } from '../format/binary.js';
import { cliContext, type CliIo } from './context.js';
import { formatHistory, type LogsShare } from './historyText.js';
import { toJsonDates } from './jsonDates.js';

export const DEFAULT_HISTORY_DAYS = 7;
const DAY_MS = 86_400_000;

/** `--days N`: a whole number from 1 to 400, or why not. */
export function parseDays(raw: unknown): number | string {
  if (raw === undefined) return DEFAULT_HISTORY_DAYS;
  const text = typeof raw === 'string' ? raw.trim() : '';
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_HISTORY_DAYS) {
    return `--days takes a whole number of days from 1 to ${MAX_HISTORY_DAYS}, not '${String(raw)}'`;
  }
  return n;
}

/** What `history` prints, and where it came from. */
export interface HistoryRead {
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

/**
 * The view `history` prints: what the publisher recorded, read without
 * writing, with every rollout it has not folded yet computed in memory by
 * the recorder's own catch-up (src/history/catchUp.ts): the figures the
 * publisher will have once it has caught up. Days before `days` and limit
 * readings older than the backfill keeps need no file that was last written
 * before them (`mayReach`), so those are not read.
 */
export async function readHistoryView(
  io: CliIo,
  days: number,
  ignore: readonly string[],
  codexHome: string,
  progress?: (done: number, total: number) => void,
): Promise<HistoryRead> {
  const now = io.now();
  const since = Math.min(firstDayStart(now, days), now - BACKFILL_LIMIT_DAYS * DAY_MS);
  const files = listRolloutFiles(join(codexHome, 'sessions'));
  return caughtUpView(io, days, ignore, files, since, progress);
}

/**
 * `status`'s Tokens row by the same path as `history` (issue 23 §2): the
 * recorded totals with the rollouts not recorded yet folded in, reading only
 * those written during the row's seven days (`files`: the engine's listing,
 * not listed again). While a publisher runs it records as Codex writes, so
 * the file's tail is read instead (issue 21 §4: half a megabyte of a 50 MB
 * file).
 */
export async function readTokenTotals(
  io: CliIo,
  ignore: readonly string[],
  files: readonly RolloutFile[],
  publishing: boolean,
): Promise<TotalsRead> {
  const path = cliHistoryPath(io);
  const now = io.now();
  if (publishing) return readRecentTotals(path, now, ignore);
  const since = firstDayStart(now, TOTAL_DAYS);
  const tail = await readRecentTotals(path, now, ignore);
  if (tail.from === 'tail') {
    // The recorded totals from the tail, and what the rollouts add beyond their cursors, found alone.
    const recent = files.filter((f) => mayReach(f.mtimeMs, since));
    const cursors = await readCursors(path, new Set(recent.flatMap((f) => [f.path, plainPath(f.path)])), now);
    const logs = await foldFromLogs(cursors, recent, { now, ignore, since });
    const added = buildView(logs.state, { days: TOTAL_DAYS }, now, idleBackfill(), ignore);
    const fromLogs = added.days.some((d) => d.tokens > 0 || d.cachedInput > 0);
    return { ...tail, totals: withAdded(tail.totals, added, fromLogs, files.length > 0) };
  }
  const read = await caughtUpView(io, TOTAL_DAYS, ignore, files, since);
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
  const today = added?.days.at(-1)?.tokens ?? 0;
  const seven = added?.days.reduce((n, d) => n + d.tokens, 0) ?? 0;
  return {
    today: (recorded?.today ?? 0) + today,
    lastSevenDays: (recorded?.lastSevenDays ?? 0) + seven,
    building: recorded?.building ?? false,
    source: fromLogs || recorded === null ? 'logs' : recorded.source,
  };
}

async function caughtUpView(
  io: CliIo,
  days: number,
  ignore: readonly string[],
  files: readonly RolloutFile[],
  since: number,
  progress?: (done: number, total: number) => void,
): Promise<HistoryRead> {
  const path = cliHistoryPath(io);
  const now = io.now();
  const { state, problem, refused, adjusted } = await readHistory(path, now);
  const backfill = backfillFromState(state);
  const recorded = state.files.size > 0;
  const logs = await foldFromLogs(state, files, { now, ignore, since, ...(progress ? { progress } : {}) });
  // Nothing recorded at all: every day shown is the logs' (a day without use too).
  const fromLogs = (day: string): boolean => logs.days.has(day) || (!recorded && logs.files > 0);
  const view = buildView(logs.state, { days }, now, backfill, ignore, fromLogs);
  const share: LogsShare = logs.files === 0 ? null : recorded ? 'part' : 'all';
  return { view, path, problem, refused, adjusted, fromLogs: logs.files, logs: share };
}

/** The start of the first of the `days` local days ending today. */
function firstDayStart(now: number, days: number): number {
  const [y, m, d] = (lastDays(now, days)[0] ?? localDay(now)).split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

/** A progress line on a terminal's stderr, redrawn in place (`reading 4,210 of 10,003 sessions…`), and its clearing. */
export function progressLine(io: CliIo): { update: (done: number, total: number) => void; clear: () => void } {
  if (io.stderrTTY !== true) return { update: () => undefined, clear: () => undefined };
  let drawn = false;
  let last = -1;
  return {
    update(done, total) {
      // About 200 redraws whatever the count: a terminal write per file would cost more than the reading.
      const step = Math.max(1, Math.floor(total / 200));
      if (done !== 0 && done !== total && done - last < step) return;
      last = done;
      drawn = true;
      io.stderr(`\r\x1b[Kreading ${grouped(done)} of ${grouped(total)} sessions…`);
    },
    clear() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}

const grouped = (n: number): string => n.toLocaleString('en-US');

export function cliHistoryPath(io: CliIo): string {
  return historyPath(presenceDataDir(io.env));
}

/**
 * What a reader says on stderr about a history file it could not use as it
 * is: a file that is not ours is named with what it is and left alone; a
 * damaged one is rebuilt by the publisher.
 */
export function historyFileNote(path: string, read: { problem: string | null; refused: string | null }): string {
  if (read.refused !== null) {
    return `${BINARY}: history file ${path} is ${read.refused}: it is not read, and it is left as it is\n`;
  }
  if (read.problem !== null) {
    return `${BINARY}: history file ${path}: ${read.problem} (the publisher backs it up and rebuilds it)\n`;
  }
  return '';
}

/**
 * `history [--days N] [--json]`: limits over the current windows and tokens
 * per day, from the history file the publisher (the app or `run`) keeps and
 * the rollouts it has not recorded yet. Never writes.
 */
export async function historyCommand(options: GlobalOptions & Record<string, unknown>, io: CliIo): Promise<number> {
  const days = parseDays(options.days);
  if (typeof days === 'string') {
    io.stderr(`${BINARY}: ${days}\nRun \`${BINARY} help history\` for usage.\n`);
    return 2;
  }
  const { config, codexHome } = await cliContext(options, io);
  const progress = progressLine(io);
  const read = await readHistoryView(io, days, config.config.ignoreProjects, codexHome, progress.update).finally(
    progress.clear,
  );
  const { view, path } = read;
  if (options.verbose) io.stderr(`history: reading ${path}\n`);
  if (options.verbose && read.fromLogs > 0) io.stderr(`history: ${read.fromLogs} rollout(s) not recorded yet, read\n`);
  if (options.verbose && read.adjusted > 0) {
    io.stderr(`history: ${read.adjusted} line(s) had values out of range, cut or left out as read\n`);
  }
  io.stderr(historyFileNote(path, read));
  // The logs complete what a running build has not read yet: nothing is short.
  if (io.isTTY === true && view.backfill.phase === 'running' && read.logs === null) {
    io.stderr(
      `history: still being built from the rollouts (${view.backfill.filesDone} of ${view.backfill.filesTotal} files)\n`,
    );
  }
  if (options.json) {
    io.stdout(`${JSON.stringify(toJsonDates(view), null, 2)}\n`);
    return 0;
  }
  const color = io.isTTY === true && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
  io.stdout(`${formatHistory(view, io.now(), { color, logs: read.logs })}\n`);
  return 0;
}
