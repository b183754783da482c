import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

/** An entry named like a rollout (or the session index) that is not a readable regular file. */
export interface SpecialEntry {
  path: string;
  /** What it is, in words: `a symlink loop (ELOOP)`, `a FIFO (named pipe)`, … */
  reason: string;
}

/** Names a non-regular file the way a person would look for it. */
export function statKind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

/** An fs error on an entry, in words. */
export function errorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ELOOP') return 'a symlink loop (ELOOP)';
  if (code === 'EISDIR') return 'a directory (EISDIR)';
  return `not readable (${code ?? String(error)})`;
}

/** An entry's mtime, or null when it cannot be stat'ed. */
export async function mtimeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

export async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
