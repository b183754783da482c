import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { statKind } from './entryKind.js';

/**
 * The one way an input file that is not a rollout (the history file, the
 * config) is read (issue 21): opened without waiting, accepted only as a
 * regular file, and never read past a bound. A FIFO at the path cannot
 * block (O_NONBLOCK; the open returns and the fstat says it is a FIFO), a
 * symlink to /dev/zero is a device and is refused before a byte is read, and
 * a file that grows while it is read stops at the bound instead of filling
 * memory. Rollouts go through the same flags (src/rollout/source).
 */

/**
 * Opening never waits: a FIFO that replaced a file between a check and the
 * open would otherwise block a libuv thread until a writer appears. No effect
 * on regular files; Windows has no FIFOs and no such flag.
 */
export const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export type BoundedRead =
  | { kind: 'read'; bytes: Buffer; info: Stats }
  /** Nothing there (ENOENT), or a folder on the path is a file (ENOTDIR). */
  | { kind: 'missing' }
  /** There, but not a regular file: `reason` names what it is (`a FIFO (named pipe)`, `a device`…). */
  | { kind: 'special'; reason: string }
  /** A regular file larger than the bound: not read at all. */
  | { kind: 'tooLarge'; size: number; maxBytes: number }
  /** The open or a read failed (EACCES, EIO, ELOOP…). */
  | { kind: 'error'; code: string; reason: string };

/** Reads a whole regular file of at most `maxBytes`. Never throws, never blocks, never reads past the bound. */
export async function readBounded(path: string, maxBytes: number): Promise<BoundedRead> {
  return withRegularFile(path, async (handle, info) => {
    if (info.size > maxBytes) return { kind: 'tooLarge', size: info.size, maxBytes };
    // One byte more than allowed: a file that grew past the bound since the fstat is caught, not read on.
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(info.size + 1, 1)));
    let at = 0;
    for (;;) {
      if (at === buf.length) {
        if (at > maxBytes) return { kind: 'tooLarge', size: at, maxBytes };
        break;
      }
      const { bytesRead } = await handle.read(buf, at, buf.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    if (at > maxBytes) return { kind: 'tooLarge', size: at, maxBytes };
    return { kind: 'read', bytes: buf.subarray(0, at), info };
  });
}

/**
 * Reads the last `maxBytes` of a regular file (all of it when smaller), for a
 * reader that needs only what was appended last. `start` is the offset the
 * bytes begin at (0: the whole file).
 */
export async function readTail(
  path: string,
  maxBytes: number,
): Promise<{ kind: 'read'; bytes: Buffer; start: number; info: Stats } | Exclude<BoundedRead, { kind: 'read' }>> {
  return withRegularFile(path, async (handle, info) => {
    const start = Math.max(0, info.size - maxBytes);
    const buf = Buffer.allocUnsafe(info.size - start);
    let at = 0;
    while (at < buf.length) {
      const { bytesRead } = await handle.read(buf, at, buf.length - at, start + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return { kind: 'read', bytes: buf.subarray(0, at), start, info };
  });
}

/**
 * Opens `path` without blocking, checks it is a regular file, and runs `use`
 * on it; the handle is always closed. Every failure is a value.
 */
export async function withRegularFile<T>(
  path: string,
  use: (handle: FileHandle, info: Stats) => Promise<T | BoundedFailure>,
): Promise<T | BoundedFailure> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return openFailure(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: 'special', reason: statKind(info) };
    return await use(handle, info);
  } catch (error) {
    return openFailure(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export type BoundedFailure = Exclude<BoundedRead, { kind: 'read' }>;

function openFailure(error: unknown): BoundedFailure {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? 'error';
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'ELOOP') return { kind: 'special', reason: 'a symlink loop (ELOOP)' };
  if (code === 'EISDIR') return { kind: 'special', reason: 'a directory' };
  return { kind: 'error', code, reason: `not readable (${code})` };
}

/** A failed bounded read, in words, for a message that names the file. */
export function describeFailure(failure: BoundedFailure): string {
  switch (failure.kind) {
    case 'missing':
      return 'it does not exist';
    case 'special':
      return `it is ${failure.reason}, not a regular file`;
    case 'tooLarge':
      return `it is larger than ${formatBytes(failure.maxBytes)} (${formatBytes(failure.size)}), so it is not read`;
    case 'error':
      return failure.reason;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${n} bytes`;
}
