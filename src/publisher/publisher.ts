import type { HistoryQuery, HistoryView } from '../contract/index.js';
import type { Settings } from '../contract/index.js';
import { PresenceClient, type DiscordClientState } from '../discord/client.js';
import { currentProcessInfo, instanceRecorder } from '../instance/instanceFile.js';
import { NO_PRESENCE, type Presence } from '../presence/activity.js';
import { accountAsk } from '../usage/accountSource.js';
import { UsageMonitor } from '../usage/monitor.js';
import type { UsageSnapshot } from '../contract/index.js';
import { PublisherHistory } from './history.js';
import { claimPublisher, type FinalLock, type LockState } from './lock.js';
import { discordClientId, KIND_POLICY, type KindPolicy } from './policy.js';
import { PresenceLoop } from './presence.js';
import type { Publisher, PublisherOptions } from './api.js';
import { StateCell, type PublisherState, type StateListener } from './state.js';

/**
 * One publisher for the tray app, `run` and the `codex` wrapper (issue 22
 * §2): the lock and its take-over policy (KIND_POLICY), the usage monitor,
 * the Discord client, usage history and the account asks. Nothing is
 * published before the lock is held, and the activity is cleared before it
 * is released, so two activities are never shown at once.
 */
export class PublisherCore implements Publisher {
  readonly watching: Promise<void>;
  readonly claimed: Promise<LockState>;
  readonly settled: Promise<FinalLock>;
  private readonly policy: KindPolicy;
  private readonly cell: StateCell;
  private readonly client: PresenceClient;
  private readonly recorder: ReturnType<typeof instanceRecorder>;
  private readonly presence: PresenceLoop;
  private readonly history: PublisherHistory;
  private readonly starting: Promise<FinalLock>;
  private config: Settings;
  private codexHome: string;
  private monitor: UsageMonitor;
  private monitorStarted = false;
  private offSnapshot: () => void = () => undefined;
  private readonly offState: () => void;
  private shown: Presence = NO_PRESENCE;
  private held = false;
  private publishing = false;
  private stopping: Promise<void> | null = null;
  private resolveAbort: () => void = () => undefined;
  private readonly aborted = new Promise<void>((resolve) => (this.resolveAbort = resolve));
  private resolveClaimed: (lock: LockState) => void = () => undefined;
  private resolveWatching: () => void = () => undefined;

  constructor(private readonly opts: PublisherOptions) {
    this.policy = KIND_POLICY[opts.kind];
    this.config = opts.config;
    this.codexHome = opts.codexHome;
    this.recorder = instanceRecorder(opts.stateDir);
    this.client = new PresenceClient({
      clientId: discordClientId(opts.config),
      env: opts.env,
      ...(opts.log?.discord === undefined ? {} : { log: opts.log.discord }),
    });
    this.presence = new PresenceLoop(this.client, () => this.present());
    const now = opts.now ?? Date.now;
    this.history = new PublisherHistory({
      dataDir: opts.dataDir,
      now,
      ignore: () => this.config.ignoreProjects,
      ...(opts.cost === undefined ? {} : { cost: opts.cost }),
      onChange: () => this.historyChanged(),
      log: (message) => opts.log?.history?.(message),
    });
    this.monitor = this.makeMonitor();
    this.cell = new StateCell(
      {
        snapshot: null,
        discord: this.discordState(),
        published: false,
        shownSessionId: null,
        backfill: null,
        paused: false,
        lock: { phase: 'claiming' },
        historyRevision: 0,
        today: null,
      },
      (error) => opts.log?.watch?.(error.message),
    );
    this.offState = this.client.onState(() => {
      const discord = this.discordState();
      if (this.held) void this.recorder.record(discord);
      this.cell.update({ discord, ...this.publishedNow() });
    });
    this.watching = new Promise<void>((resolve) => (this.resolveWatching = resolve));
    this.claimed = new Promise<LockState>((resolve) => (this.resolveClaimed = resolve));
    this.starting = this.start();
    this.settled = this.starting.catch(async (error: unknown) => {
      await this.stop();
      throw error;
    });
    void this.settled.finally(() => this.resolveWatching()).catch(() => undefined);
    this.claimed = Promise.race([this.claimed, this.settled]);
    // The caller may await neither: a failure is then theirs to hear of through `settled` alone.
    this.claimed.catch(() => undefined);
    this.settled.catch(() => undefined);
  }

  get state(): PublisherState {
    return this.cell.value;
  }

  subscribe(listener: StateListener): () => void {
    return this.cell.subscribe(listener);
  }

  setPaused(paused: boolean): void {
    this.present({ paused });
  }

  async applyConfig(config: Settings, codexHome: string): Promise<void> {
    const previous = this.config;
    this.config = config;
    const homeChanged = codexHome !== this.codexHome;
    if (
      homeChanged ||
      config.general.staleMinutes !== previous.general.staleMinutes ||
      config.limits.askCodex !== previous.limits.askCodex
    ) {
      this.codexHome = codexHome;
      this.offSnapshot();
      this.offSnapshot = () => undefined;
      await this.monitor.stop();
      if (homeChanged) {
        await this.history.stop();
        this.cell.update({ backfill: null });
      }
      // A stop that began meanwhile stopped everything: starting a monitor or history now would outlive it
      // (watchers left open, a history file written after the app quit).
      if (this.stopping !== null) return;
      this.monitor = this.makeMonitor();
      if (this.monitorStarted) await this.startMonitor();
      if (this.stopping !== null) return;
      // History follows the Codex home it reads: the new home's rollouts are caught up on.
      if (homeChanged && this.publishing) this.openHistory();
    }
    this.client.setClientId(discordClientId(config));
    this.present();
  }

  retryDiscord(): void {
    this.client.retryNow();
  }

  refreshAccountLimits(): void {
    this.monitor.refreshAccountLimits({ minIntervalMs: 60_000 });
  }

  getHistory(query: HistoryQuery): Promise<HistoryView> {
    return this.history.view(query);
  }

  clearHistory(): Promise<void> {
    return this.history.clear();
  }

  stop(timeoutMs = 1500): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.resolveAbort();
    // Ends the reads under way at once (a compressed bomb must not hold the exit up), even during start.
    const monitorStopped = this.monitor.stop();
    monitorStopped.catch(() => undefined); // awaited below, after the clear
    this.stopping = (async () => {
      // The claim goes on to the end of its round: a process that holds the lock releases it below.
      await this.starting.catch(() => undefined);
      this.offSnapshot();
      this.offState();
      this.presence.stop();
      try {
        await this.client.stop(timeoutMs);
        await monitorStopped;
        await this.monitor.stop();
        await this.history.stop();
      } finally {
        // Whatever failed above, the lock is not left behind.
        if (this.held) await this.recorder.release();
      }
    })();
    return this.stopping;
  }

  /** Claims the lock (watching first where the kind does), then publishes: the activity, then history. */
  private async start(): Promise<FinalLock> {
    if (this.policy.watchBeforeLock) await this.startMonitor();
    const lock = await claimPublisher({
      stateDir: this.opts.stateDir,
      me: await currentProcessInfo(this.opts.kind, this.opts.version),
      takeover: this.opts.takeover === true,
      abort: this.aborted,
      report: (state) => {
        this.cell.update({ lock: state });
        if (state.phase === 'waiting') this.resolveClaimed(state);
      },
    });
    this.held = lock.phase === 'held';
    this.cell.update({ lock });
    if (!this.held || this.stopping !== null) return lock;
    // Recorded before anything is shown, so `status` never sees a publisher without its Discord state.
    await this.recorder.record(this.discordState());
    if (!this.monitorStarted && this.stopping === null) await this.startMonitor();
    if (this.stopping !== null) return lock;
    this.publishing = true;
    this.client.start();
    this.present();
    // History opens once the first snapshot is out (issue 21 §4: reading a 50 MB history took seconds).
    this.openHistory();
    return lock;
  }

  private async startMonitor(): Promise<void> {
    const monitor = this.monitor;
    this.monitorStarted = true;
    await monitor.start();
    if (this.stopping !== null || monitor !== this.monitor) return;
    this.offSnapshot = monitor.subscribe((snapshot) => this.onSnapshot(snapshot));
    this.onSnapshot(monitor.current());
    this.resolveWatching();
  }

  private onSnapshot(snapshot: UsageSnapshot): void {
    if (this.stopping !== null) return;
    this.history.record(snapshot);
    this.present({ snapshot });
  }

  /**
   * Builds the activity and says what is published, in one state change:
   * `published` and `shownSessionId` change with the snapshot that moved them.
   */
  private present(change: { snapshot?: UsageSnapshot; paused?: boolean } = {}): void {
    if (this.stopping !== null) return;
    const snapshot = change.snapshot ?? this.cell.value.snapshot;
    const paused = change.paused ?? this.cell.value.paused;
    this.shown = this.publishing && snapshot !== null ? this.presence.show(snapshot, this.config, paused) : NO_PRESENCE;
    this.cell.update({ snapshot, paused, discord: this.discordState(), ...this.publishedNow() });
  }

  private publishedNow(): Pick<PublisherState, 'published' | 'shownSessionId'> {
    const published = this.publishing && this.client.state.state === 'connected' && this.shown.activity !== null;
    return { published, shownSessionId: published ? this.shown.shownSessionId : null };
  }

  private discordState(): DiscordClientState {
    const state = this.client.state;
    return this.opts.describeDiscord?.(state, this.config) ?? state;
  }

  private openHistory(): void {
    if (!this.policy.history) return;
    this.history.open(this.codexHome, () => this.cell.value.snapshot);
  }

  private historyChanged(): void {
    const value = this.cell.value;
    this.cell.update({
      backfill: this.history.backfill,
      historyRevision: value.historyRevision + 1,
      today: this.history.today(),
    });
  }

  private makeMonitor(): UsageMonitor {
    const log = this.opts.log?.watch;
    return new UsageMonitor({
      codexHome: this.codexHome,
      sessionStaleMs: this.config.general.staleMinutes * 60_000,
      ...(this.opts.cost === undefined ? {} : { cost: this.opts.cost }),
      account: this.policy.account ? accountAsk(this.config.limits.askCodex, this.opts.env, this.opts.version) : null,
      ...(log === undefined ? {} : { onError: (error: Error) => log(error.message) }),
    });
  }
}
