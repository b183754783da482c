import type { FileHandle } from 'node:fs/promises';

export interface BackwardLine {
  /** Offset of the line's first byte. */
  start: number;
  /** Offset of the `\n` that ends it (exclusive end of the content). */
  end: number;
  /** The whole line when it was short enough to keep while scanning; otherwise null. */
  bytes: Buffer | null;
}

export interface ByteCounter {
  bytes: number;
}

/**
 * Yields the complete lines of `[0, endOffset)` from last to first, reading
 * backwards in chunks. `endOffset - 1` must be a `\n`. Lines longer than
 * `keepBytes` are reported by position only, so a multi-megabyte line is
 * walked past without being held in memory.
 */
export async function* linesBackward(
  handle: FileHandle,
  endOffset: number,
  counter: ByteCounter,
  chunkBytes = 64 * 1024,
  keepBytes = 64 * 1024,
): AsyncGenerator<BackwardLine> {
  if (endOffset <= 0) return;
  let end = endOffset - 1;
  let pos = end;
  let parts: Buffer[] = [];
  let partsLen = 0;
  let held = true;
  const buf = Buffer.allocUnsafe(chunkBytes);
  while (pos > 0) {
    const from = Math.max(0, pos - chunkBytes);
    const len = pos - from;
    const { bytesRead } = await handle.read(buf, 0, len, from);
    counter.bytes += bytesRead;
    if (bytesRead < len) return; // the file shrank under us; the forward tail will notice
    let hi = len;
    let nl = hi > 0 ? buf.lastIndexOf(10, hi - 1) : -1;
    while (nl !== -1 && nl < hi) {
      const size = hi - nl - 1 + partsLen;
      const bytes = held && size <= keepBytes ? Buffer.concat([buf.subarray(nl + 1, hi), ...parts]) : null;
      yield { start: from + nl + 1, end, bytes };
      end = from + nl;
      hi = nl;
      parts = [];
      partsLen = 0;
      held = true;
      nl = hi > 0 ? buf.lastIndexOf(10, hi - 1) : -1;
    }
    if (held && partsLen + hi <= keepBytes) {
      parts.unshift(Buffer.from(buf.subarray(0, hi)));
      partsLen += hi;
    } else {
      held = false;
      parts = [];
      partsLen = 0;
    }
    pos = from;
  }
  yield { start: 0, end, bytes: held ? Buffer.concat(parts, partsLen) : null };
}
