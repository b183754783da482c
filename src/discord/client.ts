import { ActivitySender } from './activitySender.js';
import { AttemptLog } from './attempts.js';
import { Backoff, WINDOWS_MAX_BACKOFF_MS } from './backoff.js';
import { raceTimeout, REAL_CLOCK, type Clock } from './clock.js';
import { IpcConnection, type Attempt } from './connection.js';
import { disabledState, type DiscordClientState, type PresenceClientOptions } from './clientState.js';
import { DiscordError } from './errors.js';
import { ipcCandidates, socketFolders } from './ipcPaths.js';
import type { DiscordActivity } from './payload.js';
import { currentUid } from './socketOwner.js';
import { SocketWatch } from './socketWatch.js';

export type { DiscordClientState, DiscordStateName, PresenceClientOptions } from './clientState.js';

/**
 * Discord Rich Presence over local IPC, written for a long-running tray app:
 * - a fresh socket per attempt, backoff 1 s → 60 s with jitter, and an
 *   attempt at once when a socket appears in a watched folder (Windows: the
 *   backoff stops at 5 s instead, as pipes cannot be watched);
 * - observable state (`disabled`, `connecting`, `connected`, `error` + reason);
 * - an invalid client id stops retrying until `setClientId`;
 * - `setActivity` only records the wanted state: the latest one is sent, never
 *   a queue, at most 5 per 20.5 s (Discord allows 5 per 20 s), and never twice
 *   the same payload;
 *   `ActivitySender` holds it and sends it on the connection this class keeps;
 * - `stop()` clears the activity and closes within a bounded time.
 * Nothing here rejects into the void: no unhandled rejection, socket or timer
 * survives `stop()`, including a handshake still in progress.
 */
export class PresenceClient {
  private clientId: string;
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly opts: Required<
    Pick<PresenceClientOptions, 'requestTimeoutMs' | 'handshakeTimeoutMs' | 'stallTimeoutMs' | 'pid'>
  >;
  private readonly ownerUid: number | null;
  private readonly paths: () => readonly string[];
  private readonly log: (message: string) => void;
  private readonly watchSockets: boolean;
  private watch: SocketWatch | null = null;
  /** A socket appeared while an attempt was under way: if that one fails, try again at once. */
  private wokenMidAttempt = false;
  /** Discord refused the client id: only a new id helps, not a new Discord. */
  private idRefused = false;
  private readonly listeners = new Set<(s: DiscordClientState) => void>();
  private current: DiscordClientState;
  private connection: IpcConnection | null = null;
  private retryTimer: unknown = null;
  private running = false;
  private connecting: AbortController | null = null;
  private readonly sender: ActivitySender;
  private readonly attemptLog: AttemptLog;
  lastAttempts: Attempt[] = [];

  constructor(options: PresenceClientOptions) {
    this.clientId = options.clientId.trim();
    this.clock = options.clock ?? REAL_CLOCK;
    const platform = options.platform ?? process.platform;
    this.backoff = new Backoff(
      options.minBackoffMs ?? 1000,
      options.maxBackoffMs ?? (platform === 'win32' ? WINDOWS_MAX_BACKOFF_MS : 60_000),
      options.random ?? Math.random,
    );
    this.opts = {
      requestTimeoutMs: options.requestTimeoutMs ?? 5000,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 3000,
      stallTimeoutMs: options.stallTimeoutMs ?? 5000,
      pid: options.pid ?? process.pid,
    };
    this.ownerUid = options.ownerUid === undefined ? currentUid(platform) : options.ownerUid;
    const env = options.env ?? process.env;
    this.paths = () => options.paths ?? ipcCandidates(platform, env);
    this.log = options.log ?? (() => undefined);
    this.watchSockets = options.watchSockets ?? platform !== 'win32';
    this.current = this.clientId === '' ? disabledState() : { state: 'connecting' };
    this.sender = new ActivitySender(this.clock, this.opts, this.log);
    this.attemptLog = new AttemptLog(this.log);
  }

  get state(): DiscordClientState {
    return this.current;
  }

  onState(listener: (s: DiscordClientState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.syncWatch();
    this.connectSoon(0);
  }

  /** The folders watched for a new Discord socket now (empty when stopped). */
  get watchedFolders(): string[] {
    return this.watch?.watching ?? [];
  }

  /** A new client id (from settings): drop the connection and start over, even after an invalid id. */
  setClientId(clientId: string): void {
    const id = clientId.trim();
    if (id === this.clientId) return;
    this.clientId = id;
    this.backoff.reset();
    this.idRefused = false;
    this.connecting?.abort();
    this.dropConnection();
    this.syncWatch();
    if (!this.running) {
      this.setState(id === '' ? disabledState() : { state: 'connecting' });
      return;
    }
    this.connectSoon(0);
  }

  /**
   * Try again now instead of at the next backoff step (the user pressed
   * Retry, perhaps after starting Discord). Nothing to do while connected or
   * already connecting, or with no id.
   */
  retryNow(): void {
    if (!this.running || this.clientId === '' || this.connection !== null || this.connecting !== null) return;
    this.backoff.reset();
    this.connectSoon(0);
  }

  /** Records what Discord should show; it is sent when allowed. `null` clears the activity. */
  setActivity(activity: DiscordActivity | null): void {
    this.sender.set(activity);
  }

  /** Resolves once the wanted activity has been sent (or cannot be now: not connected). */
  settled(): Promise<void> {
    return this.sender.settled();
  }

  /** Clears the activity, then closes, within `timeoutMs`. Safe to call more than once. */
  async stop(timeoutMs = 1500): Promise<void> {
    this.running = false;
    this.syncWatch();
    this.clearRetry();
    this.sender.clearTimer();
    // A handshake in progress holds a socket and a timer: release both now (issue 11 §5).
    this.connecting?.abort();
    const connection = this.connection;
    // Clear unless nothing was ever shown: an update still awaiting its reply may already be on screen.
    if (connection !== null && connection.isOpen && this.sender.mayShowSomething) {
      // The final clear ignores the throttle: leaving a stale activity behind is worse.
      const clear = connection.request('SET_ACTIVITY', { pid: this.opts.pid }, timeoutMs).catch(() => undefined);
      await raceTimeout(clear, timeoutMs, this.clock);
    }
    this.dropConnection();
    if (this.clientId !== '') this.setState({ state: 'connecting' });
    this.sender.wake();
  }

  private connectSoon(delayMs: number): void {
    this.clearRetry();
    if (!this.running) return;
    if (this.clientId === '') {
      this.setState(disabledState());
      return;
    }
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delayMs);
  }

  private async connect(): Promise<void> {
    if (!this.running || this.connecting !== null || this.connection !== null) return;
    const abort = new AbortController();
    this.connecting = abort;
    if (this.current.state !== 'error') this.setState({ state: 'connecting' });
    const clientId = this.clientId;
    const attempts: Attempt[] = [];
    // Set once `open` returns; `onClose` is only called after that.
    let opened: IpcConnection | null = null;
    try {
      const connection = await IpcConnection.open(
        this.paths(),
        clientId,
        {
          handshakeTimeoutMs: this.opts.handshakeTimeoutMs,
          stallTimeoutMs: this.opts.stallTimeoutMs,
          ownerUid: this.ownerUid,
          signal: abort.signal,
          onClose: (error) => {
            if (opened !== null) this.onClosed(opened, error);
          },
        },
        attempts,
      );
      opened = connection;
      this.lastAttempts = attempts;
      this.attemptLog.report(attempts);
      if (abort.signal.aborted || !this.running || clientId !== this.clientId) {
        connection.close();
        this.connectSoon(0); // a new id came in meanwhile (a no-op once stopped)
        return;
      }
      this.connection = connection;
      this.backoff.reset();
      this.wokenMidAttempt = false;
      this.sender.attach(connection);
      this.setState({ state: 'connected' });
      this.log(`connected to Discord at ${connection.path}`);
      this.sender.pump();
    } catch (error) {
      this.lastAttempts = attempts;
      if (abort.signal.aborted || !this.running || clientId !== this.clientId) {
        this.connectSoon(0);
        return;
      }
      const e = error instanceof DiscordError ? error : new DiscordError('closed', String(error));
      // A CLOSE from Discord ends the search at its endpoint; that one was not skipped, it answered.
      this.attemptLog.report(e.code !== null ? attempts.slice(0, -1) : attempts);
      this.failed(e);
    } finally {
      if (this.connecting === abort) this.connecting = null;
    }
  }

  private onClosed(connection: IpcConnection, error: DiscordError): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.sender.detach();
    this.log(`Discord connection closed: ${error.message}`);
    this.sender.wake();
    if (this.running) this.failed(error);
  }

  private failed(error: DiscordError): void {
    if (error.kind === 'invalid-client-id') {
      // Retrying cannot help; wait for a new id from the settings.
      this.idRefused = true;
      this.setState({ state: 'error', reason: error.message, kind: error.kind });
      this.sender.wake();
      return;
    }
    this.setState({ state: 'error', reason: error.message, kind: error.kind });
    this.sender.wake();
    if (this.wokenMidAttempt) {
      this.wokenMidAttempt = false;
      this.connectSoon(0);
      return;
    }
    this.connectSoon(this.backoff.next());
  }

  /** Watches the socket folders while running with an id, and only then: the watchers keep the process alive. */
  private syncWatch(): void {
    const wanted = this.watchSockets && this.running && this.clientId !== '';
    if (wanted && this.watch === null) {
      this.watch = new SocketWatch(socketFolders(this.paths()), () => this.socketAppeared());
    } else if (!wanted && this.watch !== null) {
      this.watch.close();
      this.watch = null;
    }
  }

  /**
   * A `discord-ipc-*` appeared: Discord is (re)starting, so try now and start
   * the backoff over, whatever it had grown to. An attempt already under way
   * may have passed that socket: it is followed by another at once.
   */
  private socketAppeared(): void {
    if (!this.running || this.clientId === '' || this.idRefused || this.connection !== null) return;
    this.backoff.reset();
    if (this.connecting !== null) {
      this.wokenMidAttempt = true;
      return;
    }
    this.connectSoon(0);
  }

  private dropConnection(): void {
    const c = this.connection;
    this.connection = null;
    this.sender.detach();
    c?.close();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setState(next: DiscordClientState): void {
    if (next.state === this.current.state && next.reason === this.current.reason) return;
    this.current = next;
    for (const l of this.listeners) l(next);
  }
}
