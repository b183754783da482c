import { resolveCodexHome } from '../src/codex/home.js';
import type { Settings } from '../src/contract/index.js';
import { PresenceClient, type DiscordClientState } from '../src/discord/client.js';
import type { DiscordActivity } from '../src/discord/payload.js';
import { PresencePublisher } from '../src/presence/publisher.js';
import { UsageMonitor } from '../src/usage/monitor.js';
import type { UsageSnapshot } from '../src/usage/types.js';
import type { HistoryQuery, HistoryView } from '../src/contract/index.js';
import { historyPath } from '../src/history/location.js';
import { startPublisherHistory } from '../src/history/publisher.js';
import type { HistoryRecorder } from '../src/history/recorder.js';
import { backfillFromState } from '../src/history/recorder.js';
import { readHistory } from '../src/history/store.js';
import { buildView } from '../src/history/view.js';

export interface ServicesOptions {
  config: Settings;
  env: NodeJS.ProcessEnv;
  /** Sent to Codex as clientInfo when asking for the account's limits. */
  appVersion: string;
  onSnapshot(snapshot: UsageSnapshot): void;
  onDiscordState(state: DiscordClientState): void;
  onError(error: Error): void;
  /** The app's data folder: usage history lives there (src/history/location.ts). */
  dataDir?: string;
  /** History gained data (a recording, backfill progress, a clear); the app throttles what it sends on. */
  onHistoryChanged?(): void;
  now?(): number;
}

/**
 * The core, running inside the app: the usage monitor, the Discord client
 * and the publisher that joins them. A settings change applies live and
 * precisely: a new client id reconnects Discord, a new Codex home restarts
 * the watcher, anything else re-renders the activity.
 */
export class CoreServices {
  private config: Settings;
  private monitor: UsageMonitor;
  readonly client: PresenceClient;
  private publisher: PresencePublisher;
  private offSnapshot: () => void = () => undefined;
  /** Usage history, recorded only while this process publishes (issue 15). */
  private history: HistoryRecorder | null = null;
  /** Why history is not recorded while this process publishes (a history file that is not ours), shown in History. */
  private historyRefused: string | null = null;
  private historyStarting: Promise<void> | null = null;
  codexHome: string;

  constructor(private readonly opts: ServicesOptions) {
    this.config = opts.config;
    this.codexHome = this.homeFor(opts.config);
    this.monitor = this.makeMonitor();
    this.client = new PresenceClient({ clientId: this.clientIdFor(opts.config), env: opts.env });
    this.client.onState(opts.onDiscordState);
    this.publisher = this.makePublisher();
  }

  get snapshot(): UsageSnapshot {
    return this.monitor.current();
  }

  get paused(): boolean {
    return this.publisher.isPaused;
  }

  private publishing = false;

  /** What the publisher last handed to Discord (null: nothing, e.g. cleared while idle). */
  get activity(): DiscordActivity | null {
    return this.publisher.activity;
  }

  /** Reconnect now instead of at the next backoff step (the user pressed Retry). */
  retryDiscord(): void {
    this.client.retryNow();
  }

  async start(): Promise<void> {
    await this.startWatching();
    this.startPublishing();
  }

  /** Reads Codex usage (for the tray) without publishing. */
  async startWatching(): Promise<void> {
    await this.startMonitor();
  }

  /**
   * Connects to Discord and publishes; only once this process holds the
   * publisher lock. The first snapshot is out already (startWatching), and
   * history opens after the publisher has started (issue 21 §4).
   */
  startPublishing(): void {
    this.publishing = true;
    this.publisher.start();
    this.historyStarting = this.startHistory();
  }

  /** What `history --json` prints: from memory while publishing, else read from the publisher's file. */
  async getHistory(query: HistoryQuery): Promise<HistoryView> {
    await this.historyStarting;
    if (this.history !== null) return this.history.view(query);
    const now = this.now();
    const dataDir = this.opts.dataDir;
    if (dataDir === undefined) throw new Error('usage history is not available in this build');
    const path = historyPath(dataDir);
    const read = await readHistory(path, now);
    // A file that is not ours is said where history shows, as a stopped build says why.
    const refused =
      this.historyRefused ?? (read.refused === null ? null : `history file ${path} is ${read.refused}: it is not read`);
    const backfill =
      refused === null
        ? backfillFromState(read.state)
        : { phase: 'error' as const, filesDone: 0, filesTotal: 0, message: refused };
    return buildView(read.state, query, now, backfill, this.config.ignoreProjects);
  }

  /** "Clear history": only the publisher writes the file. */
  async clearHistory(): Promise<void> {
    await this.historyStarting;
    if (this.history === null) {
      throw new Error('History is recorded by the process that publishes (the app or `run`): clear it there.');
    }
    await this.history.clear();
  }

  /** The popover opened: refresh the account's limits, at most once a minute (issue 12 §3). */
  refreshAccountLimits(): void {
    this.monitor.refreshAccountLimits({ minIntervalMs: 60_000 });
  }

  setPaused(paused: boolean): void {
    this.publisher.setPaused(paused);
  }

  /** Applies a saved config live. */
  async applyConfig(next: Settings): Promise<void> {
    const previous = this.config;
    this.config = next;
    const home = this.homeFor(next);
    if (
      home !== this.codexHome ||
      next.general.staleMinutes !== previous.general.staleMinutes ||
      next.limits.askCodex !== previous.limits.askCodex
    ) {
      const homeChanged = home !== this.codexHome;
      this.codexHome = home;
      this.offSnapshot();
      await this.monitor.stop();
      if (homeChanged) await this.stopHistory();
      this.monitor = this.makeMonitor();
      await this.startMonitor();
      // History follows the Codex home it reads: the new home's rollouts are caught up on.
      if (homeChanged && this.publishing) this.historyStarting = this.startHistory();
      // The publisher reads from the new monitor.
      const paused = this.publisher.isPaused;
      this.publisher = this.makePublisher();
      this.publisher.setPaused(paused);
      if (this.publishing) this.publisher.start();
    }
    this.client.setClientId(this.clientIdFor(next));
    if (this.publishing) this.publisher.refresh();
  }

  /** Clears the Discord activity and stops everything, within `timeoutMs`. */
  async stop(timeoutMs = 1500): Promise<void> {
    this.offSnapshot();
    await this.publisher.stop(timeoutMs);
    await this.monitor.stop();
    await this.stopHistory();
  }

  private async startMonitor(): Promise<void> {
    await this.monitor.start();
    const onSnapshot = (snapshot: UsageSnapshot): void => {
      this.opts.onSnapshot(snapshot);
      this.history?.record(snapshot);
    };
    this.offSnapshot = this.monitor.subscribe(onSnapshot);
    onSnapshot(this.monitor.current());
  }

  private async startHistory(): Promise<void> {
    const dataDir = this.opts.dataDir;
    if (dataDir === undefined || this.history !== null) return;
    const onChange = this.opts.onHistoryChanged;
    const opened = await startPublisherHistory({
      dataDir,
      codexHome: this.codexHome,
      now: () => this.now(),
      ignore: () => this.config.ignoreProjects,
      ...(onChange === undefined ? {} : { onChange: () => onChange() }),
      log: (m) => this.opts.onError(new Error(m)),
    });
    this.history = opened.recorder;
    this.historyRefused = opened.reason;
    try {
      this.history?.record(this.monitor.current());
    } catch {
      // The monitor was replaced meanwhile and has not started: its first snapshot is recorded on arrival.
    }
  }

  private async stopHistory(): Promise<void> {
    await this.historyStarting;
    const history = this.history;
    this.history = null;
    this.historyRefused = null;
    await history?.stop();
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private makeMonitor(): UsageMonitor {
    return new UsageMonitor({
      codexHome: this.codexHome,
      sessionStaleMs: this.config.general.staleMinutes * 60_000,
      account: this.config.limits.askCodex ? { env: this.opts.env, clientVersion: this.opts.appVersion } : null,
      onError: this.opts.onError,
    });
  }

  private makePublisher(): PresencePublisher {
    return new PresencePublisher({ source: this.monitor, client: this.client, config: () => this.config });
  }

  private homeFor(config: Settings): string {
    return resolveCodexHome({ explicit: config.general.codexHome || null, env: this.opts.env });
  }

  private clientIdFor(config: Settings): string {
    return config.discordEnabled ? config.discordClientId : '';
  }
}
