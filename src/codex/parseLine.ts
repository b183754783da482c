import type { RolloutEvent } from './types.js';
import { isObject, isoToMs, num, str, type JsonObject } from './json.js';
import { parseRateLimits } from './rateLimits.js';
import { parseTokenUsage } from './tokenUsage.js';

export type ParseResult = RolloutEvent | 'ignored' | 'malformed';

/**
 * Parses one complete line that the head classifier asked for. Unknown or
 * irrelevant shapes are `ignored`; only text that is not JSON at all is
 * `malformed`. Never throws.
 */
export function parseLine(text: string, isFirstLine: boolean): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (!isObject(value)) return 'malformed';
  if ('record_type' in value) return 'ignored';
  const at = isoToMs(value.timestamp);
  const payload = value.payload;
  if (typeof value.type !== 'string' || !isObject(payload)) {
    // Pre-September-2025 files start with a bare `{id, timestamp, instructions}`.
    if (isFirstLine && typeof value.id === 'string') return { kind: 'legacy', id: value.id, at };
    return 'ignored';
  }
  switch (value.type) {
    case 'session_meta':
      return sessionMeta(payload, at);
    case 'turn_context':
      return turnContext(payload, at);
    case 'token_usage_record':
      return {
        kind: 'turnUsage',
        at,
        turnId: str(payload.turn_id),
        turnTotal: parseTokenUsage(payload.turn_token_usage),
      };
    case 'event_msg':
      return eventMsg(payload, at);
    default:
      return 'ignored';
  }
}

function sessionMeta(p: JsonObject, at: number | null): RolloutEvent {
  // Some builds nest the meta under `meta` next to `git`.
  const meta = isObject(p.meta) ? p.meta : p;
  const contextWindow = isObject(meta.context_window) ? null : num(meta.context_window);
  return {
    kind: 'meta',
    at,
    id: str(meta.id) ?? str(meta.session_id),
    cwd: str(meta.cwd),
    cliVersion: str(meta.cli_version),
    originator: str(meta.originator),
    startedAt: isoToMs(meta.timestamp) ?? at,
    contextWindow,
  };
}

function turnContext(p: JsonObject, at: number | null): RolloutEvent {
  const mode = isObject(p.collaboration_mode) ? p.collaboration_mode : null;
  const settings = mode !== null && isObject(mode.settings) ? mode.settings : null;
  return {
    kind: 'turnContext',
    at,
    model: str(p.model) ?? (settings === null ? null : str(settings.model)),
    effort: str(p.effort) ?? (settings === null ? null : str(settings.reasoning_effort)),
    cwd: str(p.cwd),
  };
}

function eventMsg(p: JsonObject, at: number | null): ParseResult {
  switch (p.type) {
    case 'token_count': {
      const info = isObject(p.info) ? p.info : null;
      return {
        kind: 'tokenCount',
        at,
        total: info === null ? null : parseTokenUsage(info.total_token_usage),
        last: info === null ? null : parseTokenUsage(info.last_token_usage),
        contextWindow: info === null ? null : num(info.model_context_window),
        rateLimits: parseRateLimits(p.rate_limits, at),
      };
    }
    case 'task_started':
      return { kind: 'turnStarted', at, boundary: 'task', contextWindow: num(p.model_context_window) };
    case 'user_message':
      return { kind: 'turnStarted', at, boundary: 'userMessage', contextWindow: null };
    case 'task_complete':
      return { kind: 'turnEnded', at, aborted: false };
    case 'turn_aborted':
      return { kind: 'turnEnded', at, aborted: true };
    default:
      return 'ignored';
  }
}
