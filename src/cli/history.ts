import { backfillFromState } from '../history/recorder.js';
import { historyPath, presenceDataDir } from '../history/location.js';
import { readHistory } from '../history/store.js';
import { buildView, MAX_HISTORY_DAYS } from '../history/view.js';
import type { HistoryView } from '../contract/index.js';
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

/** The view `history` prints: what the publisher recorded, read without writing (the same function as the app's). */
export async function readHistoryView(
  io: CliIo,
  days: number,
  ignore: readonly string[],
  cost: CostConfig = CATALOG_ONLY,
): Promise<{ view: HistoryView; path: string; problem: string | null; refused: string | null; adjusted: number }> {
  const path = cliHistoryPath(io);
  const now = io.now();
  const { state, problem, refused, adjusted } = await readHistory(path, now);
  const view = buildView(state, { days }, now, backfillFromState(state), ignore, cost);
  return { view, path, problem, refused, adjusted };
}

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
 * per day, from the history file the publisher (the app or `run`) keeps.
 * Never writes.
 */
export async function historyCommand(options: GlobalOptions & Record<string, unknown>, io: CliIo): Promise<number> {
  const days = parseDays(options.days);
  if (typeof days === 'string') {
    io.stderr(`${BINARY}: ${days}\nRun \`${BINARY} help history\` for usage.\n`);
    return 2;
  }
  const { config } = await cliContext(options, io);
  const read = await readHistoryView(io, days, config.config.ignoreProjects, costConfig(config.raw));
  const { view, path } = read;
  if (options.verbose) io.stderr(`history: reading ${path}\n`);
  if (options.verbose && read.adjusted > 0) {
    io.stderr(`history: ${read.adjusted} line(s) had values out of range, cut or left out as read\n`);
  }
  io.stderr(historyFileNote(path, read));
  if (io.isTTY === true && view.backfill.phase === 'running') {
    io.stderr(
      `history: still being built from the rollouts (${view.backfill.filesDone} of ${view.backfill.filesTotal} files)\n`,
    );
  }
  if (options.json) {
    io.stdout(`${JSON.stringify(toJsonDates(view), null, 2)}\n`);
    return 0;
  }
  const color = io.isTTY === true && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
  io.stdout(`${formatHistory(view, io.now(), { color })}\n`);
  return 0;
}
