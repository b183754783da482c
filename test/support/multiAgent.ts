/**
 * Rollouts of a Codex 0.169 `multi_agent` session, in the shapes seen in
 * real sub-agent rollouts (SCHEMA.md §11; field names are Codex's own): a
 * parent, a v1 sub-agent that starts fresh, and a v2 sub-agent whose file
 * holds its own session_meta, then a copy of the parent's (with the parent's
 * id) and copies of the parent's turn lines, including a `turn_aborted` that
 * did not happen in the child. No copied line is a token_count.
 */

export const PARENT_ID = '01a20100-1111-7aaa-8000-000000000001';
export const AGENT_V1_ID = '01a20100-2222-7bbb-8000-000000000002';
export const AGENT_V2_ID = '01a20100-3333-7ccc-8000-000000000003';

const CWD = '/home/dev/code/orbit-api';

/** Writes lines with a running `ordinal`, timestamps counting up from `start` by `stepMs`. */
class Lines {
  private readonly out: string[] = [];
  private t: number;

  constructor(
    start: number,
    private readonly stepMs = 1000,
  ) {
    this.t = start;
  }

  add(type: string, payload: Record<string, unknown>): this {
    const timestamp = new Date(this.t).toISOString();
    this.t += this.stepMs;
    this.out.push(JSON.stringify({ timestamp, ordinal: this.out.length, type, payload }));
    return this;
  }

  get at(): number {
    return this.t;
  }

  text(): string {
    return `${this.out.join('\n')}\n`;
  }
}

function usage(input: number, cached: number, output: number): Record<string, number> {
  return {
    input_tokens: input,
    cached_input_tokens: cached,
    cache_write_input_tokens: 0,
    output_tokens: output,
    reasoning_output_tokens: Math.floor(output / 3),
    total_tokens: input + output,
  };
}

function meta(id: string, at: number, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    account_scoped: true,
    session_id: PARENT_ID,
    id,
    timestamp: new Date(at).toISOString(),
    cwd: CWD,
    runtime_workspace_roots: [CWD],
    originator: 'codex_cli_rs',
    cli_version: '0.169.0',
    model_provider: 'openai',
    base_instructions: { text: 'You are Codex, a coding agent based on GPT-5.' },
    history_mode: 'paginated',
    context_window: 258400,
    ...extra,
  };
}

const parentMeta = (at: number) => meta(PARENT_ID, at, { source: 'cli', thread_source: 'user' });

function subagentMeta(id: string, at: number, version: number, nickname: string, role: string) {
  return meta(id, at, {
    source: {
      subagent: {
        thread_spawn: {
          parent_thread_id: PARENT_ID,
          depth: 1,
          agent_path: `/root/${nickname.toLowerCase()}`,
          agent_role: role,
          agent_nickname: nickname,
        },
      },
    },
    parent_thread_id: PARENT_ID,
    thread_source: 'subagent',
    multi_agent_version: version,
  });
}

const turnContext = (turnId: string) => ({
  turn_id: turnId,
  cwd: CWD,
  approval_policy: 'on-request',
  model: 'gpt-5.5',
  collaboration_mode: { mode: 'default', settings: { model: 'gpt-5.5', reasoning_effort: 'medium' } },
});

const taskStarted = (turnId: string) => ({
  type: 'task_started',
  turn_id: turnId,
  started_at: 0,
  model_context_window: 258400,
  collaboration_mode_kind: 'default',
});

function tokenCount(
  total: Record<string, number>,
  last: Record<string, number>,
  usedPercent: number,
  resetsAt: number,
) {
  return {
    type: 'token_count',
    info: { total_token_usage: total, last_token_usage: last, model_context_window: 258400 },
    rate_limits: {
      limit_id: 'codex',
      limit_name: null,
      primary: { used_percent: usedPercent, window_minutes: 300, resets_at: resetsAt },
      secondary: { used_percent: 40, window_minutes: 10080, resets_at: resetsAt + 86400 },
      credits: null,
      plan_type: 'plus',
    },
  };
}

/** The parent: one turn that spawned the agents and is still waiting on them (no task_complete). */
export function parentRollout(start: number): string {
  const l = new Lines(start);
  const resetsAt = Math.round(start / 1000) + 3 * 3600;
  l.add('session_meta', parentMeta(start));
  l.add('turn_context', turnContext('turn-p1'));
  l.add('event_msg', taskStarted('turn-p1'));
  l.add('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'split this up' }] });
  l.add('response_item', {
    type: 'function_call',
    name: 'spawn_agent',
    namespace: 'multi_agent',
    arguments: '{}',
    call_id: 'c1',
  });
  l.add('event_msg', tokenCount(usage(20000, 8000, 500), usage(20000, 8000, 500), 20, resetsAt));
  l.add('response_item', {
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text: '<subagent_notification>{"agent_id":"x"}</subagent_notification>' }],
  });
  return l.text();
}

/** A v1 sub-agent without the parent's history: one turn of its own, finished. */
export function agentV1Rollout(start: number): string {
  const l = new Lines(start);
  const resetsAt = Math.round(start / 1000) + 3 * 3600;
  l.add('session_meta', subagentMeta(AGENT_V1_ID, start, 1, 'Euclid', 'explorer'));
  l.add('turn_context', turnContext('turn-a1'));
  l.add('event_msg', taskStarted('turn-a1'));
  l.add('response_item', { type: 'reasoning', summary: [] });
  l.add('event_msg', tokenCount(usage(6000, 1000, 300), usage(6000, 1000, 300), 21, resetsAt));
  l.add('event_msg', { type: 'task_complete', turn_id: 'turn-a1', last_agent_message: 'done' });
  return l.text();
}

/**
 * A v2 sub-agent: its own meta, a copy of the parent's meta and turn lines
 * (ending in a `turn_aborted` the child never had, and a token_usage_record
 * of the parent's thread), then its own turn, still working.
 */
export function agentV2Rollout(start: number): string {
  const l = new Lines(start);
  const resetsAt = Math.round(start / 1000) + 3 * 3600;
  l.add('session_meta', subagentMeta(AGENT_V2_ID, start, 2, 'Noether', 'worker'));
  l.add('session_meta', parentMeta(start - 60_000));
  l.add('turn_context', turnContext('turn-p1'));
  l.add('event_msg', taskStarted('turn-p1'));
  l.add('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'split this up' }] });
  l.add('token_usage_record', {
    thread_id: PARENT_ID,
    turn_id: 'turn-p1',
    session_id: PARENT_ID,
    root_turn_id: 'turn-p1',
    response_id: 'resp_parent_0',
    usage: usage(20000, 8000, 500),
    turn_token_usage: usage(20000, 8000, 500),
    thread_token_usage: usage(20000, 8000, 500),
  });
  l.add('event_msg', { type: 'turn_aborted', turn_id: 'turn-p1', reason: 'interrupted' });
  // The child's own lines.
  l.add('turn_context', turnContext('turn-a2'));
  l.add('event_msg', taskStarted('turn-a2'));
  l.add('response_item', { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'c2' });
  l.add('event_msg', tokenCount(usage(4000, 0, 200), usage(4000, 0, 200), 22, resetsAt));
  l.add('token_usage_record', {
    thread_id: AGENT_V2_ID,
    turn_id: 'turn-a2',
    session_id: PARENT_ID,
    root_turn_id: 'turn-p1',
    response_id: 'resp_agent_0',
    usage: usage(4000, 0, 200),
    turn_token_usage: usage(4000, 0, 200),
    thread_token_usage: usage(4000, 0, 200),
  });
  l.add('response_item', { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'c3' });
  return l.text();
}
