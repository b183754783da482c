import { join } from 'node:path';
import type {
  BackfillState,
  HistoryQuery,
  HistoryView,
  TodayUsage,
  UsageSnapshot,
  UsageWindow,
} from '../contract/index.js';
import type { CostConfig } from '../cost/pricing.js';
import { localDay } from './day.js';
import { listRolloutFiles } from '../rollout/files.js';
import { pendingRollouts, RolloutFolder } from './catchUp.js';
import type { BackfillRecord, LimitRecord } from './records.js';
import { isChange, type HistoryState } from './state.js';
import type { HistoryStore } from './store.js';
import { backfillFromState, buildView, dayUsage, idleBackfill } from './view.js';

export interface RecorderOptions {
  store: HistoryStore;
  codexHome: string;
  now: () => number;
  /** The settings' ignore list, read at each use so a change applies at once. */
  ignore: () => readonly string[];
  /** How the view prices its tokens (the config's `pricing`); absent: catalog prices only. */
  cost?: CostConfig;
  /** false: no split by model, so no cost (only `npm run bench`, to measure what the split adds). */
  byModel?: boolean;
  /** Called when the recorded data or the backfill progress changed (callers throttle). */
  onChange?: () => void;
  log?: (message: string) => void;
}

/** How many times a backfill's progress is written to the file (readers show it). */
const PROGRESS_STEPS = 10;

/**
 * Records history in the publishing process (issue 15 §1). `record` is
 * called with every engine snapshot and stays cheap: it notes changed limit
 * readings and queues the rollouts whose totals moved. A single worker reads
 * queued rollouts from where history stopped, the live ones first, the
 * backfill's between them, yielding after each file, so the live snapshot
 * never waits for history.
 */
export class HistoryRecorder {
  backfill: BackfillState = idleBackfill();
  private readonly live = new Set<string>();
  private backlog: string[] = [];
  private readonly seen = new Map<string, string>();
  private readonly folder: RolloutFolder;
  private working: Promise<void> | null = null;
  private stopped = false;
  /** Aborts the file being read when the recorder stops (a compressed bomb must not hold the exit up). */
  private readonly reading = new AbortController();
  private progressWritten = 0;

  constructor(private readonly opts: RecorderOptions) {
    opts.store.onWriteError((message) => this.writeFailed(message));
    this.folder = new RolloutFolder(opts.store, {
      now: opts.now,
      ignore: opts.ignore,
      signal: this.reading.signal,
      ...(opts.byModel === false ? { byModel: false } : {}),
    });
  }

  get state(): HistoryState {
    return this.opts.store.state;
  }

  /** Starts the catch-up: every rollout written since history last read it (all of them, the first time). */
  start(): void {
    setImmediate(() => {
      if (this.stopped) return;
      const files = listRolloutFiles(join(this.opts.codexHome, 'sessions'));
      const todo = pendingRollouts(this.state, files).map((f) => f.path);
      if (todo.length === 0) {
        if (this.state.backfill?.phase !== 'done') this.setBackfill('done', 0, 0, null);
        else this.backfill = backfillFromState(this.state);
        return;
      }
      this.backlog = todo;
      this.setBackfill('running', 0, todo.length, null);
      this.kick();
    });
  }

  /** Notes what a snapshot changed. Synchronous and cheap: the reading is done by the worker. */
  record(snapshot: UsageSnapshot): void {
    if (this.stopped) return;
    const limits = snapshot.limits;
    let changed = false;
    const families = [{ limitId: 'codex', limitName: null, primary: limits.primary, secondary: limits.secondary }];
    for (const family of [...families, ...limits.others]) {
      for (const kind of ['primary', 'secondary'] as const) {
        const w = family[kind];
        const record = w === null ? null : observation(family.limitId, family.limitName, kind, w);
        if (record !== null && isChange(this.state, record)) {
          this.opts.store.append([record]);
          changed = true;
        }
      }
    }
    for (const s of snapshot.sessions) {
      const t = s.tokens;
      const mark = `${t.total}/${t.input}/${t.cachedInput}/${t.output}`;
      if (this.seen.get(s.file) === mark) continue;
      this.seen.set(s.file, mark);
      this.live.add(s.file);
    }
    if (changed) this.opts.onChange?.();
    if (this.live.size > 0) this.kick();
  }

  /** Today's tokens and cost so far (the popover's "Today" line). */
  today(): TodayUsage {
    return dayUsage(this.state, localDay(this.opts.now()), this.opts.ignore(), this.opts.cost);
  }

  view(query: HistoryQuery): HistoryView {
    return buildView(this.state, query, this.opts.now(), this.backfill, this.opts.ignore(), this.opts.cost);
  }

  /** Deletes everything recorded; rollout lines already written are never counted again. */
  async clear(): Promise<void> {
    await this.idle();
    await this.opts.store.clear();
    this.opts.onChange?.();
  }

  /** Resolves when the worker has nothing left to do. */
  async idle(): Promise<void> {
    while (this.working !== null) await this.working;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.backlog = [];
    this.live.clear();
    this.reading.abort();
    await this.idle();
    await this.opts.store.flush();
  }

  private kick(): void {
    if (this.working !== null || this.stopped) return;
    this.working = this.work().finally(() => {
      this.working = null;
    });
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const next = this.live.values().next();
      let path: string;
      let fromBacklog = false;
      if (!next.done) {
        path = next.value;
        this.live.delete(path);
      } else if (this.backlog.length > 0) {
        path = this.backlog.shift() as string;
        fromBacklog = true;
      } else break;
      const changed = await this.scan(path);
      if (fromBacklog) this.progress();
      if (changed && !fromBacklog) this.opts.onChange?.();
      // Yield between files: snapshots and IPC run between them.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private scan(path: string): Promise<boolean> {
    return this.folder.fold(path);
  }

  private progress(): void {
    const done = this.backfill.filesDone + 1;
    const total = this.backfill.filesTotal;
    if (done >= total) {
      this.setBackfill('done', done, total, null);
      void this.opts.store.compactNow();
      return;
    }
    this.backfill = { ...this.backfill, filesDone: done };
    const step = Math.floor((done / total) * PROGRESS_STEPS);
    if (step > this.progressWritten) {
      this.progressWritten = step;
      this.writeBackfill();
    }
    this.opts.onChange?.();
  }

  /**
   * History that cannot be saved says so (the History tab, run's live view)
   * instead of showing progress that is lost: the catch-up stops; what is
   * already read stays in memory, and a later compaction writes it if it can.
   */
  private writeFailed(message: string): void {
    if (this.backfill.phase === 'error') return;
    this.backlog = [];
    this.backfill = { ...this.backfill, phase: 'error', message };
    this.opts.onChange?.();
  }

  private setBackfill(phase: BackfillRecord['phase'], done: number, total: number, message: string | null): void {
    this.backfill = { phase, filesDone: done, filesTotal: total, message };
    this.progressWritten = 0;
    this.writeBackfill();
    this.opts.onChange?.();
  }

  private writeBackfill(): void {
    const b = this.backfill;
    this.opts.store.append([
      {
        k: 'backfill',
        at: this.opts.now(),
        phase: b.phase,
        done: b.filesDone,
        total: b.filesTotal,
        message: b.message,
      },
    ]);
  }
}

/** A window as a limit record, or null when it says nothing observed (a window whose reset has passed). */
function observation(
  limitId: string,
  limitName: string | null,
  kind: 'primary' | 'secondary',
  w: UsageWindow,
): LimitRecord | null {
  if (w.rolledOver) return null;
  if (!Number.isFinite(w.observedAt)) return null;
  return {
    k: 'limit',
    at: w.observedAt,
    id: limitId,
    name: limitName,
    kind,
    minutes: w.windowMinutes,
    used: w.usedPercent,
    reset: w.resetsAt,
    src: w.source,
  };
}
