import type { Clock } from '../../src/discord/clock.js';

interface Timer {
  at: number;
  fn: () => void;
  id: number;
}

/**
 * A clock the test moves by hand: `now()` changes only in `advance`, and a
 * timer runs when the clock reaches its due time, in due order, with `now()`
 * equal to that time. Real I/O still happens between timers: `advance` waits
 * for `settle()` after each one.
 */
export class ManualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private timers: Timer[] = [];
  private waiters: Array<() => void> = [];

  constructor(private readonly settle: () => Promise<void> = () => new Promise((r) => setImmediate(r))) {}

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + Math.max(0, ms), fn, id });
    for (const w of this.waiters.splice(0)) w();
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.length;
  }

  /** Resolves once some timer is pending (the client is waiting on the clock). */
  untilTimerPending(): Promise<void> {
    if (this.timers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Moves the clock `ms` forward, running every timer due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
      await this.settle();
    }
    this.time = end;
  }
}
