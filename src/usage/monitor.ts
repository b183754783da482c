import { watchCodexHome, type CodexWatch } from '../codex/watcher.js';
import { UsageEngine, type EngineOptions } from './engine.js';
import type { UsageSnapshot } from '../contract/index.js';

export interface MonitorOptions extends EngineOptions {
  /** Called with errors the monitor recovered from (watcher failures, unreadable files). */
  onError?: (error: Error) => void;
  /** How often the account's limits are asked while running (default 10 min; needs `account`). */
  accountRefreshMs?: number;
}

export const ACCOUNT_REFRESH_MS = 10 * 60 * 1000;

/**
 * The longest the single housekeeping timer waits for a deadline (staleness,
 * rollover), and how often watches are re-checked while one could not be set
 * up. With no deadline and every watch in place, no timer runs at all: a
 * missing Codex home is waited for by the watcher, not by polling.
 */
const MAX_TICK_MS = 60_000;
const MIN_TICK_MS = 1_000;
/** The periodic ask is skipped when another (popover, start) was made this recently. */
const MIN_ACCOUNT_INTERVAL_MS = 60_000;

export type SnapshotListener = (snapshot: UsageSnapshot) => void;

/**
 * Live usage: the engine driven by file-system events. Each append is read
 * as soon as it is reported (no debounce); appends that land while a file is
 * being read coalesce into one more read. A snapshot is emitted only when it
 * differs from the last one. When idle, nothing runs but one timer set to the
 * next moment something can change on its own, if anything can. A Codex home
 * or `sessions/` that appears, vanishes or is replaced is noticed by the
 * watcher, never by polling (issue #10).
 */
export class UsageMonitor {
  readonly engine: UsageEngine;
  private watch: CodexWatch | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<SnapshotListener>();
  private lastKey = '';
  private last: UsageSnapshot | null = null;
  private stopped = false;
  private rebuilding: Promise<void> | null = null;
  private rebuildAgain = false;
  private readonly now: () => number;
  private readonly onError: (error: Error) => void;
  private readonly accountRefreshMs: number;
  private accountTimer: ReturnType<typeof setInterval> | null = null;

  constructor(opts: MonitorOptions) {
    this.engine = new UsageEngine(opts);
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? (() => undefined);
    this.accountRefreshMs = opts.accountRefreshMs ?? ACCOUNT_REFRESH_MS;
  }

  /**
   * Asks Codex for the account's limits in the background and publishes when
   * they change; the current snapshot never waits for it. `minIntervalMs`
   * skips the ask when one was made more recently (the popover uses 1 min).
   */
  refreshAccountLimits(opts: { minIntervalMs?: number } = {}): void {
    if (this.stopped || !this.engine.asksAccount) return;
    this.run(() => this.engine.refreshAccountLimits(opts));
  }

  /**
   * Reads the live sessions and emits the first snapshot as soon as it is
   * built, then starts watching. Resolves once watching, after re-reading the
   * live files so nothing written while the watch was being set up is missed.
   */
  async start(): Promise<UsageSnapshot> {
    this.stopped = false;
    this.engine.resumeReads();
    await this.engine.coldStart();
    this.publish();
    // Log data is out first; the account's reading merges in when Codex answers.
    if (this.engine.asksAccount) {
      this.refreshAccountLimits();
      if (this.accountTimer !== null) clearInterval(this.accountTimer);
      this.accountTimer = setInterval(
        () => this.refreshAccountLimits({ minIntervalMs: MIN_ACCOUNT_INTERVAL_MS }),
        this.accountRefreshMs,
      );
    }
    await this.startWatching();
    // Anything written while the watches were being set up: re-check the
    // layout, then re-read the live files.
    if (await this.engine.refreshHome()) await this.engine.coldStart();
    else await this.engine.rereadLive();
    return this.publish();
  }

  /** Stops watching and asking, and ends any read under way at its next chunk (however large the file). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.engine.stopReads();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.accountTimer !== null) clearInterval(this.accountTimer);
    this.accountTimer = null;
    const watch = this.watch;
    this.watch = null;
    await Promise.all([watch?.close(), this.engine.stopAccountAsks()]);
  }

  /** The latest snapshot. Throws if called before `start()` resolved, rather than returning nothing. */
  current(): UsageSnapshot {
    if (this.last === null) throw new Error('UsageMonitor.current() called before start() resolved');
    return this.last;
  }

  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async startWatching(): Promise<void> {
    const watch = await watchCodexHome(this.engine.paths, {
      rollout: (path) => this.run(() => this.engine.update(path)),
      folderGone: (folder) => this.run(() => this.engine.rereadUnder(folder)),
      sessionIndex: () => this.run(() => this.engine.refreshIndex()),
      layout: () => this.run(() => this.rebuild()),
      error: (error) => this.onError(error),
    });
    if (this.stopped) await watch.close();
    else this.watch = watch;
  }

  private run(work: () => Promise<unknown>): void {
    work()
      .then(() => {
        if (!this.stopped) this.publish();
      })
      .catch((error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error))));
  }

  /** The home or `sessions/` changed: read everything again. A burst of layout events costs one more rebuild at most. */
  private rebuild(): Promise<void> {
    if (this.rebuilding !== null) {
      this.rebuildAgain = true;
      return this.rebuilding;
    }
    this.rebuilding = (async () => {
      try {
        do {
          this.rebuildAgain = false;
          await this.engine.refreshHome();
          await this.engine.coldStart();
        } while (this.rebuildAgain && !this.stopped);
      } finally {
        this.rebuilding = null;
      }
    })();
    return this.rebuilding;
  }

  private publish(): UsageSnapshot {
    const snapshot = this.engine.snapshot();
    const key = snapshotKey(snapshot);
    if (key !== this.lastKey || this.last === null) {
      this.lastKey = key;
      this.last = snapshot;
      for (const listener of this.listeners) {
        try {
          listener(snapshot);
        } catch (error) {
          this.onError(error instanceof Error ? error : new Error(String(error)));
        }
      }
    }
    this.schedule();
    return this.last;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const deadline = this.engine.nextDeadline();
    const degraded = this.watch?.degraded ?? false;
    if (deadline === null && !degraded) return;
    const wait = deadline === null ? MAX_TICK_MS : deadline - this.now();
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, wait)));
  }

  private tick(): void {
    this.timer = null;
    this.run(async () => {
      if (this.watch?.degraded === true) await this.watch.recheck();
      // One stat per live file: catches a write whose event a platform delayed or lost.
      await this.engine.rereadLive();
      this.engine.evictEnded();
    });
  }
}

/** Everything but the clock and the byte counter: a snapshot that differs only there is not news. */
export function snapshotKey(snapshot: UsageSnapshot): string {
  return JSON.stringify({ ...snapshot, generatedAt: 0, diagnostics: { ...snapshot.diagnostics, bytesRead: 0 } });
}
