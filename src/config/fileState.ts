import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { quoted } from '../format/quoted.js';
import { describeFailure, readBounded } from '../fs/readBounded.js';
import { LinkLoopError, linkTarget } from '../fs/linkTarget.js';
import { MAX_CONFIG_BYTES } from './bytes.js';
import { ConfigFileError, UNUSABLE_FIX } from './loaded.js';

/** The config file on disk, read the one bounded way, and the files a writer leaves beside it. */

export interface FileState {
  bytes: Buffer | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  /** Why the file, which is there, was not read: not a regular file, too large, not readable. */
  unreadable: string | null;
}

export const NO_FILE: FileState = { bytes: null, mode: null, uid: null, gid: null, unreadable: null };

/**
 * The file's bytes, read the one way inputs are read (src/fs/readBounded.ts):
 * a FIFO at the path, or a symlink to /dev/zero, is reported at once instead
 * of blocking or filling memory, and so is a file over MAX_CONFIG_BYTES.
 */
export async function readState(file: string): Promise<FileState> {
  const read = await readBounded(file, MAX_CONFIG_BYTES);
  switch (read.kind) {
    case 'read':
      return {
        bytes: read.bytes,
        mode: read.info.mode & 0o7777,
        uid: read.info.uid,
        gid: read.info.gid,
        unreadable: null,
      };
    case 'missing':
      return NO_FILE;
    case 'error':
      return { ...NO_FILE, unreadable: `it is ${read.reason}` };
    default:
      return { ...NO_FILE, unreadable: describeFailure(read) };
  }
}

/** A file of ours (a moved-aside copy): its bytes, or null when it is gone; never blocks on what is not a file. */
export async function readOwn(file: string): Promise<Buffer | null> {
  const read = await readBounded(file, MAX_CONFIG_BYTES);
  if (read.kind === 'read') return read.bytes;
  if (read.kind === 'missing') return null;
  throw new ConfigFileError(`${quoted(file)}: ${describeFailure(read)}`, file);
}

/**
 * The file a write replaces: `path` itself, or the file its symlinks lead to
 * (a dotfiles manager's link), so that the target is replaced next to itself
 * and the link stays a link. `loadConfig` reads (and waits on the lock of)
 * the same file.
 */
export async function configTarget(path: string): Promise<{ target: string; linked: boolean }> {
  try {
    return await linkTarget(path);
  } catch (error) {
    if (error instanceof LinkLoopError) {
      throw new ConfigFileError(
        `${quoted(path)} is not used and not overwritten: it is a symlink loop (ELOOP). ${UNUSABLE_FIX}`,
        path,
      );
    }
    throw error;
  }
}

/**
 * A writer moves the file aside for an instant while it swaps in the new one
 * (see `swapIn`). A reader that finds no file while a fresh lock exists waits
 * for that writer instead of taking the defaults.
 */
export async function readSettled(file: string): Promise<FileState> {
  for (let i = 0; ; i++) {
    const state = await readState(file);
    if (state.bytes !== null || state.unreadable !== null || i >= 50) return state;
    try {
      const lock = await stat(`${file}.lock`);
      if (Date.now() - lock.mtimeMs > 5000) return state;
    } catch {
      return state;
    }
    await sleep(10);
  }
}

export async function asidesOf(path: string): Promise<string[]> {
  const name = basename(path);
  return (await readdir(dirname(path)).catch(() => [] as string[]))
    .filter((f) => f.startsWith(`${name}.`) && f.endsWith('.aside'))
    .map((f) => join(dirname(path), f));
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
