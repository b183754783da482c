import { CLOCK_SKEW_MS, LineCheck } from '../ranges/ranges.js';
import { isCompressed, plainPath, type RolloutFile } from '../rollout/files.js';
import { matchesGlob } from '../settings/glob.js';
import { GitResolver } from '../usage/git.js';
import { scanRollout, type ScanOptions } from './foldFile.js';
import { encodeRecord } from './codec.js';
import { cursorOf, type FileRecord, type HistoryRecord } from './records.js';
import { rangeRecord } from './schema.js';
import { appendRoom, DEFAULT_BOUNDS, MAX_RECENT_BYTES, type Bounds } from './bounds.js';
import { compact } from './compact.js';
import { applyStored, isChange, type HistoryState } from './state.js';

/**
 * Catching history up with the rollouts (issue 15 §1, issue 23 §2): which
 * rollouts hold lines history has not folded, and folding one from its
 * cursor into a sink. The publisher's recorder sinks into its store (the
 * file); `history` and `status` sink into a state in memory and write
 * nothing. Both run this one code, so what a reader computes from the logs
 * is exactly what the recorder writes when it next catches up.
 */

/** Where folded records go: the store (which appends them to the file) or a state in memory. */
export interface HistorySink {
  readonly state: HistoryState;
  append(records: readonly HistoryRecord[]): void;
}

/** Backfill keeps the limit observations of this many recent days: more than the charts' 8 past weekly windows. */
export const BACKFILL_LIMIT_DAYS = 60;
const DAY_MS = 86_400_000;

/** The oldest limit observation a catch-up at `now` keeps. */
export function limitsKeptSince(now: number): number {
  return now - BACKFILL_LIMIT_DAYS * DAY_MS;
}

/**
 * The rollouts with lines beyond history's cursors, oldest write first: a
 * plain file whose size is not the offset its cursor reached, a compressed
 * one never read (a compressed file never grows).
 */
export function pendingRollouts(state: HistoryState, files: readonly RolloutFile[]): RolloutFile[] {
  return files
    .filter((f) => (f.compressed ? !state.files.has(f.path) : state.files.get(f.path)?.offset !== f.size))
    .sort((a, b) => a.mtimeMs - b.mtimeMs);
}

/**
 * True when a file last written at `mtimeMs` may hold a line counted at or
 * after `since`: a line's time is capped at its file's mtime plus the clock
 * skew allowance (src/ranges/ranges.ts `LineCheck.time`), so an older file
 * adds nothing to days from `since` on, nor a limit reading observed then.
 */
export function mayReach(mtimeMs: number, since: number): boolean {
  return mtimeMs + CLOCK_SKEW_MS >= since;
}

export interface FolderOptions {
  now: () => number;
  /** The settings' ignore list, read at each use so a change applies at once. */
  ignore: () => readonly string[];
  /** Stops the read: a file being read when it is raised adds nothing. */
  signal?: AbortSignal;
  /** False: limit readings are not kept (a reader that wants only tokens; a file of millions of them costs nothing). */
  limits?: boolean;
  /** False: no split by model, so no cost (only `npm run bench`, to measure what the split adds). */
  byModel?: boolean;
}

/** Folds rollouts into a sink from where history stopped, each project resolved once (its git folder). */
export class RolloutFolder {
  private readonly git = new GitResolver();
  private readonly projects = new Map<string, Promise<string | null>>();

  constructor(
    private readonly sink: HistorySink,
    private readonly opts: FolderOptions,
  ) {}

  /** Reads `path` beyond its cursor and appends what it added; true when tokens or limit readings changed. */
  async fold(path: string): Promise<boolean> {
    const state = this.sink.state;
    const now = this.opts.now();
    const clearedAt = state.clearedAt;
    const since = Math.max(limitsKeptSince(now), clearedAt ?? -Infinity);
    const scan: ScanOptions = {
      now,
      countAfter: clearedAt,
      limitsSince: this.opts.limits === false ? Infinity : since,
      ...(this.opts.byModel === false ? { byModel: false } : {}),
      ...(this.opts.signal === undefined ? {} : { signal: this.opts.signal }),
      project: (cwd) => this.project(cwd),
      ignored: (project) => project !== null && this.opts.ignore().some((g) => matchesGlob(project, g)),
    };
    // A compressed rollout continues from its plain form's cursor, the file Codex compressed it from.
    const before = state.files.get(path) ?? (isCompressed(path) ? state.files.get(plainPath(path)) : null) ?? null;
    const result = await scanRollout(path, before, scan);
    if (result === null || this.opts.signal?.aborted === true) return false;
    const { cursor, add, win, limits } = result;
    // A cursor is written even for a file that added nothing (legacy, ignored): it saves re-reading it.
    // Compared as it would be stored (ranged), or a value the store cuts would count as moved at every scan.
    const stored = rangeRecord({ k: 'file', ...cursor, add: [] }, new LineCheck(0)) as FileRecord | null;
    const moved = before === null || stored === null || JSON.stringify(before) !== JSON.stringify(cursorOf(stored));
    if (!moved && add.length === 0) return false;
    this.sink.append([{ k: 'file', ...cursor, add, ...(win === undefined ? {} : { win }) }]);
    let changed = add.length > 0;
    for (const l of limits) {
      // The sink's state now: a compaction or a clear during the read may have replaced it.
      if (isChange(this.sink.state, l)) {
        this.sink.append([l]);
        changed = true;
      }
    }
    return changed;
  }

  private project(cwd: string): Promise<string | null> {
    let known = this.projects.get(cwd);
    if (known === undefined) {
      known = this.git.refresh(cwd).then(() => this.git.info(cwd).project);
      this.projects.set(cwd, known);
    }
    return known;
  }
}

export interface FromLogsOptions {
  now: number;
  /** The size of the history file `recorded` was read from (0: none). */
  recordedBytes: number;
  /** The store's bounds (default: the file's own); the catch-up compacts within them as the store does. */
  bounds?: Bounds;
  ignore: readonly string[];
  /** Only files that may add to days from this time on are read (see `mayReach`); null reads every pending one. */
  since: number | null;
  /** After each file read: how many of how many. */
  progress?: (done: number, total: number) => void;
  /** False: only tokens are wanted, limit readings are not kept. */
  limits?: boolean;
}

export interface FromLogs {
  /** The recorded state with every pending rollout folded in, compacted as the recorder compacts after a catch-up. */
  state: HistoryState;
  /** The local days whose figures include tokens computed from the rollouts (none of them is in the file yet). */
  days: Set<string>;
  /** Rollouts read. */
  files: number;
}

/**
 * History as the publisher would have it if it caught up now: `recorded`
 * (the file's state, consumed) with every rollout beyond its cursors folded
 * in memory, by the recorder's own fold. Never writes anything.
 *
 * Exact, not estimated: each `file` line of the history file holds a
 * rollout's cursor and the tokens its lines added together (one append,
 * both or neither), so the recorded figures are those of the lines up to the
 * cursor, and folding from that cursor (its offset, its running totals, its
 * fork state) counts exactly the lines after it, once. A rollout history has
 * never seen is folded from its start. The recorder, catching up, does the
 * same to the same files and then compacts; so does this.
 */
export async function foldFromLogs(
  recorded: HistoryState,
  files: readonly RolloutFile[],
  opts: FromLogsOptions,
): Promise<FromLogs> {
  const days = new Set<string>();
  let appended = 0;
  const sink: HistorySink = {
    state: recorded,
    append(records) {
      for (const r of records) {
        const stored = applyStored(recorded, r);
        if (stored !== null) appended += Buffer.byteLength(encodeRecord(stored));
        if (stored?.k !== 'file') continue;
        for (const [day, tokens, cached] of stored.add) if (tokens > 0 || cached > 0) days.add(day);
      }
    },
  };
  const since = opts.since;
  const todo = pendingRollouts(recorded, files).filter((f) => since === null || mayReach(f.mtimeMs, since));
  const folder = new RolloutFolder(sink, {
    now: () => opts.now,
    ignore: () => opts.ignore,
    ...(opts.limits === undefined ? {} : { limits: opts.limits }),
  });
  let done = 0;
  if (todo.length > 0) opts.progress?.(0, todo.length);
  for (const f of todo) {
    await folder.fold(f.path);
    done += 1;
    opts.progress?.(done, todo.length);
  }
  // The cap drops days only from a file that would pass it, and a compaction writes no more than the lines it
  // folds (one line per rollout, the readings thinned) and its summary: under that, the uncapped compaction is the
  // same, without measuring the whole state again and again.
  const capped = opts.bounds ?? DEFAULT_BOUNDS;
  const most = opts.recordedBytes + appended + MAX_RECENT_BYTES + 4096;
  const bounds =
    most <= capped.maxBytes - appendRoom(capped) ? { ...capped, maxBytes: Number.MAX_SAFE_INTEGER } : capped;
  const state = todo.length === 0 ? recorded : compact(recorded, opts.now, bounds).state;
  return { state, days, files: todo.length };
}
