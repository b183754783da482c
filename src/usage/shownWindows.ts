import type { UsageLimits, UsageWindow } from '../contract/index.js';

/** A main-limit row as every surface shows it: its label, and the window (null: unknown). */
export interface ShownWindow {
  label: string;
  window: UsageWindow | null;
}

/**
 * Which main-limit rows show (issue 23 §3), on every surface: status, `run`,
 * the popover, the tray and Discord. The windows the account has, each
 * labelled by its duration ("weekly" for a weekly-only account's one window);
 * an absent window is not an unknown one, so it gets no row. Only when the main
 * family has no window at all is there one row, unknown. Another family (a
 * Spark-style `codex_bengalfox`) never fills these rows: it is in `others`.
 * Pure and type-only imports: the renderer shares it.
 */
export function mainWindows(limits: Pick<UsageLimits, 'primary' | 'secondary'>): ShownWindow[] {
  const seen = [limits.primary, limits.secondary].filter((w): w is UsageWindow => w !== null);
  if (seen.length === 0) return [{ label: UNKNOWN_LABEL, window: null }];
  return seen.map((w) => ({ label: w.label, window: w }));
}

/** The unknown row's label: Codex's primary window when it says nothing of its length (SCHEMA.md §8). */
export const UNKNOWN_LABEL = '5h';
