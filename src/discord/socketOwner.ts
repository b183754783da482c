import { lstat, stat } from 'node:fs/promises';

export type OwnerCheck = { ok: true } | { ok: false; outcome: 'missing' | 'untrusted' | 'error'; detail: string };

/** This process's uid, or null where sockets have no Unix owner (Windows named pipes). */
export function currentUid(platform: NodeJS.Platform = process.platform): number | null {
  if (platform === 'win32' || typeof process.getuid !== 'function') return null;
  return process.getuid();
}

/**
 * Whether a Unix socket may be trusted with the activity: it, and the link
 * to it if the path is a symlink, must belong to `uid`. `/tmp` is shared by
 * every local user, so without this another user could listen on
 * `/tmp/discord-ipc-0` while Discord is not running and receive what we send
 * (issue 11 §5). Every Discord build (deb, tar, Flatpak, Snap, Vesktop) runs
 * as the user and creates its socket as the user, so no other owner,
 * root included, is ever expected. A symlink is followed, so the common
 * Flatpak workaround (`ln -s …/app/com.discordapp.Discord/discord-ipc-0`)
 * keeps working. The check and the connect are two steps; between them
 * another user cannot swap the socket: `/tmp` is sticky and
 * `$XDG_RUNTIME_DIR` is the user's own.
 */
export async function checkSocketOwner(path: string, uid: number): Promise<OwnerCheck> {
  try {
    const link = await lstat(path);
    const target = link.isSymbolicLink() ? await stat(path) : link;
    if (!target.isSocket()) return { ok: false, outcome: 'error', detail: 'not a socket' };
    if (link.uid !== uid) {
      const what = link.isSymbolicLink() ? 'a symlink owned' : 'owned';
      return { ok: false, outcome: 'untrusted', detail: `${what} by uid ${link.uid}, not by this user (uid ${uid})` };
    }
    if (target.uid !== uid) {
      return {
        ok: false,
        outcome: 'untrusted',
        detail: `a symlink to a socket owned by uid ${target.uid}, not by this user (uid ${uid})`,
      };
    }
    return { ok: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, outcome: 'missing', detail: 'ENOENT' };
    return { ok: false, outcome: 'error', detail: code ?? String(error) };
  }
}
