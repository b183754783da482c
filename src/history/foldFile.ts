import { isCompressed } from '../rollout/files.js';
import { codexLogs } from '../rollout/index.js';
import { emptyReadStats } from '../rollout/types.js';
import { DayFold, FOLD_KINDS, freshCursor, startCursor, type FoldResult } from './fold.js';
import type { FileCursor } from './records.js';

export interface ScanOptions {
  /** The project a cwd belongs to (the live engine's rule: repository name, else folder name). */
  project(cwd: string): Promise<string | null>;
  /** True when the settings' ignore list names this project: nothing of it is recorded. */
  ignored(project: string | null): boolean;
  now: number;
  /** Only lines later than this count (history was cleared then); null counts everything. */
  countAfter: number | null;
  /** Observations older than this are not kept (backfill reads more history than charts show). */
  limitsSince?: number;
  /** false: no split by model (the bench's comparison only; fold.ts). */
  byModel?: boolean;
  /** Stops the read (the publisher stopping): the scan then gives nothing. */
  signal?: AbortSignal;
}

export interface ScanResult extends FoldResult {
  /** Bytes read from disk. */
  bytes: number;
}

/**
 * Files with at most this much new to read are read synchronously: for the
 * thousands of small rollouts of a backfill, thread-pool round trips cost
 * more than the reading. The worker yields between files either way.
 */
const SYNC_READ_BYTES = 1024 * 1024;

/**
 * Reads a rollout from where history last stopped (`previous`, this file's
 * cursor; for a compressed rollout perhaps its plain form's) through the
 * rollout pipeline into the per-day fold. Null when there is nothing to
 * record: the path is gone, not a readable regular file, or the read was
 * aborted.
 *
 * A compressed rollout (`.jsonl.zst`) is read once, whole, as it
 * decompresses. When it replaced a plain rollout already counted (Codex
 * compresses finished sessions), only its lines newer than what was counted
 * add anything. One that is refused, corrupt or expands past the bound adds
 * nothing, and its cursor is still written so it is not tried again.
 */
export async function scanRollout(
  path: string,
  previous: FileCursor | null,
  opts: ScanOptions,
): Promise<ScanResult | null> {
  const compressed = isCompressed(path);
  const stats = emptyReadStats();
  let fold: DayFold | null = null;
  let ino: number | null = null;
  const read = codexLogs.read(path, {
    start: (file) => {
      ino = file.ino;
      // A compressed file never grows: once read, there is nothing more in it.
      if (compressed && previous !== null && previous.path === path && previous.ino === file.ino) return null;
      fold = new DayFold(
        startCursor(path, file.ino, compressed ? Infinity : file.size, previous, opts.countAfter),
        opts,
      );
      return fold.cursor.offset;
    },
    kinds: FOLD_KINDS,
    stats,
    now: () => opts.now,
    syncBelow: SYNC_READ_BYTES,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const outcome = await read.each((event) => (fold as DayFold | null)?.apply(event));
  const folded = fold as DayFold | null;
  // Refused (too large, a bomb, a frame asking too much) or corrupt: its cursor says it was tried.
  if (compressed && outcome.kind === 'special' && ino !== null)
    return { cursor: freshCursor(path, ino, opts.countAfter), add: [], limits: [], bytes: stats.bytesRead };
  if (outcome.kind !== 'read') return null;
  if (folded === null) return previous === null ? null : { cursor: previous, add: [], limits: [], bytes: 0 };
  // A trailing partial line waits for the next scan.
  folded.cursor.offset = read.position;
  const projects = new Map<string, string | null>();
  for (const cwd of folded.cwds()) projects.set(cwd, await opts.project(cwd));
  return { ...folded.settle((cwd) => projects.get(cwd) ?? null, opts.ignored), bytes: stats.bytesRead };
}
