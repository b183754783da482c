import { watch, type FSWatcher } from 'chokidar';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { CodexPaths } from './home.js';
import { isRolloutPath } from './rolloutFiles.js';

export interface WatchHandlers {
  rollout(path: string): void;
  rolloutRemoved(path: string): void;
  sessionIndex(): void;
  /** The sessions folder itself appeared or vanished. */
  layout(): void;
  error(error: Error): void;
}

export interface CodexWatch {
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Watches `sessions/**\/rollout-*.jsonl` and `session_index.jsonl` with
 * native file-system events (no polling). Everything else in the Codex home
 * (logs, SQLite stores, archived sessions) is pruned so it costs nothing.
 */
export function watchCodexHome(paths: CodexPaths, handlers: WatchHandlers): CodexWatch {
  const watcher: FSWatcher = watch(paths.home, {
    ignoreInitial: true,
    persistent: true,
    depth: 6,
    atomic: false,
    awaitWriteFinish: false,
    ignored: (path, stats) => ignored(paths, path, stats?.isFile()),
  });
  const onFile = (path: string): void => {
    if (path === paths.sessionIndex) handlers.sessionIndex();
    else if (isRolloutPath(path, paths.sessions)) handlers.rollout(path);
  };
  watcher.on('add', onFile);
  watcher.on('change', onFile);
  // chokidar drops a `change` that lands within 5 ms of the previous one, or
  // whose mtime equals the last one while atime is newer (our own reads make
  // it so). Codex writes token_count and task_complete milliseconds apart on
  // file systems with coarse mtimes, so the last line of a turn could wait
  // for the next write. `raw` carries every native event; reads are
  // idempotent and coalesce per file, so a duplicate costs one stat.
  // https://github.com/paulmillr/chokidar/issues/383
  watcher.on('raw', (_event, evPath, details: unknown) => {
    const watched = typeof details === 'object' && details !== null ? (details as { watchedPath?: unknown }).watchedPath : null;
    if (typeof watched !== 'string') return;
    const candidates = [watched];
    if (typeof evPath === 'string' && evPath !== '') candidates.push(isAbsolute(evPath) ? evPath : resolve(watched, evPath));
    const hit = candidates.find((c) => c === paths.sessionIndex || isRolloutPath(c, paths.sessions));
    if (hit !== undefined) onFile(hit);
  });
  watcher.on('unlink', (path) => {
    if (path === paths.sessionIndex) handlers.sessionIndex();
    else if (isRolloutPath(path, paths.sessions)) handlers.rolloutRemoved(path);
  });
  watcher.on('addDir', (path) => {
    if (path === paths.sessions) handlers.layout();
  });
  watcher.on('unlinkDir', (path) => {
    if (path === paths.sessions || path === paths.home) handlers.layout();
  });
  watcher.on('error', (error) => handlers.error(error instanceof Error ? error : new Error(String(error))));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}

function ignored(paths: CodexPaths, path: string, isFile: boolean | undefined): boolean {
  if (path === paths.home || path === paths.sessions || path === paths.sessionIndex) return false;
  const rel = relative(paths.sessions, path);
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('archived_sessions')) return true;
  if (isFile === true) return !isRolloutPath(path, paths.sessions);
  // Unknown kind (chokidar asks before stat): folders are date parts, files have extensions.
  const name = basename(path);
  return name.includes('.') && !isRolloutPath(path, paths.sessions);
}
