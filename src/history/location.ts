import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { errorReason, statKind } from '../fs/entryKind.js';

const FOLDER = 'codex-discord-presence';
export const HISTORY_FILE = 'history.jsonl';

/**
 * The app's data folder: where usage history lives (issue 15). Unlike the
 * state folder of the publisher lock (src/instance/stateDir.ts), it must
 * survive logout, so never `$XDG_RUNTIME_DIR`. `$CODEX_PRESENCE_DATA_DIR`
 * overrides it; a `$CODEX_PRESENCE_STATE_DIR` override (tests, unusual setups)
 * is followed too, so one variable keeps a whole instance in one place. The
 * app and the CLI's `run` compute it the same way, so `status` and `history`
 * read what the publisher wrote.
 */
export function presenceDataDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  userHome: string = homedir(),
): string {
  const explicit = env.CODEX_PRESENCE_DATA_DIR?.trim() || env.CODEX_PRESENCE_STATE_DIR?.trim();
  if (explicit) return resolve(explicit);
  if (platform === 'win32') return join(env.LOCALAPPDATA?.trim() || join(userHome, 'AppData', 'Local'), FOLDER);
  if (platform === 'darwin') return join(userHome, 'Library', 'Application Support', FOLDER);
  return join(env.XDG_DATA_HOME?.trim() || join(userHome, '.local', 'share'), FOLDER);
}

export function historyPath(dataDir: string): string {
  return join(dataDir, HISTORY_FILE);
}

/** Where the history file's bytes are: the path itself, or the end of the symlinks it is (dotfiles managers link it). */
export type HistoryPlace =
  | {
      kind: 'file';
      /** The path followed to its last symlink's target: where writes go and compaction renames. */
      target: string;
      /** The path is a symlink (to `target`). */
      link: boolean;
      /** Something is there (an empty file counts); false: the file (or a link's target) is to be created. */
      exists: boolean;
    }
  /** Not a regular file at the end (a FIFO, a device, a folder, a link loop): `what` says what, in words. */
  | { kind: 'special'; what: string }
  | { kind: 'error'; what: string };

/** Linux's MAXSYMLINKS: a chain longer than this is a loop. */
const MAX_LINK_HOPS = 40;

/**
 * Follows `path` through its symlinks with lstat, never opening anything (a
 * FIFO is named, not opened): a link's target is where the file lives, so
 * the compacted file is renamed there and the link stays a link (issue 21
 * §2). A dangling link names the file to create.
 */
export async function locateHistoryFile(path: string): Promise<HistoryPlace> {
  let target = path;
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop += 1) {
    let info: Stats;
    try {
      info = await lstat(target);
      if (info.isSymbolicLink()) {
        target = resolve(dirname(target), await readlink(target));
        continue;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        return { kind: 'file', target, link: target !== path, exists: false };
      return { kind: 'error', what: linked(path, target, errorReason(error)) };
    }
    if (info.isFile()) return { kind: 'file', target, link: target !== path, exists: true };
    return { kind: 'special', what: notRegular(path, target, statKind(info)) };
  }
  return { kind: 'special', what: 'a symlink loop (ELOOP)' };
}

/** `a FIFO (named pipe), not a regular file`, or `a symlink to /x, which is a FIFO (named pipe), not a regular file`. */
export function notRegular(path: string, target: string, what: string): string {
  return `${linked(path, target, what)}, not a regular file`;
}

/** `a FIFO (named pipe)`, or `a symlink to /x, which is a FIFO (named pipe)`. */
export function linked(path: string, target: string, what: string): string {
  return path === target ? what : `a symlink to ${target}, which is ${what}`;
}
