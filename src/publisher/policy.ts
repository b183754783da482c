import type { Settings } from '../contract/index.js';
import { resolveApplication } from '../discord/application.js';
import type { InstanceKind } from '../instance/instanceFile.js';

/**
 * What a newcomer does about the process that holds the publisher lock
 * (docs/architecture.md, "One publisher"):
 * - `signal`: ask it to stop (SIGTERM, SIGKILL after the grace period), then claim;
 * - `wait`: publish nothing until it releases the lock, then claim;
 * - `refuse`: give up and say who publishes (`run` exits 1);
 * - `yield`: never publish (the `codex` wrapper only wraps codex).
 */
export type Move = 'signal' | 'wait' | 'refuse' | 'yield';

export interface KindPolicy {
  /** The move against an owner of each kind. */
  owners: Record<InstanceKind, Move>;
  /** Reads the Codex home before the lock is held (the tray shows limits while a wrapper publishes). */
  watchBeforeLock: boolean;
  /** Records usage history while publishing (issue 15: the app and `run`, never the wrapper). */
  history: boolean;
  /** Asks `codex app-server` for the account's limits when the config allows (not the wrapper: codex runs beside it). */
  account: boolean;
}

/**
 * Who may signal whom, by kind. A `codex` wrapper is never signalled: that
 * would end the user's codex, so the others wait for it. `run` leaves the tray
 * app alone unless `--takeover` (see `moveFor`).
 */
export const KIND_POLICY: Record<InstanceKind, KindPolicy> = {
  gui: {
    owners: { gui: 'signal', headless: 'signal', wrapper: 'wait' },
    watchBeforeLock: true,
    history: true,
    account: true,
  },
  headless: {
    owners: { gui: 'refuse', headless: 'signal', wrapper: 'wait' },
    watchBeforeLock: false,
    history: true,
    account: true,
  },
  wrapper: {
    owners: { gui: 'yield', headless: 'yield', wrapper: 'yield' },
    watchBeforeLock: false,
    history: false,
    account: false,
  },
};

/** `--takeover` turns a refusal into a take-over; it never makes anyone signal a wrapper. */
export function moveFor(me: InstanceKind, owner: InstanceKind, takeover: boolean): Move {
  const move = KIND_POLICY[me].owners[owner];
  return move === 'refuse' && takeover ? 'signal' : move;
}

export const TAKEOVER = {
  /** How long a signalled owner has to clear Discord and exit before it is forced. */
  graceMs: 3000,
  /** How often an owner that cannot be identified is looked at again before giving up. */
  unverifiedRetries: 20,
  /** The pause between those looks: a process that is exiting cannot be read for a moment. */
  retryPauseMs: 100,
} as const;

/**
 * The Discord application id the client uses: the user's, else the built-in one
 * (src/discord/application.ts); none (disabled) when presence is switched off.
 */
export function discordClientId(config: Settings): string {
  return config.discordEnabled ? (resolveApplication(config.discordClientId).id ?? '') : '';
}
