/**
 * At most `limit` sends in any `windowMs` (Discord allows 5 activity updates
 * per 20 s). Pure bookkeeping over an injected clock, so it is tested without
 * waiting.
 */
export class SlidingWindow {
  private readonly sent: number[] = [];

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 20_000,
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
