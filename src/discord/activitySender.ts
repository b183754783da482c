import type { Clock } from './clock.js';
import type { IpcConnection } from './connection.js';
import type { DiscordActivity } from './payload.js';
import { ACTIVITY_LIMIT, ACTIVITY_WINDOW_MS, SlidingWindow } from './throttle.js';

/**
 * The activity half of `PresenceClient`: what Discord should show, sent on
 * the connection the client attaches. Only the latest wanted state is kept,
 * never a queue; it is sent at most 5 times per 20.5 s (Discord allows 5 per
 * 20 s) and never twice the same payload. `settled()` waits for it to be sent,
 * or for there to be no connection to send it on.
 */
export class ActivitySender {
  private readonly throttle = new SlidingWindow(ACTIVITY_LIMIT, ACTIVITY_WINDOW_MS);
  private connection: IpcConnection | null = null;
  private pumpTimer: unknown = null;
  private sending = false;
  private wanted: { activity: DiscordActivity | null; key: string } = { activity: null, key: 'null' };
  /** Key of what Discord shows now, as far as we know (null: unknown, e.g. after a reconnect). */
  private shown: string | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly opts: { pid: number; requestTimeoutMs: number },
    private readonly log: (message: string) => void,
  ) {}

  /** Records what Discord should show; it is sent when allowed. `null` clears the activity. */
  set(activity: DiscordActivity | null): void {
    const key = JSON.stringify(activity);
    if (key === this.wanted.key) return;
    this.wanted = { activity, key };
    this.pump();
  }

  /** Resolves once the wanted activity has been sent (or cannot be now: not connected). */
  settled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A new connection to send on: Discord drops an activity with its connection, so a new one shows nothing. */
  attach(connection: IpcConnection): void {
    this.connection = connection;
    this.shown = 'null';
  }

  /** The connection is gone: what Discord shows is unknown. */
  detach(): void {
    this.connection = null;
    this.shown = null;
  }

  /** Something may be on screen: an update still awaiting its reply may already be there. */
  get mayShowSomething(): boolean {
    return this.shown !== 'null' || this.sending || this.wanted.key !== 'null';
  }

  /** Sends the wanted activity if the throttle allows, or sets a timer for when it will. */
  pump(): void {
    const connection = this.connection;
    if (connection === null || this.sending || this.isSettled()) {
      if (this.isSettled()) this.wake();
      return;
    }
    const now = this.clock.now();
    const allowedAt = this.throttle.nextAllowedAt(now);
    if (allowedAt > now) {
      if (this.pumpTimer === null) {
        this.pumpTimer = this.clock.setTimeout(() => {
          this.pumpTimer = null;
          this.pump();
        }, allowedAt - now);
      }
      return;
    }
    const { activity, key } = this.wanted;
    this.sending = true;
    this.throttle.record(now);
    const args = activity === null ? { pid: this.opts.pid } : { pid: this.opts.pid, activity };
    connection
      .request('SET_ACTIVITY', args, this.opts.requestTimeoutMs)
      .then(() => {
        if (this.connection === connection) this.shown = key;
      })
      .catch((error: unknown) => {
        this.log(`SET_ACTIVITY failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.sending = false;
        this.pump();
      });
  }

  /** Cancels a send waiting for the throttle (on stop). */
  clearTimer(): void {
    if (this.pumpTimer !== null) this.clock.clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
  }

  /** Resolves the `settled()` waiters once there is nothing left to send. */
  wake(): void {
    if (!this.isSettled()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private isSettled(): boolean {
    return this.connection === null || this.shown === this.wanted.key;
  }
}
