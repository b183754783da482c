import type { Credits } from '../../contract/index.js';
import type { RateLimitObservation, RawWindow } from '../types.js';
import { bool, isObject, type JsonObject } from '../../ranges/json.js';
import type { LineCheck } from '../../ranges/ranges.js';

/** The family that feeds the main 5h/weekly display (SCHEMA.md §7.6). */
export const MAIN_LIMIT_ID = 'codex';

/**
 * Normalises one `rate_limits` value across every historical shape
 * (SCHEMA.md §4): flat `primary_used_percent`, nested with `resets_in_seconds`
 * (relative to the line), nested with `resets_at` (epoch seconds), and the
 * 2026 additions (`limit_id`, `credits`, `plan_type`). Returns null when there
 * is nothing usable, so callers keep their previous snapshot. Every number
 * goes through `check` (ranges.ts). A line without a timestamp counts as
 * observed when it was read.
 */
export function parseRateLimits(raw: unknown, lineAt: number | null, check: LineCheck): RateLimitObservation | null {
  if (!isObject(raw)) return null;
  const observedAt = lineAt ?? check.readAt;
  const flat = 'primary_used_percent' in raw || 'secondary_used_percent' in raw;
  const primary = flat ? flatWindow(raw, 'primary', observedAt, check) : nestedWindow(raw.primary, observedAt, check);
  const secondary = flat
    ? flatWindow(raw, 'secondary', observedAt, check)
    : nestedWindow(raw.secondary, observedAt, check);
  return {
    limitId: check.id(raw.limit_id) ?? MAIN_LIMIT_ID,
    limitName: check.text(raw.limit_name),
    primary,
    secondary,
    credits: parseCredits(raw.credits, check),
    planType: check.text(raw.plan_type),
    observedAt,
  };
}

function nestedWindow(raw: unknown, lineAt: number, check: LineCheck): RawWindow | null {
  if (!isObject(raw)) return null;
  const usedPercent = check.percent(raw.used_percent);
  if (usedPercent === null) return null;
  return {
    usedPercent,
    windowMinutes: check.windowMinutes(raw.window_minutes),
    // `resets_at` is epoch seconds; `resets_in_seconds` counts from the line's timestamp.
    resetsAt: check.reset(raw.resets_at, raw.resets_in_seconds, lineAt),
  };
}

function flatWindow(
  raw: JsonObject,
  which: 'primary' | 'secondary',
  lineAt: number,
  check: LineCheck,
): RawWindow | null {
  const usedPercent = check.percent(raw[`${which}_used_percent`]);
  if (usedPercent === null) return null;
  return {
    usedPercent,
    windowMinutes: check.windowMinutes(raw[`${which}_window_minutes`]),
    resetsAt: check.reset(null, raw[`${which}_reset_after_seconds`], lineAt),
  };
}

/**
 * A credits object: a rollout line's `has_credits` or an account answer's
 * `hasCredits` (`hasKey`), `unlimited`, and a ranged balance.
 */
export function parseCredits(raw: unknown, check: LineCheck, hasKey = 'has_credits'): Credits | null {
  if (!isObject(raw)) return null;
  const hasCredits = bool(raw[hasKey]);
  const unlimited = bool(raw.unlimited);
  if (hasCredits === null && unlimited === null) return null;
  return { hasCredits: hasCredits ?? false, unlimited: unlimited ?? false, balance: check.balance(raw.balance) };
}
