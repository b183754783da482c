import { lstat, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

/** Linux gives up after 40 links in a row (SYMLOOP_MAX); so do we. */
const MAX_LINKS = 40;

/** A chain of symlinks that never reaches a file: the writer must not follow it. */
export class LinkLoopError extends Error {
  constructor(readonly path: string) {
    super(`${path} is a symlink loop (ELOOP)`);
    this.name = 'LinkLoopError';
  }
}

/**
 * The file a path's symlinks lead to, following them one by one, and whether
 * there was any: what a writer must replace so that a symlinked file (a
 * dotfiles manager's link) stays a link and its target gets the new content.
 * A link to a file that does not exist yet gives the path it would have; a
 * path that is no link comes back as it was given.
 * Each relative link is resolved from the real folder it sits in, as the
 * kernel does (`..` after a symlinked folder is the folder's real parent).
 */
export async function linkTarget(path: string): Promise<{ target: string; linked: boolean }> {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops += 1) {
    const info = await lstat(current).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw error;
    });
    if (info === null || !info.isSymbolicLink())
      return hops === 0 ? { target: path, linked: false } : { target: current, linked: true };
    const to = await readlink(current);
    current = isAbsolute(to) ? to : resolve(await realpath(dirname(current)), to);
  }
  throw new LinkLoopError(path);
}
