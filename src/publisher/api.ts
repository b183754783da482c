import type { HistoryQuery, HistoryView } from '../contract/index.js';
import type { Settings } from '../contract/index.js';
import type { DiscordClientState } from '../discord/client.js';
import type { CostConfig } from '../cost/pricing.js';
import type { InstanceKind } from '../instance/instanceFile.js';
import type { FinalLock, LockState } from './lock.js';
import type { PublisherState, StateListener } from './state.js';

export interface PublisherOptions {
  kind: InstanceKind;
  /** Our version: in the instance file, and sent to Codex as clientInfo. */
  version: string;
  env: NodeJS.ProcessEnv;
  config: Settings;
  codexHome: string;
  /** Where the publisher lock lives (src/instance/stateDir.ts). */
  stateDir: string;
  /** Where usage history lives (src/history/location.ts); null: none. */
  dataDir: string | null;
  /** `run --takeover`: the tray app may be signalled too. */
  takeover?: boolean;
  /** The Discord state as this surface words it, in the state and in the instance file (`status` shows it). */
  describeDiscord?: (state: DiscordClientState, config: Settings) => DiscordClientState;
  /**
   * Messages from the parts: `watch` the errors the monitor recovered from (and a
   * state listener that threw), `discord` the client's log, `history` its notes.
   */
  log?: { watch?(message: string): void; discord?(message: string): void; history?(message: string): void };
  /** The clock of usage history (tests fix it); the monitor and the presence run on the real one. */
  now?: () => number;
  /** The config file's `pricing` and `openai_plan` (src/cost), read with it; absent: catalog prices only. */
  cost?: CostConfig;
}

/** What the app, `run` and the `codex` wrapper hold: the state to render and the few things a user can do. */
export interface Publisher {
  readonly state: PublisherState;
  subscribe(listener: StateListener): () => void;
  /** The first snapshot is out (or the publisher stopped before one). */
  readonly watching: Promise<void>;
  /** The first decision: publishing (everything started), or waiting for a wrapper, or not publishing at all. */
  readonly claimed: Promise<LockState>;
  /** The last decision: publishing, or not publishing at all. Rejects (after stopping) when starting failed. */
  readonly settled: Promise<FinalLock>;
  setPaused(paused: boolean): void;
  /** A saved config, applied live: a new home or staleness restarts the watcher, a new id reconnects Discord. */
  applyConfig(config: Settings, codexHome: string): Promise<void>;
  /** Reconnect now instead of at the next backoff step (the user pressed Retry). */
  retryDiscord(): void;
  /** Asks for the account's limits, at most once a minute (the popover opened; issue 12 §3). */
  refreshAccountLimits(): void;
  /** What `history --json` prints: from memory while recording, else read from the publisher's file. */
  getHistory(query: HistoryQuery): Promise<HistoryView>;
  /** "Clear history": only the process that records may. */
  clearHistory(): Promise<void>;
  /** Clears the Discord activity, stops everything and releases the lock, the clear within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}
