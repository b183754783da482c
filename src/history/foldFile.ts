import { statSync } from 'node:fs';
import { isCompressed } from '../rollout/files.js';
import { EventRead, Pipeline } from '../rollout/read.js';
import { compressedSource } from '../rollout/source/compressed.js';
import { plainSource } from '../rollout/source/plain.js';
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
 */
export async function scanRollout(
  path: string,
  previous: FileCursor | null,
  opts: ScanOptions,
): Promise<ScanResult | null> {
  return isCompressed(path) ? scanCompressed(path, previous, opts) : scanPlain(path, previous, opts);
}

async function scanPlain(path: string, previous: FileCursor | null, opts: ScanOptions): Promise<ScanResult | null> {
  const stats = emptyReadStats();
  const pipe = new Pipeline(stats, 0, { kinds: FOLD_KINDS });
  let fold: DayFold | null = null;
  const source = plainSource(path, {
    start: (file) => {
      fold = new DayFold(startCursor(path, file.ino, file.size, previous, opts.countAfter), opts);
      pipe.lines.reset(fold.cursor.offset);
      return fold.cursor.offset;
    },
    syncBelow: SYNC_READ_BYTES,
    chunkBytes: SYNC_READ_BYTES,
  });
  const read = new EventRead(source, pipe, readSettings(opts));
  const outcome = await read.each((event) => (fold as DayFold | null)?.apply(event));
  const folded = fold as DayFold | null;
  if (outcome.kind !== 'read' || folded === null) return null;
  // A trailing partial line waits for the next scan.
  folded.cursor.offset = read.position;
  return settle(folded, opts, stats.bytesRead);
}

/**
 * A compressed rollout (`.jsonl.zst`) is read once, whole, as it
 * decompresses. When it replaced a plain rollout already counted (Codex
 * compresses finished sessions), only its lines newer than what was counted
 * add anything. A file that is refused, corrupt or expands past the bound
 * adds nothing, and its cursor is still written so it is not tried again.
 */
async function scanCompressed(
  path: string,
  previous: FileCursor | null,
  opts: ScanOptions,
): Promise<ScanResult | null> {
  let ino: number;
  try {
    const info = statSync(path);
    if (!info.isFile()) return null;
    ino = info.ino;
  } catch {
    return null;
  }
  // It never grows: once read, there is nothing more in it.
  if (previous !== null && previous.path === path && previous.ino === ino)
    return { cursor: previous, add: [], limits: [], bytes: 0 };
  const fold = new DayFold(startCursor(path, ino, Infinity, previous, opts.countAfter), opts);
  const stats = emptyReadStats();
  const read = new EventRead(compressedSource(path), new Pipeline(stats, 0, { kinds: FOLD_KINDS }), readSettings(opts));
  const outcome = await read.each((event) => fold.apply(event));
  if (outcome.kind === 'special')
    return { cursor: freshCursor(path, ino, opts.countAfter), add: [], limits: [], bytes: stats.bytesRead };
  if (outcome.kind !== 'read') return null;
  fold.cursor.offset = read.position;
  return settle(fold, opts, stats.bytesRead);
}

async function settle(fold: DayFold, opts: ScanOptions, bytes: number): Promise<ScanResult> {
  const projects = new Map<string, string | null>();
  for (const cwd of fold.cwds()) projects.set(cwd, await opts.project(cwd));
  return { ...fold.settle((cwd) => projects.get(cwd) ?? null, opts.ignored), bytes };
}

function readSettings(opts: ScanOptions): { now: () => number; signal?: AbortSignal } {
  return { now: () => opts.now, ...(opts.signal === undefined ? {} : { signal: opts.signal }) };
}
