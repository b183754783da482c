import { levelFor, windowLine } from '../src/format/presentation.js';
import type { UsageSnapshot, UsageWindow } from '../src/contract/index.js';
import { mainWindows } from '../src/usage/shownWindows.js';

export type TrayIconState = 'normal' | 'warning' | 'critical' | 'stale';

const seenWindows = (s: UsageSnapshot): UsageWindow[] =>
  [s.limits.primary, s.limits.secondary].filter((w): w is UsageWindow => w !== null);

/**
 * The icon follows the lowest of the two main windows, with the same
 * thresholds as every other surface (warning below 20 % left, critical below
 * 5 %); dimmed when there is no limit data or all of it is stale.
 */
export function trayIconState(snapshot: UsageSnapshot): TrayIconState {
  const windows = seenWindows(snapshot);
  if (!snapshot.codexHome.found || windows.length === 0 || windows.every((w) => w.stale && !w.rolledOver))
    return 'stale';
  const lowest = Math.min(...windows.map((w) => w.remainingPercent));
  return levelFor(lowest);
}

/** macOS menu-bar title, in the shared vocabulary: `5h 72% left · resets 14:05`. */
export function trayTitle(snapshot: UsageSnapshot, now: number): string {
  const p = snapshot.limits.primary;
  return p === null ? '' : windowLine(p, now);
}

/**
 * The tooltip: the product name, then one line per main window the account has, in the
 * same words as the title and the popover (`5h 72% left · resets 14:05`).
 */
export function trayTooltip(snapshot: UsageSnapshot, now: number): string {
  if (!snapshot.codexHome.found) return 'Codex Discord Presence\nCodex not found';
  const line = (w: UsageWindow | null, label: string): string => {
    if (w === null) return `${label} unknown`;
    return `${windowLine(w, now)}${w.stale && !w.rolledOver ? ' (not updated recently)' : ''}`;
  };
  // The windows the account has (a weekly-only account: one line), never a phantom one.
  return ['Codex Discord Presence', ...mainWindows(snapshot.limits).map((r) => line(r.window, r.label))].join('\n');
}

/**
 * The image file for a state. macOS uses template images (the system tints
 * them); Windows an .ico; Linux a PNG in a light or a dark variant, picked by
 * the desktop theme, because a single colour vanishes on one of the two
 * panel kinds (Codex's own icon was reported invisible on dark Linux panels).
 */
export function trayIconFile(platform: NodeJS.Platform, state: TrayIconState, darkPanel: boolean): string {
  if (platform === 'darwin') return `tray-${state}Template.png`;
  if (platform === 'win32') return `tray-${state}.ico`;
  return `tray-${state}-${darkPanel ? 'dark' : 'light'}.png`;
}
