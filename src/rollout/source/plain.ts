import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { errorReason, statKind } from '../../fs/entryKind.js';
import { OPEN_FLAGS } from '../../fs/readBounded.js';
import { isMissingError, isPermissionError, type ByteSource, type Feed, type FileFacts } from './feed.js';

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

/** Reads at a position; a plain number when synchronous. */
interface Handle {
  read(buf: Buffer, length: number, position: number): number | Promise<number>;
  close(): void | Promise<void>;
}

/**
 * A regular file read forward from an offset to the size it has now (a
 * growing file: what is appended later is the next read's). Only regular
 * files are opened, and without waiting (O_NONBLOCK), so a FIFO named like a
 * rollout can never block; every failure is an outcome, never a throw.
 */
export function plainSource(path: string, opts: PlainOptions = {}): ByteSource {
  return { feeds: (_lines, counter, signal) => plainFeeds(path, opts, counter, signal) };
}

async function* plainFeeds(
  path: string,
  opts: PlainOptions,
  counter: { bytesRead: number },
  signal: AbortSignal | undefined,
): AsyncGenerator<Feed> {
  const sync = opts.syncBelow !== undefined;
  let info: Stats;
  try {
    info = sync ? statSync(path) : await stat(path);
  } catch (error) {
    yield done(isMissingError(error) ? { kind: 'missing' } : { kind: 'special', reason: errorReason(error) });
    return;
  }
  if (!info.isFile()) return yield done({ kind: 'special', reason: statKind(info) });
  const file: FileFacts = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
  const from = opts.start === undefined ? 0 : opts.start(file);
  if (from === null || from >= file.size) return yield done({ kind: 'read', file });
  const end = Math.min(file.size, from + (opts.maxBytes ?? Infinity));
  let handle: Handle;
  try {
    handle = sync && end - from <= (opts.syncBelow ?? 0) ? openSyncHandle(path) : await openAsyncHandle(path);
  } catch (error) {
    yield done(isPermissionError(error) ? { kind: 'unreadable', mtimeMs: file.mtimeMs } : { kind: 'missing' });
    return;
  }
  yield { kind: 'open', file };
  try {
    // Sized to what is there: a typical append is a few hundred bytes.
    const buf = Buffer.allocUnsafe(Math.min(opts.chunkBytes ?? CHUNK_BYTES, end - from));
    for (let at = from; at < end;) {
      if (signal?.aborted === true) return yield done({ kind: 'aborted' });
      const got = handle.read(buf, Math.min(buf.length, end - at), at);
      const bytesRead = typeof got === 'number' ? got : await got;
      if (bytesRead === 0) break;
      counter.bytesRead += bytesRead;
      at += bytesRead;
      yield { kind: 'bytes', bytes: buf.subarray(0, bytesRead) };
    }
  } catch (error) {
    return yield done({ kind: 'special', reason: errorReason(error) });
  } finally {
    await handle.close();
  }
  yield done({ kind: 'read', file });
}

function done(outcome: Extract<Feed, { kind: 'done' }>['outcome']): Feed {
  return { kind: 'done', outcome };
}

function openSyncHandle(path: string): Handle {
  const fd = openSync(path, OPEN_FLAGS);
  return {
    read: (buf, length, position) => readSync(fd, buf, 0, length, position),
    close: () => closeSync(fd),
  };
}

async function openAsyncHandle(path: string): Promise<Handle> {
  const fh = await open(path, OPEN_FLAGS);
  return {
    read: async (buf, length, position) => (await fh.read(buf, 0, length, position)).bytesRead,
    close: () => fh.close().catch(() => undefined),
  };
}
