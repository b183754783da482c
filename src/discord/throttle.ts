/** Discord accepts 5 activity updates per 20 s. */
export const ACTIVITY_LIMIT = 5;
/**
 * The window we keep, with a 500 ms margin: sends are timed here, Discord
 * counts arrivals, and a reply delayed by a busy Discord pushes one arrival
 * later than the next. Without the margin six updates reached the peer within
 * 19,993–19,999 ms in 18 of 148 windows (issue 11 §5).
 */
export const ACTIVITY_WINDOW_MS = 20_500;

/**
 * At most `limit` sends in any `windowMs`. Pure bookkeeping over an injected
 * clock, so it is tested without waiting.
 */
export class SlidingWindow {
  private readonly sent: number[] = [];

  constructor(
    private readonly limit = ACTIVITY_LIMIT,
    private readonly windowMs = ACTIVITY_WINDOW_MS,
  ) {}

  /** The earliest time a send is allowed (now, or when the oldest send leaves the window). */
  nextAllowedAt(now: number): number {
    this.prune(now);
    if (this.sent.length < this.limit) return now;
    return (this.sent[0] ?? now) + this.windowMs;
  }

  record(now: number): void {
    this.prune(now);
    this.sent.push(now);
  }

  private prune(now: number): void {
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - this.windowMs) this.sent.shift();
  }
}
