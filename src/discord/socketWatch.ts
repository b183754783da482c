import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { isSocketName } from './ipcPaths.js';

/**
 * Watches the socket folders for a `discord-ipc-*` to appear, so that the
 * client tries at once rather than at its next backoff step: after an outage
 * of 15 s the backoff had grown so far that reconnecting took up to 14.8 s
 * (issue 21 §5). Watching costs nothing while Discord stays away, unlike
 * polling faster.
 *
 * A folder that does not exist yet (a Flatpak's `app/com.discordapp.Discord`
 * before Discord's first start, a `$TMPDIR` not made yet) is waited for from
 * its nearest existing ancestor. When a folder on the way to it appears, or a
 * watched folder goes away, the watches are placed again. A folder that
 * cannot be watched (permissions, the inotify limit) is left to the backoff.
 * `close()` releases every watcher: they keep the process alive until then.
 */
export class SocketWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(
    private readonly folders: readonly string[],
    private readonly onSocket: () => void,
  ) {
    this.place(false);
  }

  /** The folders watched now: each socket folder, or the nearest existing ancestor of one. */
  get watching(): string[] {
    return [...this.watchers.keys()];
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /**
   * `later`: a socket folder that appears now may hold a socket made before its watch was.
   * A folder made between finding the nearest existing one and watching it is seen by no
   * watch (mkdir -p makes the whole path in an instant), so the places are looked at again
   * until no watched folder has gained a step on the way.
   */
  private place(later: boolean): void {
    for (let round = 0; round < 16 && !this.closed; round++) {
      const wanted = this.placeOnce(later);
      if (this.folders.every((f, i) => nearestExisting(f) === wanted[i])) return;
    }
  }

  private placeOnce(later: boolean): string[] {
    const nearest = this.folders.map(nearestExisting);
    const wanted = new Set(nearest);
    for (const [path, w] of this.watchers) {
      if (wanted.has(path)) continue;
      w.close();
      this.watchers.delete(path);
    }
    let found = false;
    for (const path of wanted) {
      if (this.watchers.has(path)) continue;
      const w = this.open(path);
      if (w === null) continue;
      this.watchers.set(path, w);
      if (later && this.folders.includes(path) && holdsSocket(path)) found = true;
    }
    if (found) this.onSocket();
    return nearest;
  }

  private open(path: string): FSWatcher | null {
    try {
      const w = watch(path, (_event, name) => this.changed(path, name));
      w.on('error', () => {
        w.close();
        if (this.watchers.get(path) === w) this.watchers.delete(path);
      });
      return w;
    } catch {
      return null;
    }
  }

  private changed(path: string, name: string | null): void {
    if (this.closed) return;
    if (name !== null && isSocketName(name) && this.folders.includes(path)) {
      this.onSocket();
      return;
    }
    // Linux names the watched folder itself when it is removed; no name at all says nothing either way.
    const moved = name === null || name === basename(path);
    if (moved || this.folders.some((f) => nextStep(path, f) === name)) this.place(true);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false; // ENOTDIR, EACCES: not a folder we can watch
  }
}

function nearestExisting(folder: string): string {
  let path = folder;
  while (!isFolder(path) && dirname(path) !== path) path = dirname(path);
  return path;
}

/** The name of the first folder below `ancestor` on the way to `folder` (null: not below it). */
function nextStep(ancestor: string, folder: string): string | null {
  const prefix = ancestor.endsWith(sep) ? ancestor : ancestor + sep;
  if (!folder.startsWith(prefix)) return null;
  return folder.slice(prefix.length).split(sep)[0] ?? null;
}

function holdsSocket(folder: string): boolean {
  try {
    return readdirSync(folder).some(isSocketName);
  } catch {
    return false;
  }
}
