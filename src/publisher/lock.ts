import {
  claimInstance,
  stopInstance,
  waitForRelease,
  type InstanceInfo,
  type StopResult,
} from '../instance/instanceFile.js';
import { moveFor, TAKEOVER } from './policy.js';

/**
 * Where this process is with the publisher lock. `takingOver` and `waiting`
 * pass; the others end the claim:
 * - `held`: this process publishes;
 * - `yielded`: another publishes and this kind never does (the wrapper);
 * - `refused`: another publishes and may not be signalled (`owner`: the tray
 *   app without `--takeover`; `unverified`: it could not be identified);
 * - `stopped`: a stop came while waiting, before this process ever published.
 */
export type LockState =
  | { phase: 'claiming' }
  | { phase: 'takingOver'; owner: InstanceInfo; result: StopResult | null }
  | { phase: 'waiting'; owner: InstanceInfo }
  | { phase: 'held' }
  | { phase: 'yielded'; owner: InstanceInfo }
  | { phase: 'refused'; owner: InstanceInfo; why: 'owner' | 'unverified' }
  | { phase: 'stopped' };

export type FinalLock = Extract<LockState, { phase: 'held' | 'yielded' | 'refused' | 'stopped' }>;

export interface ClaimOptions {
  stateDir: string;
  me: InstanceInfo;
  takeover: boolean;
  /** Settles when the claim should give up waiting (the process is stopping). */
  abort: Promise<unknown>;
  /** Each passing state, as it happens. */
  report(state: LockState): void;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The take-over loop, for every kind (the policy table decides the moves).
 * Each round ends with one lock holder, so when several newcomers race, the
 * last one left publishes. Only a wait for a wrapper is cut short by `abort`:
 * a process that is taking over goes on until it holds the lock, so it can
 * release it cleanly (what `run`'s stop line promises).
 */
export async function claimPublisher(opts: ClaimOptions): Promise<FinalLock> {
  let refusals = 0;
  for (;;) {
    const claim = await claimInstance(opts.stateDir, opts.me);
    if (claim.ok) return { phase: 'held' };
    const owner = claim.owner;
    const move = moveFor(opts.me.kind, owner.kind, opts.takeover);
    if (move === 'yield') return { phase: 'yielded', owner };
    if (move === 'refuse') return { phase: 'refused', owner, why: 'owner' };
    if (move === 'wait') {
      opts.report({ phase: 'waiting', owner });
      if ((await waitForRelease(opts.stateDir, owner, opts.abort)) === 'aborted') return { phase: 'stopped' };
      continue;
    }
    opts.report({ phase: 'takingOver', owner, result: null });
    const result = await stopInstance(owner, TAKEOVER.graceMs);
    opts.report({ phase: 'takingOver', owner, result });
    if (result !== 'refused') continue;
    if ((refusals += 1) >= TAKEOVER.unverifiedRetries) return { phase: 'refused', owner, why: 'unverified' };
    await pause(TAKEOVER.retryPauseMs);
  }
}
