import { MAIN_LIMIT_ID } from '../rollout/decode/rateLimits.js';
import type { Credits, LimitFamily, LimitSource, UsageLimits, UsageWindow } from '../contract/index.js';
import type { RateLimitObservation, RawWindow } from '../rollout/types.js';
import { SAME_WINDOW_MS, toUsageWindow, type WindowSample } from './windows.js';

const HISTORY_LIMIT = 256;
/**
 * At most this many non-main families are kept, the freshest. Real accounts
 * have a handful; a hostile file naming 50,000 cost 203 MB (issue #10).
 */
export const MAX_OTHER_FAMILIES = 16;

/**
 * Rate limits belong to the account, so they are gathered across every
 * session file: the freshest main-family observation wins, wherever it was
 * written. Other families (per-model buckets) are kept apart and never
 * overwrite the main windows (SCHEMA.md §7.6).
 */
export class LimitStore {
  /** Freshest main observation that has at least one window. */
  private main: RateLimitObservation | null = null;
  /** Freshest main observation of any kind (an API-key session writes null windows). */
  private mainAny: RateLimitObservation | null = null;
  private readonly others = new Map<string, RateLimitObservation>();
  private credits: { value: Credits; at: number } | null = null;
  private planType: { value: string; at: number } | null = null;
  private readonly primaryHistory: WindowSample[] = [];
  /** Families evicted or refused by the MAX_OTHER_FAMILIES bound (diagnostics.familiesDropped). */
  private dropped = 0;
  private readonly secondaryHistory: WindowSample[] = [];
  private readonly sources = new WeakMap<RateLimitObservation, LimitSource>();
  /** Per family, the highest use seen in each position's current window instance. */
  private readonly peaks = new Map<string, Peaks>();

  /**
   * Adds an observation; returns true when it changed what is stored. Log
   * lines and account reads compete on freshness alone (issue 12 §3).
   */
  add(obs: RateLimitObservation, source: LimitSource = 'log'): boolean {
    this.sources.set(obs, source);
    // Credits belong to the account, whichever family's snapshot carried them (issue 12 §2).
    let changed = false;
    if (obs.credits !== null && (this.credits === null || obs.observedAt >= this.credits.at)) {
      this.credits = { value: obs.credits, at: obs.observedAt };
      changed = true;
    }
    if (obs.limitId !== MAIN_LIMIT_ID) return this.addOther(obs) || changed;
    if (this.notePeaks(obs)) changed = true;
    if (obs.planType !== null && (this.planType === null || obs.observedAt >= this.planType.at)) {
      this.planType = { value: obs.planType, at: obs.observedAt };
      changed = true;
    }
    if (this.mainAny === null || obs.observedAt >= this.mainAny.observedAt) {
      this.mainAny = obs;
      changed = true;
    }
    if (obs.primary === null && obs.secondary === null) return changed;
    remember(this.primaryHistory, obs.primary, obs.observedAt);
    remember(this.secondaryHistory, obs.secondary, obs.observedAt);
    if (this.main === null || obs.observedAt >= this.main.observedAt) {
      this.main = obs;
      changed = true;
    }
    return changed;
  }

  private addOther(obs: RateLimitObservation): boolean {
    const known = this.others.get(obs.limitId);
    if (known === undefined && this.others.size >= MAX_OTHER_FAMILIES) {
      const stalest = this.stalestOther();
      this.dropped += 1;
      if (stalest === null || stalest.observedAt >= obs.observedAt) return false;
      this.others.delete(stalest.limitId);
      this.peaks.delete(stalest.limitId);
    }
    const peaked = this.notePeaks(obs);
    if (known !== undefined && known.observedAt >= obs.observedAt) return peaked;
    this.others.set(obs.limitId, obs);
    return true;
  }

  /**
   * Parent and sub-agent threads write their snapshots interleaved, so the
   * newest line by timestamp can carry an older reading of the same window
   * (SCHEMA.md §11). Use only grows within one window instance (same family,
   * length and reset), so the highest reading of that instance is the truest.
   * Returns true when a peak rose.
   */
  private notePeaks(obs: RateLimitObservation): boolean {
    let peaks = this.peaks.get(obs.limitId);
    if (peaks === undefined) {
      peaks = { primary: null, secondary: null };
      this.peaks.set(obs.limitId, peaks);
    }
    let rose = false;
    for (const position of ['primary', 'secondary'] as const) {
      const w = obs[position];
      if (w === null || w.resetsAt === null) continue;
      const peak = peaks[position];
      if (peak === null || w.resetsAt > peak.resetsAt + SAME_WINDOW_MS) {
        peaks[position] = { resetsAt: w.resetsAt, windowMinutes: w.windowMinutes, usedPercent: w.usedPercent };
      } else if (sameInstance(peak, w) && w.usedPercent > peak.usedPercent) {
        peak.usedPercent = w.usedPercent;
        rose = true;
      }
    }
    return rose;
  }

  /**
   * Takes in what `other` holds, as if its observations were added here now:
   * the fold of one file kept apart until the whole file was read (a
   * compressed rollout counts whole or not at all), with memory bounded like
   * any store's.
   */
  absorb(other: LimitStore): void {
    const keep = (obs: RateLimitObservation | null): void => {
      if (obs !== null) this.sources.set(obs, other.sources.get(obs) ?? 'log');
    };
    if (other.credits !== null && (this.credits === null || other.credits.at >= this.credits.at))
      this.credits = other.credits;
    if (other.planType !== null && (this.planType === null || other.planType.at >= this.planType.at))
      this.planType = other.planType;
    if (other.mainAny !== null && (this.mainAny === null || other.mainAny.observedAt >= this.mainAny.observedAt)) {
      keep(other.mainAny);
      this.mainAny = other.mainAny;
    }
    if (other.main !== null && (this.main === null || other.main.observedAt >= this.main.observedAt)) {
      keep(other.main);
      this.main = other.main;
    }
    merge(this.primaryHistory, other.primaryHistory);
    merge(this.secondaryHistory, other.secondaryHistory);
    for (const obs of other.others.values()) {
      keep(obs);
      this.addOther(obs);
    }
    for (const [limitId, theirs] of other.peaks) {
      const ours = this.peaks.get(limitId) ?? { primary: null, secondary: null };
      this.peaks.set(limitId, ours);
      for (const position of ['primary', 'secondary'] as const) {
        const peak = theirs[position];
        const mine = ours[position];
        if (peak === null) continue;
        if (mine === null || peak.resetsAt > mine.resetsAt + SAME_WINDOW_MS) ours[position] = { ...peak };
        else if (sameInstance(mine, peak) && peak.usedPercent > mine.usedPercent) mine.usedPercent = peak.usedPercent;
      }
    }
    this.dropped += other.dropped;
  }

  get familiesDropped(): number {
    return this.dropped;
  }

  private stalestOther(): RateLimitObservation | null {
    let stalest: RateLimitObservation | null = null;
    for (const o of this.others.values()) if (stalest === null || o.observedAt < stalest.observedAt) stalest = o;
    return stalest;
  }

  /** When the freshest main observation with windows was made, or null. */
  get freshestMainAt(): number | null {
    return this.main?.observedAt ?? null;
  }

  hasMainWindows(): boolean {
    return this.main !== null;
  }

  limits(now: number, accountError: string | null = null): UsageLimits {
    const main = this.main ?? this.mainAny;
    const win = (
      obs: RateLimitObservation,
      position: 'primary' | 'secondary',
      history: readonly WindowSample[],
    ): UsageWindow | null => {
      const seen = obs[position];
      if (seen === null) return null;
      const peak = this.peaks.get(obs.limitId)?.[position] ?? null;
      const raw =
        peak !== null && sameInstance(peak, seen) && peak.usedPercent > seen.usedPercent
          ? { ...seen, usedPercent: peak.usedPercent }
          : seen;
      return { ...toUsageWindow(raw, position, obs.observedAt, now, history), source: this.sources.get(obs) ?? 'log' };
    };
    const others: LimitFamily[] = [...this.others.values()]
      .sort((a, b) => a.limitId.localeCompare(b.limitId))
      .map((o) => ({
        limitId: o.limitId,
        limitName: o.limitName,
        primary: win(o, 'primary', []),
        secondary: win(o, 'secondary', []),
      }));
    return {
      primary: main == null ? null : win(main, 'primary', this.primaryHistory),
      secondary: main == null ? null : win(main, 'secondary', this.secondaryHistory),
      others,
      credits: this.credits?.value ?? null,
      planType: this.planType?.value ?? null,
      accountError,
    };
  }
}

function remember(history: WindowSample[], window: RateLimitObservation['primary'], observedAt: number): void {
  if (window === null) return;
  history.push({ observedAt, usedPercent: window.usedPercent, resetsAt: window.resetsAt });
  if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
}

/** `history` with `more` added, in time order, the newest HISTORY_LIMIT kept. */
function merge(history: WindowSample[], more: readonly WindowSample[]): void {
  if (more.length === 0) return;
  history.push(...more);
  history.sort((a, b) => a.observedAt - b.observedAt);
  if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
}

interface Peak {
  resetsAt: number;
  windowMinutes: number | null;
  usedPercent: number;
}

interface Peaks {
  primary: Peak | null;
  secondary: Peak | null;
}

/** The same window instance: the same length (when both say) and the same reset, give or take the jitter of relative resets. */
function sameInstance(peak: Peak, w: RawWindow): boolean {
  if (w.resetsAt === null || Math.abs(w.resetsAt - peak.resetsAt) > SAME_WINDOW_MS) return false;
  return peak.windowMinutes === null || w.windowMinutes === null || peak.windowMinutes === w.windowMinutes;
}
