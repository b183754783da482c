import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { CodexPaths } from './home.js';
import { FolderWatcher } from './folderWatcher.js';
import { isRolloutPath } from '../rollout/files.js';

export interface WatchHandlers {
  /** A rollout file was created, appended to, replaced or deleted: read it again. */
  rollout(path: string): void;
  sessionIndex(): void;
  /** A folder under `sessions/` vanished or was replaced (moved away, deleted): re-check the files tracked in it. */
  folderGone(folder: string): void;
  /** The Codex home or its sessions folder appeared, vanished or was replaced: rebuild. */
  layout(): void;
  error(error: Error): void;
}

export interface CodexWatch {
  /**
   * Checks every watch against the disk and re-establishes what died. Events
   * already do this; it is the safety net for a watch that could not be set
   * up at all (see `degraded`).
   */
  recheck(): Promise<void>;
  /** True while some folder exists but could not be watched (inotify limit, EMFILE…). */
  readonly degraded: boolean;
  close(): Promise<void>;
}

/**
 * Watches the Codex home and every folder of `sessions/` with one native
 * watch per folder and no polling (docs/architecture.md, "Watching").
 *
 * Why not chokidar: it examines every file in a watched folder even when told
 * to ignore files, so on a heavy user's home (10,000 rollouts in 380 folders)
 * it took 0.5–0.8 s and raised the peak RSS by 75–80 MB before the first
 * event, against 4 ms and nothing measurable for 382 plain folder watches. It
 * also drops a `change` landing within 5 ms of the previous one or sharing its
 * mtime, which is how Codex writes the end of a turn
 * (https://github.com/paulmillr/chokidar/issues/383). Here every native event
 * leads to a read; reads are idempotent and coalesce per file, so a duplicate
 * event costs one stat.
 *
 * Folders die: `sessions/` deleted and recreated, the whole home replaced, a
 * watch failing (issue #10). Whenever the home, `sessions/` or the folder
 * above a missing home changes, `settle()` compares what is watched with what
 * is on disk and re-establishes the difference. A home that does not exist is
 * waited for by watching its nearest existing ancestor, one watch, filtered
 * to the one name that leads to the home: no timer runs while idle.
 */
export async function watchCodexHome(paths: CodexPaths, handlers: WatchHandlers): Promise<CodexWatch> {
  let closed = false;
  let degraded = false;
  const onEntry = (path: string): void => {
    if (path === paths.sessionIndex) handlers.sessionIndex();
    else if (isRolloutPath(path, paths.sessions)) handlers.rollout(path);
  };
  const onLost = (folder: string, error: Error | null): void => {
    if (closed) return;
    if (error !== null)
      handlers.error(new Error(`the watch of ${folder} failed (${error.message}); watching it again`));
    // The home and sessions/ have no watched parent to bring them back, and a
    // failed watch's folder is still there: settle re-watches them.
    if (folder === paths.home || folder === paths.sessions || error !== null) requestSettle();
    if (folder !== paths.home) handlers.folderGone(folder);
  };
  // Not retried here (that could spin): `degraded` makes the monitor re-check every minute.
  const onFailed = (folder: string, error: Error): void => {
    if (closed) return;
    degraded = true;
    handlers.error(new Error(`cannot watch ${folder} (${error.message}); checking again every minute`));
  };
  const sessions = new FolderWatcher(
    { entry: onEntry, lost: onLost, failed: onFailed },
    (name) => !name.includes('.') && name !== 'archived_sessions',
  );
  // The home itself: only its direct children matter (sessions/ and session_index.jsonl).
  const home = new FolderWatcher(
    {
      entry: (path) => {
        if (path === paths.sessions) requestSettle();
        else onEntry(path);
      },
      lost: onLost,
      failed: onFailed,
    },
    () => false,
  );
  const ancestor = new AncestorWatch(paths.home, () => requestSettle());

  /** What the last layout was: the inodes of the home and sessions/ (null: missing). */
  let known = { home: null as number | null, sessions: null as number | null };
  const current = () => ({ home: home.watchedIno(paths.home), sessions: sessions.watchedIno(paths.sessions) });

  /** Brings the watches in line with the disk; reports a layout change when the home or sessions/ changed. */
  const settle = async (): Promise<void> => {
    degraded = false;
    if (!(await home.add(paths.home))) {
      sessions.dropTree(paths.sessions);
      if (!(await ancestor.follow())) degraded = true;
    } else {
      ancestor.close();
      if (!(await sessions.isLive(paths.sessions))) sessions.dropTree(paths.sessions);
      await sessions.addTree(paths.sessions, true);
    }
    const now = current();
    if (now.home !== known.home || now.sessions !== known.sessions) {
      known = now;
      handlers.layout();
    }
  };
  let running: Promise<void> | null = null;
  let again = false;
  const requestSettle = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running !== null) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await settle();
        } while (again && !closed);
      } catch (error) {
        handlers.error(error instanceof Error ? error : new Error(String(error)));
      } finally {
        running = null;
      }
    })();
    return running;
  };

  // First setup: files already there are read by the engine's cold start, not reported.
  if (await home.add(paths.home)) await sessions.addTree(paths.sessions, false);
  else if (!(await ancestor.follow())) degraded = true;
  known = current();
  return {
    recheck: requestSettle,
    get degraded() {
      return degraded;
    },
    close: async () => {
      closed = true;
      // A settle under way may still add watches: let it finish, then close them all.
      await running;
      ancestor.close();
      home.close();
      sessions.close();
    },
  };
}

/**
 * Waits for a missing folder by watching its nearest existing ancestor. Only
 * events for the next name on the way down matter; when that appears the
 * watch moves down a level (or the caller takes over once the target exists).
 */
class AncestorWatch {
  private watcher: FSWatcher | null = null;

  constructor(
    private readonly target: string,
    private readonly changed: () => void,
  ) {}

  /** Watches the deepest existing ancestor of the target (re-aimed if it moved). False if nothing could be watched. */
  async follow(): Promise<boolean> {
    let dir = dirname(this.target);
    while (!(await isDir(dir))) {
      const up = dirname(dir);
      if (up === dir) {
        this.close();
        return false;
      }
      dir = up;
    }
    // Always a fresh watch: the ancestor itself may have been replaced.
    this.close();
    const next = nextName(dir, this.target);
    try {
      this.watcher = watch(dir, { persistent: true }, (_event, name) => {
        // null: the platform did not say which entry; the folder itself
        // (its own name): it may be gone. Either way, look again.
        const n = name?.toString() ?? null;
        if (n === null || n === next || n === basename(dir)) this.changed();
      });
      this.watcher.on('error', () => {
        this.close();
        this.changed();
      });
      // The next folder may have appeared between the look and the watch. Only
      // a folder counts: a file where the home belongs (a mistake the CLI
      // reports) would otherwise bring us straight back here, forever.
      if (await isDir(join(dir, next))) this.changed();
      return true;
    } catch {
      this.close();
      return false;
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}

function nextName(ancestor: string, target: string): string {
  return relative(ancestor, target).split(sep)[0] ?? '';
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
