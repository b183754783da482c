import { bool, isObject, num, str } from './json.js';
import { MAIN_LIMIT_ID } from '../rollout/decode/rateLimits.js';
import type { Credits, RateLimitObservation, RawWindow } from '../rollout/types.js';

/** Who is logged in to Codex, from `account/read` (SCHEMA.md §10). */
export interface AccountInfo {
  /** `chatgpt` has rate limits; `apikey` (and anything else) has none. */
  type: string;
  planType: string | null;
}

/**
 * `account/read` → the account, or null when nobody is logged in. Unknown
 * shapes count as "nobody": the caller then says so rather than guessing.
 */
export function parseAccount(result: unknown): AccountInfo | null {
  if (!isObject(result) || !isObject(result.account)) return null;
  const type = str(result.account.type);
  if (type === null) return null;
  return { type, planType: str(result.account.planType) };
}

/**
 * `account/rateLimits/read` → one observation per limit family. Prefers
 * `rateLimitsByLimitId` (every family); falls back to the single
 * `rateLimits` snapshot that older servers send. `resetsAt` is epoch seconds.
 */
export function parseAccountRateLimits(result: unknown, observedAt: number): RateLimitObservation[] {
  if (!isObject(result)) return [];
  const families: Array<[string | null, unknown]> = isObject(result.rateLimitsByLimitId)
    ? Object.entries(result.rateLimitsByLimitId)
    : [[null, result.rateLimits]];
  const out: RateLimitObservation[] = [];
  for (const [key, raw] of families) {
    if (!isObject(raw)) continue;
    out.push({
      limitId: str(raw.limitId) ?? key ?? MAIN_LIMIT_ID,
      limitName: str(raw.limitName),
      primary: window(raw.primary),
      secondary: window(raw.secondary),
      credits: credits(raw.credits),
      planType: str(raw.planType),
      observedAt,
    });
  }
  return out;
}

function window(raw: unknown): RawWindow | null {
  if (!isObject(raw)) return null;
  const usedPercent = num(raw.usedPercent);
  if (usedPercent === null) return null;
  const resetsAt = num(raw.resetsAt);
  return {
    usedPercent,
    windowMinutes: num(raw.windowDurationMins),
    resetsAt: resetsAt === null ? null : resetsAt * 1000,
  };
}

function credits(raw: unknown): Credits | null {
  if (!isObject(raw)) return null;
  const hasCredits = bool(raw.hasCredits);
  const unlimited = bool(raw.unlimited);
  if (hasCredits === null && unlimited === null) return null;
  const balance = typeof raw.balance === 'number' ? String(raw.balance) : str(raw.balance);
  return { hasCredits: hasCredits ?? false, unlimited: unlimited ?? false, balance };
}
