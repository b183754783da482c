import type { FileHandle } from 'node:fs/promises';
import { writeNew, type Fill } from './atomic.js';

/**
 * Writes the first `bytes` of an open file into the file being filled, a
 * chunk at a time. A backup is made from the handle that was read and
 * checked, not from the path again: the path may have been replaced since
 * (by a FIFO, a link to a file that is not ours), and a copy by path would
 * follow it.
 */
export function copyRange(source: FileHandle, bytes: number): Fill {
  return async (out) => {
    const chunk = Buffer.allocUnsafe(Math.min(bytes, 1024 * 1024) || 1);
    for (let at = 0; at < bytes;) {
      const { bytesRead } = await source.read(chunk, 0, Math.min(chunk.length, bytes - at), at);
      if (bytesRead === 0) break;
      await out.write(chunk, 0, bytesRead);
      at += bytesRead;
    }
  };
}

/**
 * Copies the first `bytes` of an open file to a new file `dest` (never an
 * existing one). Rejects when `dest` exists or cannot be written; a partial
 * copy is removed.
 */
export function copyFromHandle(source: FileHandle, bytes: number, dest: string): Promise<void> {
  return writeNew(dest, copyRange(source, bytes), { mode: 0o666 });
}
