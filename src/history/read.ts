import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { readLines } from '../fs/lines.js';
import { withRegularFile } from '../fs/readBounded.js';
import { linked, locateHistoryFile, notRegular } from './location.js';
import { totalsOfTail, totalsOfView, TOTAL_DAYS, type HistoryTotals } from './recent.js';
import { decodeRecord } from './codec.js';
import { cursorOf, type HistoryRecord, type RecentRecord } from './records.js';
import { DEFAULT_BOUNDS, MAX_RECENT_BYTES, summaryEvery } from './bounds.js';
import { applyRecord, emptyState, windowsSinceOf, type HistoryState } from './state.js';
import { backfillFromState, buildView } from './view.js';
import { CATALOG_ONLY, type CostConfig } from '../cost/pricing.js';

/**
 * Reading the history file (issue 21 §1): through src/fs (regular files only,
 * O_NONBLOCK, a byte bound), a line at a time, every line by the one schema
 * (records.ts). Nothing here writes; the publisher's store builds on it.
 */

/**
 * The most a history file may hold: the cap, and as much again, for a file an
 * earlier release wrote (it appended up to the compacted size before
 * compacting). Larger is not a file this app wrote, and is not read.
 */
export const MAX_READ_BYTES = 2 * DEFAULT_BOUNDS.maxBytes;
/** Far more than any line the app writes (a rollout's 400 days, a summary of MAX_RECENT_BYTES); longer is not read. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** What `status` reads from the end: the last summary line and what was appended after it. */
export const TAIL_BYTES = summaryEvery(DEFAULT_BOUNDS) + MAX_RECENT_BYTES + 64 * 1024;

export interface ParsedHistory {
  state: HistoryState;
  /** Why the file cannot be kept as it is, in words: the publisher backs it up and rebuilds it (null: it can). */
  problem: string | null;
  /** `file` lines that an older line for the same rollout made redundant: a sign compaction is due. */
  redundant: number;
  /** Lines kept with a value cut, clamped or left out (out of range): the publisher rewrites them. */
  adjusted: number;
  /** The first line is this app's header (or the file is empty). */
  ours: boolean;
  /** A compaction summary was read: a file from before there was one is compacted at the next start. */
  recent: boolean;
  /** The header has no `windowsSince` (written before window usage): the publisher rewrites it with one. */
  windowsLegacy: boolean;
  /** Bytes read. */
  bytes: number;
}

/** What a reader gets: the parsed file, or why it was left alone. */
export interface HistoryRead extends ParsedHistory {
  /** The file is not read and never replaced: `a FIFO (named pipe), not a regular file`, `a symlink to …`. */
  refused: string | null;
}

/**
 * Folds an open file's first `size` bytes into a state, tolerating anything:
 * a line that holds no record is skipped and counted in `problem`, never thrown.
 */
export async function parseOpenFile(
  handle: FileHandle,
  size: number,
  now: number,
  signal?: AbortSignal,
): Promise<ParsedHistory> {
  const state = emptyState(now);
  let index = 0;
  let ours = false;
  let bad = 0;
  let adjusted = 0;
  let files = 0;
  let recent = false;
  const range = { end: size, maxLineBytes: MAX_LINE_BYTES, ...(signal ? { signal } : {}) };
  const read = await readLines(handle, range, (line) => {
    const first = index === 0;
    index += 1;
    if (!first && !ours) return;
    const decoded = line === null ? null : decodeRecord(line.toString('utf8'));
    if (first && (ours = decoded?.record.k === 'header') === false) return;
    if (decoded === null) {
      bad += 1;
      return;
    }
    if (decoded.adjusted) adjusted += 1;
    if (decoded.record.k === 'file') files += 1;
    else if (decoded.record.k === 'recent') recent = true;
    applyRecord(state, decoded.record);
  });
  // Settled now, while the cursors are those of the lines folded without windows (state.ts).
  const windowsLegacy = state.windowsSince === undefined;
  state.windowsSince = windowsSinceOf(state);
  const parsed = { state, problem: null, redundant: 0, adjusted, ours, recent, windowsLegacy, bytes: read.bytes };
  if (read.bytes === 0) return { ...parsed, ours: true };
  if (!ours) return { ...parsed, adjusted: 0, problem: 'it is not a history file of this app (no header line)' };
  return { ...parsed, problem: linesProblem(bad, read), redundant: files - state.files.size };
}

/** What was wrong with the lines, in words, or null. */
function linesProblem(bad: number, read: { rest: Buffer; restOversized: boolean }): string | null {
  if (bad > 0) return `${bad} line${bad === 1 ? ' was' : 's were'} not readable`;
  if (read.rest.length > 0 || read.restOversized) return 'the last line was cut short (a crash while writing)';
  return null;
}

type Opened<T> = { kind: 'read'; value: T } | { kind: 'missing' } | { kind: 'refused'; what: string };

/**
 * Finds the file (through its symlinks), opens it as a regular file within
 * MAX_READ_BYTES, and runs `use` on it. What it is not is said, not thrown.
 */
export async function withHistoryFile<T>(
  path: string,
  use: (handle: FileHandle, info: Stats, link: { target: string; link: boolean }) => Promise<T>,
): Promise<Opened<T>> {
  const place = await locateHistoryFile(path);
  if (place.kind !== 'file') return { kind: 'refused', what: place.what };
  if (!place.exists) return { kind: 'missing' };
  const read = await withRegularFile(place.target, async (handle, info) => {
    if (info.size > MAX_READ_BYTES) {
      const what = `larger than any history file this app writes (${info.size} bytes, more than ${MAX_READ_BYTES})`;
      return { kind: 'refused' as const, what: linked(path, place.target, what) };
    }
    return { kind: 'read' as const, value: await use(handle, info, place) };
  });
  switch (read.kind) {
    case 'read':
    case 'refused':
      return read;
    case 'missing':
      return { kind: 'missing' };
    case 'special':
      return { kind: 'refused', what: notRegular(path, place.target, read.reason) };
    case 'tooLarge':
      return { kind: 'refused', what: linked(path, place.target, `larger than ${read.maxBytes} bytes`) };
    case 'error':
      return { kind: 'refused', what: linked(path, place.target, read.reason) };
  }
}

/** A symlink to a file that is not a history file of this app: never read as one, never replaced (issue 21 §2). */
export function foreignTarget(
  parsed: ParsedHistory,
  link: { target: string; link: boolean },
  path: string,
): string | null {
  return link.link && !parsed.ours ? linked(path, link.target, 'not a history file of this app') : null;
}

/** A reader's view of the file (`history`, an app that is not the publisher): never writes. */
export async function readHistory(path: string, now: number, signal?: AbortSignal): Promise<HistoryRead> {
  const read = await withHistoryFile(path, async (handle, info, link) => {
    const parsed = await parseOpenFile(handle, info.size, now, signal);
    return { ...parsed, refused: foreignTarget(parsed, link, path) };
  });
  // What is not ours is not read as history: an empty state, and why.
  const refused = read.kind === 'read' ? read.value.refused : read.kind === 'refused' ? read.what : null;
  if (read.kind === 'read' && refused === null) return read.value;
  return { ...empty(now), refused };
}

function empty(now: number): HistoryRead {
  return {
    state: emptyState(now),
    problem: null,
    redundant: 0,
    adjusted: 0,
    ours: true,
    recent: false,
    windowsLegacy: false,
    bytes: 0,
    refused: null,
  };
}

/** `status`'s Tokens row, with why the file was not used when it was not. */
export interface TotalsRead {
  totals: HistoryTotals | null;
  problem: string | null;
  refused: string | null;
  /** What was read: the tail after the last summary, the whole file, or nothing (none there, or refused). */
  from: 'tail' | 'file' | null;
}

/**
 * Today's and the last seven days' tokens, as the History view counts them,
 * from the file's last `tailBytes` when its last summary is there (issue 21
 * §4: a 50 MB history costs `status` half a megabyte), else from the whole
 * file.
 */
export async function readRecentTotals(
  path: string,
  now: number,
  ignore: readonly string[],
  tailBytes = TAIL_BYTES,
  cost: CostConfig = CATALOG_ONLY,
): Promise<TotalsRead> {
  const read = await withHistoryFile(path, async (handle, info, link): Promise<TotalsRead> => {
    if (info.size > tailBytes && (await startsWithHeader(handle))) {
      const tail = await tailAfterSummary(handle, info.size, tailBytes);
      if (tail !== null) {
        return { totals: totalsOfTail(tail.recent, tail.after, now, ignore, cost), ...tail.words, from: 'tail' };
      }
    }
    const parsed = await parseOpenFile(handle, info.size, now);
    const refused = foreignTarget(parsed, link, path);
    if (refused !== null) return { totals: null, problem: null, refused, from: null };
    const view = buildView(parsed.state, { days: TOTAL_DAYS }, now, backfillFromState(parsed.state), ignore, cost);
    return { totals: totalsOfView(view), problem: parsed.problem, refused: null, from: 'file' };
  });
  if (read.kind === 'read') return read.value;
  return { totals: null, problem: null, refused: read.kind === 'refused' ? read.what : null, from: null };
}

/**
 * The cursors of `paths` (each rollout's last `file` line) and the file's
 * header, in a state that holds nothing else: what `status` needs to fold
 * the rollouts of its seven days beyond what was recorded, without folding
 * 50 MB of history (issue 23 §2, issue 21 §4). Only the lines of those
 * rollouts are decoded; the others are told apart by their path's bytes.
 */
export async function readCursors(path: string, paths: ReadonlySet<string>, now: number): Promise<HistoryState> {
  const state = emptyState(now);
  if (paths.size === 0) return state;
  const keys = new Set([...paths].map((p) => JSON.stringify(p)));
  await withHistoryFile(path, async (handle, info) => {
    let first = true;
    const range = { end: info.size, maxLineBytes: MAX_LINE_BYTES };
    await readLines(handle, range, (line) => {
      const header = first;
      first = false;
      if (line === null) return;
      if (!header && !line.subarray(0, FILE_PREFIX.length).equals(FILE_PREFIX)) return;
      // records.ts writes `{"k":"file","path":…,"ino":…`; a quote in the path is escaped, so the first `,"ino":`
      // ends it. Without an escape there, its bytes are the path's own: another path's line is passed over.
      const end = header ? -1 : line.indexOf(INO_FIELD, FILE_PREFIX.length);
      const raw = end === -1 ? null : line.subarray(FILE_PREFIX.length, end);
      if (raw !== null && raw.indexOf(BACKSLASH) === -1 && !keys.has(raw.toString('utf8'))) return;
      const record = decodeRecord(line.toString('utf8'))?.record;
      if (record?.k === 'header' && header) applyRecord(state, record);
      else if (record?.k === 'file' && paths.has(record.path)) state.files.set(record.path, cursorOf(record));
    });
  });
  return state;
}

async function startsWithHeader(handle: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(4096);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  const end = head.subarray(0, bytesRead).indexOf(0x0a);
  return end !== -1 && decodeRecord(head.subarray(0, end).toString('utf8'))?.record.k === 'header';
}

/** How a `recent` and a `limit` line begin: records.ts builds them with `k` first, and JSON keeps the order. */
const RECENT_PREFIX = Buffer.from('{"k":"recent"');
const LIMIT_PREFIX = Buffer.from('{"k":"limit"');
const FILE_PREFIX = Buffer.from('{"k":"file","path":');
const INO_FIELD = Buffer.from(',"ino":');
const BACKSLASH = 0x5c;

/** The last summary in the file's last `tailBytes` and the records after it, or null when there is none. */
async function tailAfterSummary(
  handle: FileHandle,
  size: number,
  tailBytes: number,
): Promise<{ recent: RecentRecord; after: HistoryRecord[]; words: { problem: string | null; refused: null } } | null> {
  const lines: Array<Buffer | null> = [];
  // From one byte before the window: the first line handed on is cut, or empty when that byte ends a line.
  const start = size - tailBytes - 1;
  const read = await readLines(handle, { start, end: size, maxLineBytes: MAX_LINE_BYTES }, (line) => lines.push(line));
  let found = -1;
  let recent: RecentRecord | null = null;
  for (let i = lines.length - 1; i >= 1 && recent === null; i -= 1) {
    const line = lines[i];
    if (line === null || line === undefined || !line.subarray(0, RECENT_PREFIX.length).equals(RECENT_PREFIX)) continue;
    const decoded = decodeRecord(line.toString('utf8'));
    if (decoded?.record.k === 'recent') [found, recent] = [i, decoded.record];
  }
  if (recent === null) return null;
  const after: HistoryRecord[] = [];
  let bad = 0;
  for (const line of lines.slice(found + 1)) {
    // Limit readings are most of what is appended, and nothing the totals need: passed over unparsed.
    if (line !== null && line.subarray(0, LIMIT_PREFIX.length).equals(LIMIT_PREFIX)) continue;
    const decoded = line === null ? null : decodeRecord(line.toString('utf8'));
    if (decoded === null) bad += 1;
    else after.push(decoded.record);
  }
  return { recent, after, words: { problem: linesProblem(bad, read), refused: null } };
}
