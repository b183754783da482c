import { clockTime, durationShort, wholePercent } from '../src/format/numbers.js';
import type { UsageSnapshot, UsageWindow } from '../src/contract/index.js';

export type TrayIconState = 'normal' | 'warning' | 'critical' | 'stale';

export const WARNING_BELOW = 20;
export const CRITICAL_BELOW = 5;

const mainWindows = (s: UsageSnapshot): UsageWindow[] =>
  [s.limits.primary, s.limits.secondary].filter((w): w is UsageWindow => w !== null);

/**
 * The icon reflects the worse of the two main windows: warning below 20 %
 * left, critical below 5 %; dimmed when there is no limit data or it is stale.
 */
export function trayIconState(snapshot: UsageSnapshot): TrayIconState {
  const windows = mainWindows(snapshot);
  if (!snapshot.codexHome.found || windows.length === 0 || windows.every((w) => w.stale && !w.rolledOver))
    return 'stale';
  const lowest = Math.min(...windows.map((w) => w.remainingPercent));
  if (lowest < CRITICAL_BELOW) return 'critical';
  if (lowest < WARNING_BELOW) return 'warning';
  return 'normal';
}

/** macOS menu-bar title: the primary window's remaining share, e.g. `72%`. */
export function trayTitle(snapshot: UsageSnapshot): string {
  const p = snapshot.limits.primary;
  return p === null ? '' : `${wholePercent(p.remainingPercent)}%`;
}

/** Both windows with their reset times, e.g. `5h: 72% left, resets in 2h 13m (14:05)`. */
export function trayTooltip(snapshot: UsageSnapshot, now: Date): string {
  if (!snapshot.codexHome.found) return 'Codex Discord Presence — Codex not found';
  const line = (w: UsageWindow | null, fallback: string): string => {
    if (w === null) return `${fallback}: unknown`;
    const left = `${wholePercent(w.remainingPercent)}% left`;
    if (w.resetsAt === null) return `${w.label}: ${left}`;
    const at = new Date(w.resetsAt);
    if (w.rolledOver) return `${w.label}: reset at ${clockTime(at, now)}`;
    return `${w.label}: ${left}, resets in ${durationShort(at.getTime() - now.getTime())} (${clockTime(at, now)})${w.stale ? ' (stale)' : ''}`;
  };
  return [
    'Codex Discord Presence',
    line(snapshot.limits.primary, '5h'),
    line(snapshot.limits.secondary, 'weekly'),
  ].join('\n');
}
