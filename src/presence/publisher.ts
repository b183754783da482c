import type { Settings } from '../contract/index.js';
import type { PresenceClient } from '../discord/client.js';
import type { DiscordActivity } from '../discord/payload.js';
import type { UsageSnapshot } from '../usage/types.js';
import { buildActivity, visibleSessions } from './activity.js';

export interface SnapshotSource {
  current(): UsageSnapshot;
  subscribe(listener: (snapshot: UsageSnapshot) => void): () => void;
}

export interface PublisherOptions {
  source: SnapshotSource;
  client: PresenceClient;
  config: () => Settings;
  now?: () => number;
}

/**
 * Keeps Discord in step with the usage snapshot: builds the activity on every
 * new snapshot or config change and hands it to the client (which throttles
 * and de-duplicates). Tracks when a session was last busy so the idle
 * behaviour fires on time even when no new snapshot arrives.
 */
export class PresencePublisher {
  private readonly now: () => number;
  private lastBusyAt: number | null = null;
  private paused = false;
  private unsubscribe: (() => void) | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastActivity: DiscordActivity | null = null;

  constructor(private readonly opts: PublisherOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.unsubscribe !== null) return;
    this.unsubscribe = this.opts.source.subscribe(() => this.refresh());
    this.opts.client.start();
    this.refresh();
  }

  /** Pausing clears the activity; resuming shows the current one again. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.refresh();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** What was last handed to the client (null: cleared). */
  get activity(): DiscordActivity | null {
    return this.lastActivity;
  }

  /** Rebuilds the activity from the current snapshot and config (call after a config change). */
  refresh(): void {
    const snapshot = this.opts.source.current();
    const config = this.opts.config();
    const now = this.now();
    const busy = visibleSessions(snapshot, config.ignoreProjects).filter(
      (s) => s.status === 'working' || s.status === 'waiting',
    );
    if (busy.length > 0) this.lastBusyAt = now;
    else if (this.lastBusyAt === null) {
      const latest = visibleSessions(snapshot, config.ignoreProjects)[0]?.lastActivityAt;
      if (latest) this.lastBusyAt = Date.parse(latest);
    }
    const enabled = config.discordEnabled && !this.paused;
    this.lastActivity = enabled ? buildActivity({ snapshot, config, now, lastBusyAt: this.lastBusyAt }) : null;
    this.opts.client.setActivity(this.lastActivity);
    this.scheduleIdle(config, busy.length > 0);
  }

  async stop(timeoutMs = 1500): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.opts.client.stop(timeoutMs);
  }

  private scheduleIdle(config: Settings, busy: boolean): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (busy || this.lastBusyAt === null || this.unsubscribe === null) return;
    const at = this.lastBusyAt + config.idle.afterMinutes * 60_000;
    const wait = at - this.now();
    if (wait <= 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.refresh();
    }, wait + 50);
  }
}
