import type { RolloutEvent, SubagentSource } from '../types.js';
import { isObject, isoToMs, num, type JsonObject } from '../../ranges/json.js';
import type { LineCheck } from '../../ranges/ranges.js';
import { parseRateLimits } from './rateLimits.js';
import { parseTokenUsage } from './tokenUsage.js';

export type ParseResult = RolloutEvent | 'ignored' | 'malformed';

/**
 * Parses one complete line that the head classifier asked for. Unknown or
 * irrelevant shapes are `ignored`; only text that is not JSON at all is
 * `malformed`. Numbers out of range become unknown, and strings are bounded
 * where they enter (ids, display text, paths, versions: issue 21 §1), each
 * flagging `check` (ranges.ts). Never throws.
 */
export function parseLine(text: string, isFirstLine: boolean, check: LineCheck): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (!isObject(value)) return 'malformed';
  if ('record_type' in value) return 'ignored';
  const at = check.time(isoToMs(value.timestamp));
  const payload = value.payload;
  if (typeof value.type !== 'string' || !isObject(payload)) {
    // Pre-September-2025 files start with a bare `{id, timestamp, instructions}`.
    if (isFirstLine && typeof value.id === 'string') return { kind: 'legacy', id: check.id(value.id), at };
    return 'ignored';
  }
  switch (value.type) {
    case 'session_meta':
      return sessionMeta(payload, at, check);
    case 'turn_context':
      return turnContext(payload, at, check);
    case 'token_usage_record':
      return {
        kind: 'turnUsage',
        at,
        threadId: check.id(payload.thread_id),
        turnId: check.id(payload.turn_id),
        turnTotal: parseTokenUsage(payload.turn_token_usage, check),
      };
    case 'event_msg':
      return eventMsg(payload, at, check);
    default:
      return 'ignored';
  }
}

function sessionMeta(p: JsonObject, at: number | null, check: LineCheck): RolloutEvent {
  // Some builds nest the meta under `meta` next to `git`.
  const meta = isObject(p.meta) ? p.meta : p;
  const contextWindow = isObject(meta.context_window) ? null : check.contextWindow(meta.context_window);
  return {
    kind: 'meta',
    at,
    id: check.id(meta.id) ?? check.id(meta.session_id),
    cwd: check.path(meta.cwd),
    cliVersion: check.version(meta.cli_version),
    originator: check.text(meta.originator),
    startedAt: check.time(isoToMs(meta.timestamp)) ?? at,
    contextWindow,
    forkedFromId: check.id(meta.forked_from_id) ?? check.id(p.forked_from_id),
    subagent: subagentSource(meta, check),
  };
}

/**
 * A sub-agent thread's meta (0.169): `source: {subagent: {thread_spawn:
 * {parent_thread_id, depth, agent_path?, agent_role?, agent_nickname?}}}`,
 * plus top-level `parent_thread_id` and `thread_source: "subagent"`. Other
 * sub-agent kinds serialise as `{subagent: "review"}`: a sub-agent with no
 * named parent.
 */
function subagentSource(meta: JsonObject, check: LineCheck): SubagentSource | null {
  const source = isObject(meta.source) ? meta.source : null;
  const sub = source === null ? undefined : source.subagent;
  if (sub === undefined && meta.thread_source !== 'subagent') return null;
  const spawn = isObject(sub) && isObject(sub.thread_spawn) ? sub.thread_spawn : null;
  const depth = spawn === null ? null : num(spawn.depth);
  return {
    parentId: (spawn === null ? null : check.id(spawn.parent_thread_id)) ?? check.id(meta.parent_thread_id),
    depth: depth !== null && Number.isInteger(depth) && depth >= 0 && depth <= 1000 ? depth : null,
    path: spawn === null ? null : check.text(spawn.agent_path),
    role: spawn === null ? null : check.text(spawn.agent_role),
    nickname: spawn === null ? null : check.text(spawn.agent_nickname),
  };
}

function turnContext(p: JsonObject, at: number | null, check: LineCheck): RolloutEvent {
  const mode = isObject(p.collaboration_mode) ? p.collaboration_mode : null;
  const settings = mode !== null && isObject(mode.settings) ? mode.settings : null;
  return {
    kind: 'turnContext',
    at,
    model: check.text(p.model) ?? (settings === null ? null : check.text(settings.model)),
    effort: check.text(p.effort) ?? (settings === null ? null : check.text(settings.reasoning_effort)),
    cwd: check.path(p.cwd),
  };
}

function eventMsg(p: JsonObject, at: number | null, check: LineCheck): ParseResult {
  switch (p.type) {
    case 'token_count': {
      const info = isObject(p.info) ? p.info : null;
      const total = info === null ? null : parseTokenUsage(info.total_token_usage, check);
      const last = info === null ? null : parseTokenUsage(info.last_token_usage, check);
      // Either half rejected makes the line's usage unknown: the pair is one reading.
      const rejected =
        info !== null &&
        ((total === null && info.total_token_usage != null) || (last === null && info.last_token_usage != null));
      return {
        kind: 'tokenCount',
        at,
        total: rejected ? null : total,
        last: rejected ? null : last,
        contextWindow: info === null ? null : check.contextWindow(info.model_context_window),
        rateLimits: parseRateLimits(p.rate_limits, at, check),
      };
    }
    case 'task_started':
      return { kind: 'turnStarted', at, boundary: 'task', contextWindow: check.contextWindow(p.model_context_window) };
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
