import type { RolloutEvent } from '../types.js';
import {
  eventActivity,
  isApprovalRequest,
  itemActivity,
  parsedCommandActivity,
  toolActivity,
} from './activityKinds.js';
import { isoToMs } from '../../ranges/json.js';
import type { LineCheck } from '../../ranges/ranges.js';

export type HeadDecision =
  /** Read the whole line and JSON-parse it. */
  | { action: 'parse' }
  /** Everything needed was in the head: no parse, and the body can be dropped unread. */
  | { action: 'event'; event: RolloutEvent }
  | { action: 'skip' };

const SKIP: HeadDecision = { action: 'skip' };
const PARSE: HeadDecision = { action: 'parse' };

/** Envelope types whose whole line we parse. Everything else is ignored or sniffed. */
const PARSED_ENVELOPES = new Set(['session_meta', 'turn_context', 'token_usage_record']);
/** event_msg payload types whose whole line we parse. */
const PARSED_EVENTS = new Set(['token_count', 'task_started', 'task_complete', 'turn_aborted', 'user_message']);

const TYPE_RE = /"type"\s*:\s*"([A-Za-z_.]+)"/g;
const TIMESTAMP_RE = /"timestamp"\s*:\s*"([^"]{10,40})"/;
const NAME_RE = /"name"\s*:\s*"([A-Za-z0-9_.-]{1,64})"/;
const ROLE_RE = /"role"\s*:\s*"([a-z]+)"/;
const PARSED_CMD_RE = /"parsed_cmd"\s*:\s*\[\s*\{\s*"type"\s*:\s*"([a-z_]+)"/;

/**
 * The cheap prefilter: decides from a line's head whether to parse it, derive
 * an activity from it, or drop it. Multi-megabyte `response_item` lines are
 * never parsed. `isFirstLine` lets a legacy bare first line through to the parser.
 */
export function classifyHead(head: string, isFirstLine: boolean, check: LineCheck): HeadDecision {
  if (head.includes('"record_type"')) return SKIP;
  const types = firstTypes(head, 3);
  const envelope = types[0];
  if (envelope === undefined) return isFirstLine ? PARSE : SKIP;
  if (PARSED_ENVELOPES.has(envelope)) return PARSE;
  if (envelope === 'event_msg') return classifyEvent(head, types[1], types[2], check);
  if (envelope === 'response_item') return classifyResponseItem(head, types[1], check);
  // A legacy first line has no envelope `type`; the first `type` found is
  // then nested. Let the parser decide.
  if (isFirstLine && !head.includes('"payload"')) return PARSE;
  return SKIP;
}

function classifyEvent(
  head: string,
  payloadType: string | undefined,
  itemType: string | undefined,
  check: LineCheck,
): HeadDecision {
  if (payloadType === undefined) return SKIP;
  if (PARSED_EVENTS.has(payloadType)) return PARSE;
  const at = check.time(headTimestamp(head));
  if (isApprovalRequest(payloadType)) return { action: 'event', event: { kind: 'approval', at } };
  if (payloadType === 'item_started' || payloadType === 'item_completed') {
    const fromCommand = itemType === 'CommandExecution' ? parsedCommandActivity(match(PARSED_CMD_RE, head)) : null;
    const activity = fromCommand ?? itemActivity(itemType ?? null);
    return activity === null ? SKIP : { action: 'event', event: { kind: 'activity', at, activity } };
  }
  const activity = eventActivity(payloadType);
  return activity === null ? SKIP : { action: 'event', event: { kind: 'activity', at, activity } };
}

function classifyResponseItem(head: string, itemType: string | undefined, check: LineCheck): HeadDecision {
  const at = check.time(headTimestamp(head));
  switch (itemType) {
    case 'reasoning':
      return { action: 'event', event: { kind: 'activity', at, activity: 'thinking' } };
    case 'function_call':
    case 'custom_tool_call':
      return { action: 'event', event: { kind: 'activity', at, activity: toolActivity(match(NAME_RE, head)) } };
    case 'local_shell_call':
      return { action: 'event', event: { kind: 'activity', at, activity: 'running' } };
    case 'web_search_call':
      return { action: 'event', event: { kind: 'activity', at, activity: 'searching' } };
    case 'message':
      return match(ROLE_RE, head) === 'assistant'
        ? { action: 'event', event: { kind: 'activity', at, activity: 'thinking' } }
        : SKIP;
    default:
      return SKIP;
  }
}

function firstTypes(head: string, count: number): string[] {
  const out: string[] = [];
  TYPE_RE.lastIndex = 0;
  for (let m = TYPE_RE.exec(head); m !== null && out.length < count; m = TYPE_RE.exec(head)) {
    out.push(m[1] ?? '');
  }
  return out;
}

function match(re: RegExp, text: string): string | null {
  const m = re.exec(text);
  return m?.[1] ?? null;
}

function headTimestamp(head: string): number | null {
  return isoToMs(match(TIMESTAMP_RE, head));
}
