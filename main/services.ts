import { resolveCodexHome } from '../src/codex/home.js';
import type { PresenceConfig } from '../src/config/schema.js';
import { PresenceClient, type DiscordClientState } from '../src/discord/client.js';
import type { DiscordActivity } from '../src/presence/activity.js';
import { PresencePublisher } from '../src/presence/publisher.js';
import { UsageMonitor } from '../src/usage/monitor.js';
import type { UsageSnapshot } from '../src/usage/types.js';

export interface ServicesOptions {
  config: PresenceConfig;
  env: NodeJS.ProcessEnv;
  onSnapshot(snapshot: UsageSnapshot): void;
  onDiscordState(state: DiscordClientState): void;
  onError(error: Error): void;
}

/**
 * The core, running inside the app: the usage monitor, the Discord client
 * and the publisher that joins them. A settings change applies live and
 * precisely: a new client id reconnects Discord, a new Codex home restarts
 * the watcher, anything else re-renders the activity.
 */
export class CoreServices {
  private config: PresenceConfig;
  private monitor: UsageMonitor;
  readonly client: PresenceClient;
  private publisher: PresencePublisher;
  private offSnapshot: () => void = () => undefined;
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

  /** What the publisher last handed to Discord (null: nothing, e.g. cleared while idle). */
  get activity(): DiscordActivity | null {
    return this.publisher.activity;
  }

  /**
   * Reconnect now instead of at the next backoff step (the user pressed Retry).
   * The client has no public "retry now", but a new client id always starts a
   * fresh attempt at once: clearing and restoring the id does exactly that.
   */
  retryDiscord(): void {
    const id = this.clientIdFor(this.config);
    if (id === '') return;
    this.client.setClientId('');
    this.client.setClientId(id);
  }

  async start(): Promise<void> {
    await this.startMonitor();
    this.publisher.start();
  }

  setPaused(paused: boolean): void {
    this.publisher.setPaused(paused);
  }

  /** Applies a saved config live. */
  async applyConfig(next: PresenceConfig): Promise<void> {
    const previous = this.config;
    this.config = next;
    const home = this.homeFor(next);
    if (home !== this.codexHome || next.general.stale_minutes !== previous.general.stale_minutes) {
      this.codexHome = home;
      this.offSnapshot();
      await this.monitor.stop();
      this.monitor = this.makeMonitor();
      await this.startMonitor();
      // The publisher reads from the new monitor.
      const paused = this.publisher.isPaused;
      this.publisher = this.makePublisher();
      this.publisher.setPaused(paused);
      this.publisher.start();
    }
    this.client.setClientId(this.clientIdFor(next));
    this.publisher.refresh();
  }

  /** Clears the Discord activity and stops everything, within `timeoutMs`. */
  async stop(timeoutMs = 1500): Promise<void> {
    this.offSnapshot();
    await this.publisher.stop(timeoutMs);
    await this.monitor.stop();
  }

  private async startMonitor(): Promise<void> {
    await this.monitor.start();
    this.offSnapshot = this.monitor.subscribe(this.opts.onSnapshot);
    this.opts.onSnapshot(this.monitor.current());
  }

  private makeMonitor(): UsageMonitor {
    return new UsageMonitor({
      codexHome: this.codexHome,
      sessionStaleMs: this.config.general.stale_minutes * 60_000,
      onError: this.opts.onError,
    });
  }

  private makePublisher(): PresencePublisher {
    return new PresencePublisher({ source: this.monitor, client: this.client, config: () => this.config });
  }

  private homeFor(config: PresenceConfig): string {
    return resolveCodexHome({ explicit: config.general.codex_home || null, env: this.opts.env });
  }

  private clientIdFor(config: PresenceConfig): string {
    return config.discord_enabled ? config.discord_client_id : '';
  }
}
