import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderEvents {
  /** Something happened to `path`, a direct child of a watched folder (file or folder). */
  entry(path: string): void;
  /**
   * A watched folder vanished, was replaced, or its watch failed: its watch
   * (and those below it) are closed. `error` is set when the watch itself failed.
   */
  lost(folder: string, error: Error | null): void;
  /** A folder that exists could not be watched at all (ENOSPC: the inotify limit, EMFILE, EACCES). */
  failed(folder: string, error: Error): void;
}

interface Watched {
  watcher: FSWatcher;
  /** The inode watched: a folder deleted and recreated under the same name is a different folder. */
  ino: number;
}

/**
 * One native watch per folder, never per file: a folder watch already
 * reports writes to the files in it (inotify, FSEvents, ReadDirectoryChangesW).
 * New subfolders (a new day of sessions) are picked up as they appear, and
 * files already in them are reported once. No polling.
 *
 * A native watch dies silently with its folder (inotify drops it, FSEvents
 * goes quiet, Windows reports EPERM), so a watch is never trusted by name
 * alone: every entry created or removed in a folder (a `rename` event, rare
 * next to appends) checks that the folder is still the inode being watched,
 * and the parent's event for a subfolder does the same. A dead watch is
 * closed and reported; the parent's next event for that name re-adds it.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, Watched>();
  private closed = false;

  constructor(
    private readonly events: FolderEvents,
    /** Which child names are folders to descend into (date parts have no dot). */
    private readonly isFolderName: (name: string) => boolean = (name) => !name.includes('.'),
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  /** The inode watched at `folder`, or null when it is not watched. */
  watchedIno(folder: string): number | null {
    return this.watchers.get(folder)?.ino ?? null;
  }

  /** True when `folder` is watched and is still the folder that was watched. */
  async isLive(folder: string): Promise<boolean> {
    const w = this.watchers.get(folder);
    if (w === undefined) return false;
    const ino = await dirIno(folder);
    return ino === w.ino;
  }

  /**
   * Watches `folder` (no descent). Returns false if it is not a folder or
   * could not be watched; a watch of a folder since replaced is renewed.
   */
  async add(folder: string): Promise<boolean> {
    if (this.closed) return false;
    const ino = await dirIno(folder);
    if (ino === null) {
      this.dropTree(folder);
      return false;
    }
    const known = this.watchers.get(folder);
    if (known !== undefined) {
      if (known.ino === ino) return true;
      this.dropTree(folder);
    }
    if (this.closed || this.watchers.has(folder)) return this.watchers.has(folder);
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: true }, (event, name) => this.onEvent(folder, event, name));
    } catch (error) {
      // ENOSPC (inotify watch limit), EMFILE, EACCES: say so rather than go blind quietly.
      this.events.failed(folder, toError(error));
      return false;
    }
    watcher.on('error', (error: Error) => void this.onWatchError(folder, error));
    this.watchers.set(folder, { watcher, ino });
    return true;
  }

  /**
   * Watches `folder` and every folder below it, reporting the files found in
   * newly added folders. Folders already watched are walked too, so a dead
   * watch anywhere below is found and renewed.
   */
  async addTree(folder: string, reportFiles: boolean): Promise<void> {
    const live = await this.isLive(folder);
    if (!live && !(await this.add(folder))) return;
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      this.drop(folder, isMissing(error) ? null : toError(error));
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (this.isFolderName(entry.name)) await this.addTree(path, reportFiles);
      } else if (reportFiles && !live) this.events.entry(path);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.watcher.close();
    this.watchers.clear();
  }

  /** Closes the watches of `root` and every folder below it. */
  dropTree(root: string): void {
    for (const folder of [...this.watchers.keys()]) {
      if (folder === root || folder.startsWith(`${root}/`) || folder.startsWith(`${root}\\`)) this.drop(folder, null);
    }
  }

  private onEvent(folder: string, event: string, name: string | Buffer | null): void {
    if (this.closed) return;
    // Entries come and go (`rename`): make sure the folder itself is still
    // the one watched. Appends (`change`) are the hot path and skip this.
    if (event !== 'change' || name === null) void this.checkSelf(folder);
    if (name === null) {
      // Some platforms omit the name: look at the whole folder again.
      void this.rescan(folder);
      return;
    }
    const childName = name.toString();
    const path = join(folder, childName);
    if (this.isFolderName(childName)) void this.folderChanged(path);
    else this.events.entry(path);
  }

  /** Windows reports a watched folder's deletion as an EPERM error: that is a folder gone, not a failure. */
  private async onWatchError(folder: string, error: Error): Promise<void> {
    const gone = (await dirIno(folder)) !== this.watchers.get(folder)?.ino;
    if (gone) this.dropTree(folder);
    else this.drop(folder, error);
  }

  private async checkSelf(folder: string): Promise<void> {
    const w = this.watchers.get(folder);
    if (w === undefined) return;
    if ((await dirIno(folder)) !== w.ino && this.watchers.get(folder) === w) this.dropTree(folder);
  }

  private async folderChanged(path: string): Promise<void> {
    if ((await dirIno(path)) !== null) await this.addTree(path, true);
    else this.dropTree(path);
    this.events.entry(path);
  }

  private async rescan(folder: string): Promise<void> {
    try {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (this.isFolderName(entry.name)) await this.addTree(path, true);
        } else this.events.entry(path);
      }
    } catch (error) {
      this.drop(folder, isMissing(error) ? null : toError(error));
    }
  }

  private drop(folder: string, error: Error | null): void {
    const w = this.watchers.get(folder);
    if (w === undefined) return;
    w.watcher.close();
    this.watchers.delete(folder);
    this.events.lost(folder, error);
  }
}

/** The folder's inode, or null when it is not a folder (or is gone, or cannot be reached). */
async function dirIno(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? s.ino : null;
  } catch {
    return null;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
