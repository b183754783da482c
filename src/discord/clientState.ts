import type { Clock } from './clock.js';
import type { DiscordErrorKind } from './errors.js';

/** What `PresenceClient` says about its connection, and what it is built with. */

export type DiscordStateName = 'disabled' | 'connecting' | 'connected' | 'error';
export interface DiscordClientState {
  state: DiscordStateName;
  reason?: string;
  /**
   * What the reason is about, for a short wording (src/format/discordStatus.ts):
   * the error's kind, `no-application` when disabled for want of an id, or
   * `switched-off` (the publisher's wording, when the settings turn presence off).
   */
  kind?: DiscordErrorKind | 'no-application' | 'switched-off';
}

export interface PresenceClientOptions {
  clientId: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Overrides the endpoint list (tests, `doctor`). */
  paths?: readonly string[];
  clock?: Clock;
  random?: () => number;
  minBackoffMs?: number;
  /** Default 60 s; 5 s on Windows, where named pipes cannot be watched for Discord's return. */
  maxBackoffMs?: number;
  /** Watch the socket folders and try at once when a socket appears (default: on, except on Windows). */
  watchSockets?: boolean;
  requestTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** How long Discord may leave our writes unread before the connection is dropped. */
  stallTimeoutMs?: number;
  /** Unix sockets must belong to this uid (default: this process's; null: no check). */
  ownerUid?: number | null;
  pid?: number;
  log?: (message: string) => void;
}

/** Disabled for want of an application id. */
export function disabledState(): DiscordClientState {
  return {
    state: 'disabled',
    reason: 'No Discord application id is set. Add yours in Settings → Discord.',
    kind: 'no-application',
  };
}
