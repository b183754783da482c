import type { Settings } from '../contract/index.js';
import type { PresenceClient } from '../discord/client.js';
import { buildPresence, NO_PRESENCE, visibleSessions, type Presence } from '../presence/activity.js';
import type { UsageSnapshot } from '../contract/index.js';

/**
 * Keeps Discord in step with the snapshot: builds the activity and hands it
 * to the client (which throttles and de-duplicates). Tracks when a session
 * was last busy, so the idle behaviour fires on time even when no new
 * snapshot arrives: `onIdle` asks the publisher to present again then.
 */
export class PresenceLoop {
  private lastBusyAt: number | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly client: PresenceClient,
    private readonly onIdle: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sets what Discord shows for this snapshot and config (nothing while paused or switched off). */
  show(snapshot: UsageSnapshot, config: Settings, paused: boolean): Presence {
    const now = this.now();
    const visible = visibleSessions(snapshot, config.ignoreProjects);
    const busy = visible.some((s) => s.status === 'working' || s.status === 'waiting');
    if (busy) this.lastBusyAt = now;
    else if (this.lastBusyAt === null) {
      const latest = visible[0]?.lastActivityAt;
      if (latest !== undefined && latest !== null) this.lastBusyAt = latest;
    }
    const enabled = config.discordEnabled && !paused;
    const shown = enabled ? buildPresence({ snapshot, config, now, lastBusyAt: this.lastBusyAt }) : NO_PRESENCE;
    this.client.setActivity(shown.activity);
    this.scheduleIdle(config, busy);
    return shown;
  }

  stop(): void {
    this.stopped = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private scheduleIdle(config: Settings, busy: boolean): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (busy || this.lastBusyAt === null || this.stopped) return;
    const wait = this.lastBusyAt + config.idle.afterMinutes * 60_000 - this.now();
    if (wait <= 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.onIdle();
    }, wait + 50);
  }
}
