import type { FileHandle } from 'node:fs/promises';

/**
 * Splits an open file's bytes into lines as they are read, a chunk at a time,
 * so a file of tens of megabytes never sits in memory as one buffer and one
 * string (issue 21 §4): what is kept is a chunk and the line being read. The
 * handle comes from `withRegularFile` (src/fs/readBounded.ts), which has
 * checked it is a regular file; the caller gives the byte range, its bound.
 */

export interface LineRange {
  /** The first byte read (0: the start of the file). */
  start?: number;
  /** The byte after the last one read: the caller's bound (the size at the fstat, capped). */
  end: number;
  /** A line longer than this is not kept: `onLine` gets null for it. */
  maxLineBytes: number;
  chunkBytes?: number;
  /** Checked between chunks: an abort stops the read with the signal's reason. */
  signal?: AbortSignal;
}

export interface LinesRead {
  /** Bytes read. */
  bytes: number;
  /** What followed the last newline (a line cut short); empty when the range ended on a newline. */
  rest: Buffer;
  /** That cut line was longer than `maxLineBytes`: `rest` is empty though there was one. */
  restOversized: boolean;
}

const DEFAULT_CHUNK = 1024 * 1024;

/** Calls `onLine` with each complete line (without its `\n`), in order; null for one over `maxLineBytes`. */
export async function readLines(
  handle: FileHandle,
  range: LineRange,
  onLine: (line: Buffer | null) => void,
): Promise<LinesRead> {
  const chunkBytes = range.chunkBytes ?? DEFAULT_CHUNK;
  let pos = range.start ?? 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let oversized = false;
  while (pos < range.end) {
    range.signal?.throwIfAborted();
    const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, range.end - pos));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, 0); nl !== -1 && nl < bytesRead; nl = chunk.indexOf(0x0a, from)) {
      if (oversized || partBytes + (nl - from) > range.maxLineBytes) onLine(null);
      else onLine(parts.length === 0 ? chunk.subarray(from, nl) : Buffer.concat([...parts, chunk.subarray(from, nl)]));
      parts = [];
      partBytes = 0;
      oversized = false;
      from = nl + 1;
    }
    if (from < bytesRead && !oversized) {
      partBytes += bytesRead - from;
      if (partBytes > range.maxLineBytes) {
        oversized = true;
        parts = [];
      } else parts.push(chunk.subarray(from, bytesRead));
    }
  }
  range.signal?.throwIfAborted();
  return { bytes: pos - (range.start ?? 0), rest: Buffer.concat(parts), restOversized: oversized };
}
