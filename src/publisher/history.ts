import type { BackfillState, HistoryQuery, HistoryView, TodayUsage } from '../contract/index.js';
import { historyPath } from '../history/location.js';
import { HistoryRecorder } from '../history/recorder.js';
import { HistoryStore, readHistory } from '../history/store.js';
import { backfillFromState, buildView } from '../history/view.js';
import type { UsageSnapshot } from '../contract/index.js';
import type { CostConfig } from '../cost/pricing.js';

export interface HistoryOptions {
  /** The app's data folder (src/history/location.ts); null: history is neither recorded nor read. */
  dataDir: string | null;
  now: () => number;
  /** The settings' ignore list, read at each use so a change applies at once. */
  ignore: () => readonly string[];
  /** How the view prices its tokens (the config's `pricing`); absent: catalog prices only. */
  cost?: CostConfig;
  /** Recorded data or the backfill's progress changed. */
  onChange: () => void;
  log: (message: string) => void;
}

/**
 * Usage history in the publishing process (issue 15): recorded only while
 * this process holds the publisher lock. Opening reads the whole file, so it
 * runs in the background once the first snapshot is out (issue 21 §4), and a
 * stop abandons it. History is a side feature: a file that is not ours or a
 * folder that cannot be written is logged, and publishing goes on without it.
 */
export class PublisherHistory {
  private recorder: HistoryRecorder | null = null;
  /** Why history is not recorded while this process publishes (a file that is not ours), shown in History. */
  private refused: string | null = null;
  private opening: Promise<void> | null = null;
  private abort: AbortController | null = null;

  constructor(private readonly opts: HistoryOptions) {}

  /** The backfill's progress, or null while nothing is recorded. */
  get backfill(): BackfillState | null {
    return this.recorder?.backfill ?? null;
  }

  /** Starts recording from `codexHome`; `current` is recorded as soon as the file is open. */
  open(codexHome: string, current: () => UsageSnapshot | null): void {
    const dataDir = this.opts.dataDir;
    if (dataDir === null || this.opening !== null) return;
    const abort = new AbortController();
    this.abort = abort;
    this.opening = openRecorder(dataDir, codexHome, abort.signal, this.opts).then((opened) => {
      this.refused = opened.reason;
      if (opened.recorder === null) return;
      this.recorder = opened.recorder;
      const snapshot = current();
      if (snapshot !== null) opened.recorder.record(snapshot);
      this.opts.onChange();
    });
  }

  record(snapshot: UsageSnapshot): void {
    this.recorder?.record(snapshot);
  }

  /** Today's tokens and cost while this process records (the popover's "Today"); null otherwise. */
  today(): TodayUsage | null {
    return this.recorder?.today() ?? null;
  }

  /** What `history --json` prints: from memory while recording, else read from the publisher's file. */
  async view(query: HistoryQuery): Promise<HistoryView> {
    await this.opening;
    if (this.recorder !== null) return this.recorder.view(query);
    const dataDir = this.opts.dataDir;
    if (dataDir === null) throw new Error('usage history is not available in this build');
    const now = this.opts.now();
    const path = historyPath(dataDir);
    const read = await readHistory(path, now);
    // A file that is not ours is said where history shows, as a stopped build says why.
    const refused =
      this.refused ?? (read.refused === null ? null : `history file ${path} is ${read.refused}: it is not read`);
    const backfill =
      refused === null
        ? backfillFromState(read.state)
        : { phase: 'error' as const, filesDone: 0, filesTotal: 0, message: refused };
    return buildView(read.state, query, now, backfill, this.opts.ignore(), this.opts.cost);
  }

  /** "Clear history": only the publisher writes the file. */
  async clear(): Promise<void> {
    await this.opening;
    if (this.recorder === null) {
      throw new Error('History is recorded by the process that publishes (the app or `run`): clear it there.');
    }
    await this.recorder.clear();
  }

  /** Stops recording (abandoning an opening under way); `open` may start it again, e.g. on another Codex home. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.opening;
    const recorder = this.recorder;
    this.recorder = null;
    this.refused = null;
    this.opening = null;
    this.abort = null;
    await recorder?.stop();
  }
}

type Opened = { recorder: HistoryRecorder; reason: null } | { recorder: null; reason: string | null };

/** Opens the file and starts the catch-up; a failure is logged and said (`reason`), an abandoned opening is not. */
async function openRecorder(
  dataDir: string,
  codexHome: string,
  signal: AbortSignal,
  opts: HistoryOptions,
): Promise<Opened> {
  let store: HistoryStore;
  try {
    store = await HistoryStore.open(historyPath(dataDir), { now: opts.now, log: opts.log, signal });
  } catch (error) {
    if (signal.aborted) return { recorder: null, reason: null };
    const reason = error instanceof Error ? error.message : String(error);
    opts.log(`history is not recorded: ${reason}`);
    return { recorder: null, reason };
  }
  if (signal.aborted) {
    await store.flush();
    return { recorder: null, reason: null };
  }
  const recorder = new HistoryRecorder({
    store,
    codexHome,
    now: opts.now,
    ignore: opts.ignore,
    ...(opts.cost === undefined ? {} : { cost: opts.cost }),
    onChange: opts.onChange,
    log: opts.log,
  });
  recorder.start();
  return { recorder, reason: null };
}
