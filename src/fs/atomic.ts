import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';

/**
 * The ways this app puts a file in place so that no reader, and no other
 * writer, ever sees half of it (the config store, the instance lock, the
 * history store): a new file created exclusively, a finished file linked
 * into a name that must not exist yet, a file replaced by renaming a
 * finished one over it, and byte-exact backups under a name never used.
 */

export interface WriteOptions {
  /** The new file's mode (before the umask); 0600 unless said. */
  mode?: number;
  /** fsync before closing, so that a rename or link after it places content that is on disk. Default true. */
  sync?: boolean;
}

/** Fills an open file. */
export type Fill = (handle: FileHandle) => Promise<void>;

/** File systems without hard links (FAT, some network shares) answer link() with one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP']);

const isExists = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'EEXIST';

/** Opens `path` with `flags`, fills it and closes it; a fill or fsync that fails removes the file and rejects. */
async function writeWith(path: string, flags: string, fill: Fill, options: WriteOptions): Promise<void> {
  const handle = await open(path, flags, options.mode ?? 0o600);
  let done = false;
  try {
    await fill(handle);
    if (options.sync !== false) await handle.sync();
    done = true;
  } finally {
    await handle.close();
    if (!done) await unlink(path).catch(() => undefined);
  }
}

/** Creates `path`, never over an existing file (rejects with EEXIST), and fills it. */
export function writeNew(path: string, fill: Fill, options: WriteOptions = {}): Promise<void> {
  return writeWith(path, 'wx', fill, options);
}

/** `writeNew`, answering whether this call created the file: false when `path` was already there. */
export async function createNew(path: string, fill: Fill, options: WriteOptions = {}): Promise<boolean> {
  try {
    await writeNew(path, fill, options);
    return true;
  } catch (error) {
    if (isExists(error)) return false;
    throw error;
  }
}

/**
 * The first of `names` that is free, created and filled (`writeNew`);
 * rejects with EEXIST when none is. Backups are made this way: a
 * byte-for-byte copy of what is replaced or set aside, never over an earlier
 * one, its bytes from a buffer (`bytesFill`) or from the handle that was
 * read (`copyRange`), never from the path again.
 */
export async function writeNewUnder(names: Iterable<string>, fill: Fill, options: WriteOptions = {}): Promise<string> {
  let taken: unknown = null;
  for (const name of names) {
    try {
      await writeNew(name, fill, options);
      return name;
    } catch (error) {
      if (!isExists(error)) throw error;
      taken = error;
    }
  }
  throw taken ?? new Error('no name to create');
}

/** Fills a file with `bytes`. */
export const bytesFill =
  (bytes: Buffer | string): Fill =>
  (handle) =>
    handle.writeFile(bytes);

/**
 * Puts the finished file `from` at `to` only if nothing is there (an
 * exclusive create that places whole content): true when placed, false when
 * `to` exists. `link()` fails when its target exists; where the file system
 * has no hard links, `content` (what `from` holds) is written with O_EXCL
 * instead, so a reader there may see the file before it is complete.
 */
export async function linkExclusive(
  from: string,
  to: string,
  content: () => Promise<Buffer | string>,
): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if (isExists(error)) return false;
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  const bytes = await content();
  return createNew(to, bytesFill(bytes));
}

/** A private name next to `path` for a file being written: `<path>.<pid>.<random>.<suffix>`. */
export function tempName(path: string, suffix = 'tmp'): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.${suffix}`;
}

/**
 * Creates `path` holding `bytes`, complete or not at all: written to a
 * private name first and linked in (`linkExclusive`). True when this call
 * created it, false when `path` exists.
 */
export async function createComplete(
  path: string,
  bytes: Buffer | string,
  options: WriteOptions = {},
): Promise<boolean> {
  const tmp = tempName(path);
  await writeNew(tmp, bytesFill(bytes), options);
  try {
    return await linkExclusive(tmp, path, async () => bytes);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

export interface ReplaceOptions extends WriteOptions {
  /** The name the new file is written under first (next to `target`, so the rename stays on one file system). */
  tmp?: string;
  /** Reuse `tmp` if it exists (a name only this process uses, which a crash may have left): truncate it. */
  overwriteTmp?: boolean;
}

/**
 * Replaces `target` with a new file, all or nothing: written in full under a
 * temporary name, fsynced, then renamed over `target`. A failure at any step
 * removes the temporary file and leaves `target` as it was.
 */
export async function replaceByRename(target: string, fill: Fill, options: ReplaceOptions = {}): Promise<void> {
  const tmp = options.tmp ?? tempName(target);
  await writeWith(tmp, options.overwriteTmp === true ? 'w' : 'wx', fill, options);
  try {
    await rename(tmp, target);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

/** A moment as a file-name part: `2026-11-21T12-00-00-000Z` (no `:`, which Windows forbids). */
export function fileStamp(now: Date | number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}
