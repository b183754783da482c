import { open, type FileHandle } from 'node:fs/promises';
import { errorReason, statKind } from '../../fs/entryKind.js';
import { OPEN_FLAGS } from '../../fs/readBounded.js';

/**
 * The one interface behind which every rollout byte source sits (issue 22
 * §1): a plain file read forward from an offset, a large live file read
 * backward from its end, a compressed file decompressed as a stream. A
 * source hands the splitter what to do, in order; the reader (read.ts) turns
 * the lines into events as they come, so nothing holds a whole file.
 */

/** What a source found when it opened the file. */
export interface FileFacts {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** How a read ended: one shape for every source. */
export type ReadOutcome =
  | { kind: 'read'; file: FileFacts }
  /** Nothing there (ENOENT), or a folder on the path is a file. */
  | { kind: 'missing' }
  /** Not a regular file, a read that failed, or a compressed file that is corrupt, too large or a bomb. */
  | { kind: 'special'; reason: string }
  /** There, but this user may not read it (EACCES/EPERM: `sudo codex` leaves mode-600 root files behind). */
  | { kind: 'unreadable'; mtimeMs: number }
  /** Stopped by the caller's AbortSignal. */
  | { kind: 'aborted' };

export type Feed =
  /** The file was opened; no line in it was written after `file.mtimeMs`. */
  | { kind: 'open'; file: FileFacts }
  /** The next bytes (valid only until the next feed is asked for). */
  | { kind: 'bytes'; bytes: Buffer }
  /** A run of whole lines starts at `start` (the backward read goes from run to run, newest first). */
  | { kind: 'run'; start: number }
  /** The rest of the current line, `bytes` long, not read: the splitter said nobody wants it. */
  | { kind: 'gap'; bytes: number; lastByte: number }
  /** The bytes are complete (or, reading backward, this run is): a last line without a newline is whole. */
  | { kind: 'end' }
  | { kind: 'done'; outcome: ReadOutcome };

/** What a source may ask of the splitter it feeds. */
export interface SplitState {
  readonly skipping: boolean;
}

export interface ByteSource {
  /**
   * Ends with one `done`, unless the reader stops early. `bytesRead` counts
   * bytes taken from disk. A plain list when the source read synchronously.
   */
  feeds(lines: SplitState, counter: { bytesRead: number }, signal?: AbortSignal): AsyncIterable<Feed> | Feed[];
}

/** EACCES or EPERM: the entry exists but this user may not read it. */
export function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

export function isMissingError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Opens a regular file without waiting (O_NONBLOCK: a FIFO cannot block), or says why not. */
export async function openRegular(
  path: string,
): Promise<{ handle: FileHandle; file: FileFacts } | { outcome: ReadOutcome }> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    if (isPermissionError(error)) return { outcome: { kind: 'unreadable', mtimeMs: 0 } };
    return { outcome: isMissingError(error) ? { kind: 'missing' } : { kind: 'special', reason: errorReason(error) } };
  }
  try {
    const info = await handle.stat();
    if (info.isFile()) return { handle, file: { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino } };
    await handle.close();
    return { outcome: { kind: 'special', reason: statKind(info) } };
  } catch (error) {
    await handle.close().catch(() => undefined);
    return { outcome: { kind: 'special', reason: errorReason(error) } };
  }
}
