import { isObject } from '../ranges/json.js';
import { MAIN_LIMIT_ID, parseCredits } from '../rollout/decode/rateLimits.js';
import type { LineCheck } from '../ranges/ranges.js';
import type { RateLimitObservation, RawWindow } from '../rollout/types.js';

/**
 * The edge for `codex app-server`'s answers (SCHEMA.md §10): every value of
 * `account/read` and `account/rateLimits/read` goes through the same range
 * rules as a rollout line (ranges.ts `LineCheck`), so an answer can no more
 * bring an impossible number or a megabyte of text than a log line can
 * (issue 21 §3). A value out of range becomes unknown or is cut, and the
 * answer's check is flagged suspicious for the diagnostics.
 */

/** Who is logged in to Codex, from `account/read`. */
export interface AccountInfo {
  /** `chatgpt` has rate limits; `apikey` (and anything else) has none. */
  type: string;
  planType: string | null;
}

/**
 * Real accounts have a handful of families; the store keeps 17 at most.
 * More than this in one answer is not an account: the rest is not read.
 */
export const MAX_ANSWER_FAMILIES = 64;

/**
 * `account/read` → the account, or null when nobody is logged in. Unknown
 * shapes count as "nobody": the caller then says so rather than guessing.
 */
export function parseAccount(result: unknown, check: LineCheck): AccountInfo | null {
  if (!isObject(result)) return result === undefined || result === null ? null : check.flag(null);
  if (!isObject(result.account)) return result.account == null ? null : check.flag(null);
  const type = check.id(result.account.type);
  if (type === null) return check.flag(null);
  return { type, planType: check.text(result.account.planType) };
}

/**
 * `account/rateLimits/read` → one observation per limit family. Prefers
 * `rateLimitsByLimitId` (every family); falls back to the single
 * `rateLimits` snapshot that older servers send. A family is the key it is
 * filed under: keys are unique, so a family that names another's id inside
 * (`codex_other: {limitId: "codex"}`) cannot fill that other family; the
 * disagreement is suspicious. `resetsAt` is epoch seconds.
 */
export function parseAccountRateLimits(result: unknown, observedAt: number, check: LineCheck): RateLimitObservation[] {
  if (!isObject(result)) return result === undefined || result === null ? [] : check.flag([]);
  const byId = result.rateLimitsByLimitId;
  if (byId != null && !isObject(byId)) check.flag(null);
  const families: Array<[string | null, unknown]> = isObject(byId)
    ? Object.entries(byId).slice(0, MAX_ANSWER_FAMILIES)
    : [[null, result.rateLimits]];
  if (isObject(byId) && Object.keys(byId).length > MAX_ANSWER_FAMILIES) {
    check.flag(null);
    // The main family is never the one left out.
    if (isObject(byId[MAIN_LIMIT_ID]) && !families.some(([key]) => key === MAIN_LIMIT_ID))
      families.unshift([MAIN_LIMIT_ID, byId[MAIN_LIMIT_ID]]);
  }
  const out: RateLimitObservation[] = [];
  for (const [key, raw] of families) {
    if (!isObject(raw)) {
      if (raw != null) check.flag(null);
      continue;
    }
    const limitId = familyId(key, raw.limitId, check);
    if (limitId === null) continue;
    out.push({
      limitId,
      limitName: check.text(raw.limitName),
      primary: window(raw.primary, observedAt, check),
      secondary: window(raw.secondary, observedAt, check),
      credits: parseCredits(raw.credits, check, 'hasCredits'),
      planType: check.text(raw.planType),
      observedAt,
    });
  }
  return out;
}

/** The family's id: its key when filed under one, else its own `limitId`, else the main family (older servers). */
function familyId(key: string | null, inner: unknown, check: LineCheck): string | null {
  if (key === null) return check.id(inner) ?? (inner == null ? MAIN_LIMIT_ID : check.flag(null));
  const id = check.id(key);
  if (id === null) return check.flag(null);
  if (inner != null && check.id(inner) !== id) check.flag(null);
  return id;
}

function window(raw: unknown, observedAt: number, check: LineCheck): RawWindow | null {
  if (!isObject(raw)) return raw == null ? null : check.flag(null);
  const usedPercent = check.percent(raw.usedPercent);
  if (usedPercent === null) return null;
  return {
    usedPercent,
    windowMinutes: check.windowMinutes(raw.windowDurationMins),
    resetsAt: check.reset(raw.resetsAt, null, observedAt),
  };
}
