/** The backoff's cap on Windows: named pipes cannot be watched, so this bounds how late Discord's return is seen. */
export const WINDOWS_MAX_BACKOFF_MS = 5000;

/**
 * The waits between connection attempts: doubling from `minMs` up to
 * `maxMs`, started over after a connection or when a socket appears.
 */
export class Backoff {
  private step = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number,
  ) {}

  reset(): void {
    this.step = 0;
  }

  /** The wait before the next attempt; each call is one step further. */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** this.step);
    this.step += 1;
    // Full jitter in the upper half: spread retries without ever waiting less than half the step.
    return Math.round(base / 2 + (this.random() * base) / 2);
  }
}
