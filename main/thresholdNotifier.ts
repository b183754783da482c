import { wholePercent } from '../src/format/numbers.js';
import type { UsageSnapshot, UsageWindow } from '../src/contract/index.js';

export interface Notice {
  title: string;
  body: string;
}

/**
 * Decides which notifications to show: once when a main window's remaining
 * share first falls below each threshold, and (optionally) once when a
 * window resets. Remembers per window and reset time, so a later snapshot at
 * the same level never repeats a notice and a new window starts afresh.
 */
export class ThresholdNotifier {
  private readonly fired = new Map<string, Set<number>>();
  private readonly resetsSeen = new Set<string>();

  constructor(
    private thresholds: number[],
    private onReset: boolean,
  ) {}

  configure(thresholds: number[], onReset: boolean): void {
    this.thresholds = [...thresholds];
    this.onReset = onReset;
  }

  check(snapshot: UsageSnapshot): Notice[] {
    const notices: Notice[] = [];
    for (const w of [snapshot.limits.primary, snapshot.limits.secondary]) {
      if (w !== null) notices.push(...this.checkWindow(w));
    }
    return notices;
  }

  private checkWindow(w: UsageWindow): Notice[] {
    const name = w.label === '5h' ? '5-hour' : w.label;
    const key = `${w.label}|${w.resetsAt ?? 'none'}`;
    if (w.rolledOver) {
      if (this.onReset && !this.resetsSeen.has(key)) {
        this.resetsSeen.add(key);
        return [{ title: `Codex ${name} limit reset`, body: `Your ${name} window has reset: 100% left.` }];
      }
      this.resetsSeen.add(key);
      return [];
    }
    const fired = this.fired.get(key) ?? new Set<number>();
    this.fired.set(key, fired);
    const crossed = this.thresholds.filter((t) => w.remainingPercent < t && !fired.has(t));
    if (crossed.length === 0) return [];
    // One notice for the lowest threshold crossed; all crossed ones count as fired.
    for (const t of crossed) fired.add(t);
    const lowest = Math.min(...crossed);
    return [
      {
        title: `Codex ${name} limit below ${lowest}%`,
        body: `${wholePercent(w.remainingPercent)}% of your ${name} window is left.`,
      },
    ];
  }
}
