import { performance } from 'node:perf_hooks';

/** Time as the client sees it: injected, so the rate limit and the backoff are tested without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_CLOCK: Clock = {
  // Monotonic: a wall-clock step (NTP, sleep) must not open or shut the rate-limit window.
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Resolves when `p` (which must not reject) settles or after `ms` on `clock`, whichever is first. */
export function raceTimeout(p: Promise<unknown>, ms: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const t = clock.setTimeout(resolve, ms);
    void p.then(() => {
      clock.clearTimeout(t);
      resolve();
    });
  });
}
