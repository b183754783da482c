import type { Activity } from '../../contract/index.js';

/**
 * Maps what Codex is doing to a coarse activity kind. Only the kind is ever
 * kept: tool arguments, paths and command text are never read into memory here.
 */

const TOOL_ACTIVITY: Record<string, Activity> = {
  shell: 'running',
  exec_command: 'running',
  local_shell: 'running',
  unified_exec: 'running',
  write_stdin: 'running',
  'container.exec': 'running',
  apply_patch: 'editing',
  edit: 'editing',
  write_file: 'editing',
  read_file: 'reading',
  view_image: 'reading',
  list_dir: 'reading',
  grep_files: 'searching',
  web_search: 'searching',
  search: 'searching',
  update_plan: 'thinking',
};

export function toolActivity(name: string | null): Activity {
  if (name === null) return 'running';
  return TOOL_ACTIVITY[name] ?? 'running';
}

/** `item_started` / `item_completed` item types (0.169+). */
const ITEM_ACTIVITY: Record<string, Activity> = {
  CommandExecution: 'running',
  FileChange: 'editing',
  WebSearch: 'searching',
  Reasoning: 'thinking',
  AgentMessage: 'thinking',
  UserMessage: 'thinking',
  McpToolCall: 'running',
  ImageView: 'reading',
};

export function itemActivity(itemType: string | null): Activity | null {
  if (itemType === null) return null;
  return ITEM_ACTIVITY[itemType] ?? null;
}

/** Codex's `parsed_cmd` classification of a shell command, when present. */
export function parsedCommandActivity(kind: string | null): Activity | null {
  if (kind === 'read' || kind === 'list_files') return 'reading';
  if (kind === 'search') return 'searching';
  return null;
}

/** Older protocol events that say what Codex is doing. */
const EVENT_ACTIVITY: Record<string, Activity> = {
  agent_reasoning: 'thinking',
  agent_reasoning_raw_content: 'thinking',
  agent_message: 'thinking',
  exec_command_begin: 'running',
  exec_command_end: 'thinking',
  patch_apply_begin: 'editing',
  patch_apply_end: 'thinking',
  web_search_begin: 'searching',
  web_search_end: 'thinking',
  mcp_tool_call_begin: 'running',
  mcp_tool_call_end: 'thinking',
};

export function eventActivity(payloadType: string): Activity | null {
  return EVENT_ACTIVITY[payloadType] ?? null;
}

const APPROVAL_EVENTS = new Set(['request_user_input', 'elicitation_request', 'request_permissions']);

export function isApprovalRequest(payloadType: string): boolean {
  return payloadType.endsWith('_approval_request') || APPROVAL_EVENTS.has(payloadType);
}
