import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderEvents {
  /** Something happened to `path`, a direct child of a watched folder (file or folder). */
  entry(path: string): void;
  /** A watched folder vanished or could not be watched. */
  lost(folder: string, error: Error | null): void;
}

/**
 * One native watch per folder, never per file: a folder watch already
 * reports writes to the files in it (inotify, FSEvents, ReadDirectoryChangesW).
 * New subfolders (a new day of sessions) are picked up as they appear, and
 * files already in them are reported once. No polling.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(
    private readonly events: FolderEvents,
    /** Which child names are folders to descend into (date parts have no dot). */
    private readonly isFolderName: (name: string) => boolean = (name) => !name.includes('.'),
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  has(folder: string): boolean {
    return this.watchers.has(folder);
  }

  /** Watches `folder` (no descent). Returns false if it could not be watched. */
  add(folder: string): boolean {
    if (this.closed || this.watchers.has(folder)) return this.watchers.has(folder);
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: true }, (_event, name) => this.onEvent(folder, name));
    } catch {
      return false;
    }
    watcher.on('error', (error: Error) => this.drop(folder, error));
    this.watchers.set(folder, watcher);
    return true;
  }

  /** Watches `folder` and every folder below it, reporting the files found in newly added folders. */
  async addTree(folder: string, reportFiles: boolean): Promise<void> {
    if (!this.add(folder)) return;
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && this.isFolderName(entry.name)) await this.addTree(path, reportFiles);
      else if (reportFiles && entry.isFile()) this.events.entry(path);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private onEvent(folder: string, name: string | Buffer | null): void {
    if (this.closed) return;
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

  private async folderChanged(path: string): Promise<void> {
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir && !this.watchers.has(path)) await this.addTree(path, true);
    else if (!isDir && this.watchers.has(path)) this.dropTree(path);
    this.events.entry(path);
  }

  private async rescan(folder: string): Promise<void> {
    try {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory() && this.isFolderName(entry.name)) {
          if (!this.watchers.has(path)) await this.addTree(path, true);
        } else if (entry.isFile()) this.events.entry(path);
      }
    } catch (error) {
      this.drop(folder, error instanceof Error ? error : null);
    }
  }

  private drop(folder: string, error: Error | null): void {
    const w = this.watchers.get(folder);
    if (w === undefined) return;
    w.close();
    this.watchers.delete(folder);
    this.events.lost(folder, error);
  }

  private dropTree(root: string): void {
    for (const folder of [...this.watchers.keys()]) {
      if (folder === root || folder.startsWith(`${root}/`) || folder.startsWith(`${root}\\`)) this.drop(folder, null);
    }
  }
}
