import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { errorReason, statKind } from '../../fs/entryKind.js';
import { OPEN_FLAGS } from '../../fs/readBounded.js';
import {
  isMissingError,
  isPermissionError,
  type ByteSource,
  type Feed,
  type FileFacts,
  type ReadOutcome,
} from './feed.js';

export interface PlainOptions {
  /** Where to start, given what the file is now (a tail detects a replaced or truncated file here); null: nothing to read. */
  start?: (file: FileFacts) => number | null;
  /** Stop after this many bytes. */
  maxBytes?: number;
  /**
   * Read a stretch of at most this many bytes synchronously. For the
   * thousands of small rollouts of a history backfill, four thread-pool
   * round trips per file (stat, open, read, close) cost more than the
   * reading; a read of 1 MB takes a millisecond or so.
   */
  syncBelow?: number;
  chunkBytes?: number;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * A regular file read forward from an offset to the size it has now (a
 * growing file: what is appended later is the next read's). Only regular
 * files are opened, and without waiting (O_NONBLOCK), so a FIFO named like a
 * rollout can never block; every failure is an outcome, never a throw.
 */
export function plainSource(path: string, opts: PlainOptions = {}): ByteSource {
  return {
    feeds: (_lines, counter, signal) => {
      const small = opts.syncBelow === undefined ? null : syncFeeds(path, opts, counter);
      return small !== null && !('file' in small) ? small : asyncFeeds(path, opts, counter, signal, small);
    },
  };
}

/** Where a read goes, once the file is known. */
interface Stretch {
  file: FileFacts;
  from: number;
}

/**
 * A small stretch read whole, synchronously, with the feeds it makes (no
 * promise per feed: a backfill reads 10,000 files). A larger one is left to
 * the asynchronous read, with what was found (the file is not looked at twice).
 */
function syncFeeds(path: string, opts: PlainOptions, counter: { bytesRead: number }): Feed[] | Stretch {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return [done(isMissingError(error) ? { kind: 'missing' } : openFailure(error, 0))];
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return [done({ kind: 'special', reason: statKind(info) })];
    const file: FileFacts = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
    const from = opts.start === undefined ? 0 : opts.start(file);
    if (from === null || from >= file.size) return [done({ kind: 'read', file })];
    const end = Math.min(file.size, from + (opts.maxBytes ?? Infinity));
    if (end - from > (opts.syncBelow ?? 0)) return { file, from };
    const buf = scratchOf(end - from);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    counter.bytesRead += got;
    return [{ kind: 'open', file }, { kind: 'bytes', bytes: buf.subarray(0, got) }, done({ kind: 'read', file })];
  } catch (error) {
    return [done({ kind: 'special', reason: errorReason(error) })];
  } finally {
    closeSync(fd);
  }
}

/**
 * One buffer for every synchronous read: a backfill reads 10,000 files of a
 * few hundred kilobytes each, and a fresh buffer per file was most of its
 * garbage collection. Safe because a feed's bytes are valid only until the
 * next feed is asked for (feed.ts), and a synchronous read's bytes are pushed
 * through the splitter, which copies what it keeps, before any other read
 * can run. It grows to the largest stretch read so (at most `syncBelow`).
 */
let scratch = Buffer.alloc(0);

function scratchOf(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(Math.max(bytes, 64 * 1024));
  return scratch;
}

async function* asyncFeeds(
  path: string,
  opts: PlainOptions,
  counter: { bytesRead: number },
  signal: AbortSignal | undefined,
  known: Stretch | null,
): AsyncGenerator<Feed> {
  let stretch = known;
  if (stretch === null) {
    // Stat first: a file with nothing new (most events of a live file) is never opened.
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      return yield done(isMissingError(error) ? { kind: 'missing' } : { kind: 'special', reason: errorReason(error) });
    }
    if (!info.isFile()) return yield done({ kind: 'special', reason: statKind(info) });
    const file: FileFacts = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
    const from = opts.start === undefined ? 0 : opts.start(file);
    if (from === null || from >= file.size) return yield done({ kind: 'read', file });
    stretch = { file, from };
  }
  const { file, from } = stretch;
  const end = Math.min(file.size, from + (opts.maxBytes ?? Infinity));
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return yield done(openFailure(error, file.mtimeMs));
  }
  yield { kind: 'open', file };
  try {
    // Sized to what is there: a typical append is a few hundred bytes.
    const buf = Buffer.allocUnsafe(Math.min(opts.chunkBytes ?? CHUNK_BYTES, end - from));
    for (let at = from; at < end;) {
      if (signal?.aborted === true) return yield done({ kind: 'aborted' });
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, end - at), at);
      if (bytesRead === 0) break;
      counter.bytesRead += bytesRead;
      at += bytesRead;
      yield { kind: 'bytes', bytes: buf.subarray(0, bytesRead) };
    }
  } catch (error) {
    return yield done({ kind: 'special', reason: errorReason(error) });
  } finally {
    await handle.close().catch(() => undefined);
  }
  yield done({ kind: 'read', file });
}

/** Refused (EACCES/EPERM: `sudo codex` leaves mode-600 root files behind), or gone since the stat. */
function openFailure(error: unknown, mtimeMs: number): ReadOutcome {
  return isPermissionError(error) ? { kind: 'unreadable', mtimeMs } : { kind: 'missing' };
}

function done(outcome: Extract<Feed, { kind: 'done' }>['outcome']): Feed {
  return { kind: 'done', outcome };
}
