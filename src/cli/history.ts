import { quoted } from '../format/quoted.js';
import { join } from 'node:path';
import { historyFromLogs, type ReaderView } from '../history/fromLogs.js';
import { historyPath, presenceDataDir } from '../history/location.js';
import { MAX_HISTORY_DAYS } from '../history/view.js';
import type { GlobalOptions } from './args.js';
import { BINARY } from '../format/binary.js';
import { cliContext, type CliIo } from './context.js';
import { formatHistory } from './historyText.js';
import { toJsonDates } from './jsonDates.js';
import { CATALOG_ONLY, costConfig, type CostConfig } from '../cost/pricing.js';

export const DEFAULT_HISTORY_DAYS = 7;

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

/**
 * The view `history` prints: what the publisher recorded, read without
 * writing, with what it has not recorded yet computed from the rollouts
 * (src/history/fromLogs.ts).
 */
export async function readHistoryView(
  io: CliIo,
  days: number,
  ignore: readonly string[],
  codexHome: string,
  progress?: (done: number, total: number) => void,
  cost: CostConfig = CATALOG_ONLY,
): Promise<ReaderView> {
  return historyFromLogs(cliHistoryPath(io), join(codexHome, 'sessions'), {
    now: io.now(),
    days,
    ignore,
    progress,
    cost,
  });
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
    return `${BINARY}: history file ${quoted(path)} is ${read.refused}: it is not read, and it is left as it is\n`;
  }
  if (read.problem !== null) {
    return `${BINARY}: history file ${quoted(path)}: ${read.problem} (the publisher backs it up and rebuilds it)\n`;
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
  const cost = costConfig(config.raw);
  const read = await readHistoryView(io, days, config.config.ignoreProjects, codexHome, progress.update, cost).finally(
    progress.clear,
  );
  const { view, path } = read;
  if (options.verbose) io.stderr(`history: reading ${quoted(path)}\n`);
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
