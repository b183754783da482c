import type { RawWindow } from '../rollout/types.js';
import type { EpochMs, Pace, UsageLimits, UsageWindow } from '../contract/index.js';
import { wireTime, wireTimeOrNull } from './wire.js';

/** Codex's /status marks limits older than this as stale (RATE_LIMIT_STALE_THRESHOLD_MINUTES). */
export const LIMIT_STALE_MS = 15 * 60 * 1000;

const NAMED_WINDOWS: ReadonlyArray<readonly [number, string]> = [
  [300, '5h'],
  [1440, 'daily'],
  [10080, 'weekly'],
  [43200, 'monthly'],
  [525600, 'annual'],
];

/**
 * Codex's own label rule (SCHEMA.md §8): within ±5 % of a known length gives
 * its name, anything else `usage` / `secondary usage`. A missing length
 * defaults by position, as Codex does.
 */
export function windowLabel(windowMinutes: number | null, position: 'primary' | 'secondary'): string {
  if (windowMinutes === null || windowMinutes <= 0) return position === 'primary' ? '5h' : 'weekly';
  for (const [minutes, name] of NAMED_WINDOWS) {
    if (Math.abs(windowMinutes - minutes) <= minutes * 0.05) return name;
  }
  return position === 'primary' ? 'usage' : 'secondary usage';
}

export function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

/** One observation of a window, kept to compute pace. */
export interface WindowSample {
  observedAt: number;
  usedPercent: number;
  resetsAt: number | null;
}

/** How far back the burn rate looks. */
const BURN_LOOKBACK_MS = 60 * 60 * 1000;
/** A burn rate measured over less than this is noise (used_percent moves in coarse steps). */
const MIN_BURN_SPAN_MS = 5 * 60 * 1000;
/** Two observations belong to the same window when their resets agree this closely. */
export const SAME_WINDOW_MS = 2 * 60 * 1000;

/**
 * Turns a raw window into what the user sees. A window whose reset has passed
 * has rolled over: it shows 100 % left and says so, never the old number.
 */
export function toUsageWindow(
  raw: RawWindow,
  position: 'primary' | 'secondary',
  observedAt: number,
  now: number,
  history: readonly WindowSample[],
): Omit<UsageWindow, 'source'> {
  const rolledOver = raw.resetsAt !== null && raw.resetsAt <= now;
  const usedPercent = rolledOver ? 0 : clampPercent(raw.usedPercent);
  return {
    label: windowLabel(raw.windowMinutes, position),
    usedPercent: round1(usedPercent),
    remainingPercent: round1(100 - usedPercent),
    windowMinutes: raw.windowMinutes,
    resetsAt: wireTimeOrNull(raw.resetsAt),
    observedAt: wireTime(observedAt),
    stale: now - observedAt > LIMIT_STALE_MS,
    rolledOver,
    pace: rolledOver ? null : computePace(raw, now, history),
  };
}

/**
 * Pace against an even burn, and the run-out time at the recent burn rate.
 * Needs the window's length and reset, and at least two observations inside
 * the current window; otherwise null rather than a guess. The run-out time
 * also needs the observations to span a few minutes.
 */
export function computePace(raw: RawWindow, now: number, history: readonly WindowSample[]): Pace | null {
  const { resetsAt, windowMinutes } = raw;
  if (resetsAt === null || windowMinutes === null || windowMinutes <= 0) return null;
  const windowMs = windowMinutes * 60_000;
  const start = resetsAt - windowMs;
  const samples = history
    .filter((h) => h.resetsAt !== null && Math.abs(h.resetsAt - resetsAt) <= SAME_WINDOW_MS && h.observedAt >= start)
    .sort((a, b) => a.observedAt - b.observedAt);
  const latest = samples[samples.length - 1];
  if (latest === undefined || samples.length < 2) return null;
  const expected = clampPercent(((now - start) / windowMs) * 100);
  const recent = samples.filter((h) => h.observedAt >= latest.observedAt - BURN_LOOKBACK_MS);
  const first = (recent.length >= 2 ? recent[0] : samples[0]) ?? latest;
  const span = latest.observedAt - first.observedAt;
  const rate = span >= MIN_BURN_SPAN_MS ? (latest.usedPercent - first.usedPercent) / span : 0;
  let runsOutAt: EpochMs | null = null;
  if (rate > 0) {
    const at = latest.observedAt + (100 - clampPercent(latest.usedPercent)) / rate;
    if (at < resetsAt) runsOutAt = wireTimeOrNull(at);
  }
  return {
    expectedUsedPercent: round1(expected),
    reservePercent: round1(expected - clampPercent(raw.usedPercent)),
    runsOutAt,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * The next moment a snapshot changes with no new writes: a session ends
 * (`sessionEnds`), a limit window resets, or limits turn stale. Null when
 * nothing is pending.
 */
export function nextDeadline(sessionEnds: readonly number[], limits: UsageLimits, now: number): number | null {
  const candidates = [...sessionEnds];
  const windows = [limits.primary, limits.secondary, ...limits.others.flatMap((o) => [o.primary, o.secondary])];
  for (const w of windows) {
    if (w === null) continue;
    if (w.resetsAt !== null && !w.rolledOver) candidates.push(w.resetsAt + 1);
    if (!w.stale) candidates.push(w.observedAt + LIMIT_STALE_MS + 1);
  }
  const future = candidates.filter((c) => c > now);
  return future.length === 0 ? null : Math.min(...future);
}
