import type { Credits, RateLimitObservation, RawWindow } from './types.js';
import { bool, isObject, num, str, type JsonObject } from './json.js';

/** The family that feeds the main 5h/weekly display (SCHEMA.md §7.6). */
export const MAIN_LIMIT_ID = 'codex';

/**
 * Normalises one `rate_limits` value across every historical shape
 * (SCHEMA.md §4): flat `primary_used_percent`, nested with `resets_in_seconds`
 * (relative to the line), nested with `resets_at` (epoch seconds), and the
 * 2026 additions (`limit_id`, `credits`, `plan_type`). Returns null when there
 * is nothing usable, so callers keep their previous snapshot.
 */
export function parseRateLimits(raw: unknown, lineAt: number | null): RateLimitObservation | null {
  if (!isObject(raw)) return null;
  const observedAt = lineAt ?? Date.now();
  const flat = 'primary_used_percent' in raw || 'secondary_used_percent' in raw;
  const primary = flat ? flatWindow(raw, 'primary', observedAt) : nestedWindow(raw.primary, observedAt);
  const secondary = flat ? flatWindow(raw, 'secondary', observedAt) : nestedWindow(raw.secondary, observedAt);
  return {
    limitId: str(raw.limit_id) ?? MAIN_LIMIT_ID,
    limitName: str(raw.limit_name),
    primary,
    secondary,
    credits: parseCredits(raw.credits),
    planType: str(raw.plan_type),
    observedAt,
  };
}

function nestedWindow(raw: unknown, lineAt: number): RawWindow | null {
  if (!isObject(raw)) return null;
  const usedPercent = num(raw.used_percent);
  if (usedPercent === null) return null;
  return {
    usedPercent,
    windowMinutes: num(raw.window_minutes),
    resetsAt: resetTime(raw.resets_at, raw.resets_in_seconds, lineAt),
  };
}

function flatWindow(raw: JsonObject, which: 'primary' | 'secondary', lineAt: number): RawWindow | null {
  const usedPercent = num(raw[`${which}_used_percent`]);
  if (usedPercent === null) return null;
  return {
    usedPercent,
    windowMinutes: num(raw[`${which}_window_minutes`]),
    resetsAt: resetTime(null, raw[`${which}_reset_after_seconds`], lineAt),
  };
}

/** `resets_at` is epoch seconds; `resets_in_seconds` counts from the line's timestamp. */
function resetTime(resetsAt: unknown, resetsIn: unknown, lineAt: number): number | null {
  const absolute = num(resetsAt);
  if (absolute !== null) return absolute * 1000;
  const relative = num(resetsIn);
  if (relative !== null) return lineAt + relative * 1000;
  return null;
}

function parseCredits(raw: unknown): Credits | null {
  if (!isObject(raw)) return null;
  const hasCredits = bool(raw.has_credits);
  const unlimited = bool(raw.unlimited);
  if (hasCredits === null && unlimited === null) return null;
  const balance = typeof raw.balance === 'number' ? String(raw.balance) : str(raw.balance);
  return { hasCredits: hasCredits ?? false, unlimited: unlimited ?? false, balance };
}
