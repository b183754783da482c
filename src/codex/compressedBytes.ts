import { readFile, stat } from 'node:fs/promises';
import { MAX_COMPRESSED_BYTES, MAX_DECOMPRESSED_BYTES } from './rolloutReader.js';
import { decompressChunks, planFrames } from '../rollout/source/zstd.js';

/** A compressed rollout's decompressed bytes, read in order with a short look-back. */
export interface CompressedBytes {
  ino: number;
  mtimeMs: number;
  /**
   * Copies decompressed bytes from `position` into `buf`; 0 at the end. A
   * position may go back only to where the previous read started (enough for
   * a reader that re-reads a line cut at its chunk's end). The bytes end with
   * a newline, as Codex's files do, so a last line is never left waiting.
   * Rejects when the file is corrupt or expands past MAX_DECOMPRESSED_BYTES.
   */
  readAt(buf: Buffer, length: number, position: number): Promise<number>;
}

/**
 * Opens a `rollout-*.jsonl.zst` for a sequential reader (the history scan),
 * with RolloutReader's bounds: a file over MAX_COMPRESSED_BYTES, not a regular
 * file, or not zstd is null. Only the current stretch of decompressed bytes
 * is held, never the whole session.
 */
export async function openCompressed(path: string): Promise<CompressedBytes | null> {
  let data: Buffer;
  let info;
  try {
    info = await stat(path);
    if (!info.isFile() || info.size > MAX_COMPRESSED_BYTES) return null;
    data = await readFile(path);
  } catch {
    return null;
  }
  const plan = planFrames(data);
  if (!plan.ok) return null;
  const chunks = decompressChunks(data, plan.pieces);
  let window: Buffer = Buffer.alloc(0);
  let windowStart = 0;
  let expanded = 0;
  let ended = false;
  let lastByte = 10;

  /** Appends the next decompressed chunk (or the closing newline); false at the very end. */
  const pull = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await chunks.next();
    let chunk: Buffer;
    if (next.done === true) {
      ended = true;
      if (lastByte === 10) return false;
      chunk = Buffer.from('\n');
    } else {
      chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      expanded += chunk.length;
      if (expanded > MAX_DECOMPRESSED_BYTES) {
        await chunks.return(undefined);
        throw new Error('a compressed rollout that expands past 256 MB');
      }
      if (chunk.length === 0) return true;
    }
    lastByte = chunk[chunk.length - 1] ?? lastByte;
    window = window.length === 0 ? chunk : Buffer.concat([window, chunk]);
    return true;
  };

  return {
    ino: info.ino,
    mtimeMs: info.mtimeMs,
    async readAt(buf, length, position) {
      if (position < windowStart) throw new Error('compressed bytes are read in order');
      while (windowStart + window.length < position + length && (await pull()));
      const from = position - windowStart;
      if (from >= window.length) return 0;
      // Drop what lies before this read: the reader never goes back further.
      window = window.subarray(from);
      windowStart = position;
      return window.copy(buf, 0, 0, Math.min(length, window.length));
    },
  };
}
