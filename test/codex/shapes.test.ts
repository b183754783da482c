import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageEngine } from '../../src/usage/engine.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { line, mainLimits, shown, TempCodexHome } from '../support/codexHome.js';

// Synthetic rollouts in each shape Codex has written since 2025 (SCHEMA.md §4, §6).
const NOW = Date.parse('2026-03-01T12:10:00Z');
const T = (s: number): string => new Date(Date.parse('2026-03-01T12:00:00Z') + s * 1000).toISOString();

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

async function snapshotOf(lines: string[], name = 'a'): Promise<UsageSnapshot> {
  await home.writeRollout(home.rolloutPath('2026-03-01', name), `${lines.join('\n')}\n`);
  const engine = new UsageEngine({ codexHome: home.home, now: () => NOW });
  await engine.coldStart();
  return engine.snapshot();
}

describe('rate_limits shapes', () => {
  it('flat ~Sep 2025: primary_used_percent and friends, no reset', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(1), 1000, 1000, {
        primary_used_percent: 12.5,
        secondary_used_percent: 40,
        primary_to_secondary_ratio_percent: 75,
        primary_window_minutes: 300,
        secondary_window_minutes: 10080,
      }),
    ]);
    expect(snap.limits.primary).toMatchObject({
      label: '5h',
      usedPercent: 12.5,
      remainingPercent: 87.5,
      resetsAt: null,
    });
    expect(snap.limits.secondary).toMatchObject({ label: 'weekly', usedPercent: 40, resetsAt: null });
  });

  it('flat with *_reset_after_seconds counts from the line timestamp', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(10), 1000, 1000, {
        primary_used_percent: 10,
        primary_window_minutes: 300,
        primary_reset_after_seconds: 600,
      }),
    ]);
    expect(snap.limits.primary?.resetsAt).toBe(Date.parse(T(610)));
    expect(snap.limits.secondary).toBeNull();
  });

  it('nested with resets_in_seconds (~Oct 2025) is relative to the line, not to now', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(30), 1000, 1000, {
        primary: { used_percent: 20, window_minutes: 299, resets_in_seconds: 3600 },
        secondary: { used_percent: 50, window_minutes: 10080, resets_in_seconds: 86400 },
      }),
    ]);
    expect(snap.limits.primary).toMatchObject({ label: '5h', usedPercent: 20, resetsAt: Date.parse(T(3630)) });
    expect(snap.limits.secondary?.resetsAt).toBe(Date.parse(T(86430)));
  });

  it('resets_at is epoch seconds', async () => {
    const reset = Date.parse('2026-03-01T15:00:00Z') / 1000;
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(1), 1000, 1000, mainLimits(5, 6, reset, reset + 86400)),
    ]);
    expect(snap.limits.primary?.resetsAt).toBe(Date.parse('2026-03-01T15:00:00.000Z'));
  });

  it('labels come from window_minutes with Codex’s rule, never from position', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(1), 1000, 1000, {
        primary: { used_percent: 1, window_minutes: 1440 },
        secondary: { used_percent: 2, window_minutes: 43200 },
      }),
    ]);
    expect(snap.limits.primary?.label).toBe('daily');
    expect(snap.limits.secondary?.label).toBe('monthly');
  });

  it('rate_limits null or missing keeps the previous snapshot; a null window is unknown', async () => {
    const reset = Date.parse('2026-03-01T15:00:00Z') / 1000;
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(1), 1000, 1000, mainLimits(30, 60, reset, reset + 86400)),
      line.tokenCount(T(2), 2000, 1000, null),
      line.tokenCount(T(3), 3000, 1000),
    ]);
    expect(snap.limits.primary?.usedPercent).toBe(30);
    expect(snap.sessions[0]?.tokens.total).toBe(shown(3000));
  });

  it('info: null keeps the token totals and takes only the limits', async () => {
    const reset = Date.parse('2026-03-01T15:00:00Z') / 1000;
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.taskStarted(T(1)),
      line.tokenCount(T(2), 5000, 5000),
      line.event(T(3), { type: 'token_count', info: null, rate_limits: mainLimits(44, 55, reset, reset + 86400) }),
    ]);
    expect(snap.sessions[0]?.tokens).toMatchObject({ total: shown(5000), last: shown(5000), delta: shown(5000) });
    expect(snap.sessions[0]?.turns).toBe(1);
    expect(snap.limits.primary?.usedPercent).toBe(44);
  });

  it('credits, plan_type and other limit families', async () => {
    const reset = Date.parse('2026-03-01T15:00:00Z') / 1000;
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(1), 1000, 1000, {
        ...mainLimits(10, 20, reset, reset + 86400),
        credits: { has_credits: true, unlimited: false, balance: '3.25' },
        plan_type: 'pro',
      }),
      line.tokenCount(T(2), 1000, 1000, {
        limit_id: 'codex_bengalfox',
        limit_name: 'gpt-5.2-codex-sonic',
        primary: { used_percent: 70, window_minutes: 300, resets_at: reset },
        secondary: null,
      }),
    ]);
    expect(snap.limits.primary?.usedPercent).toBe(10);
    expect(snap.limits.planType).toBe('pro');
    expect(snap.limits.credits).toEqual({ hasCredits: true, unlimited: false, balance: '3.25' });
    expect(snap.limits.others.map((o) => [o.limitId, o.limitName, o.primary?.usedPercent])).toEqual([
      ['codex_bengalfox', 'gpt-5.2-codex-sonic', 70],
    ]);
  });
});

describe('session model', () => {
  it('turn_context gives model and effort (older top-level effort and 0.169 collaboration_mode)', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.turnContext(T(1), 'gpt-5-codex', 'high'),
      JSON.stringify({
        timestamp: T(2),
        type: 'turn_context',
        payload: {
          model: 'gpt-5.5',
          collaboration_mode: { settings: { model: 'gpt-5.5', reasoning_effort: 'medium' } },
        },
      }),
    ]);
    expect(snap.sessions[0]).toMatchObject({ model: 'gpt-5.5', effort: 'medium', cliVersion: '0.99.0' });
  });

  it('older files: user_message is the turn boundary and last sums last_token_usage over the turn', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.userMessage(T(1)),
      line.tokenCount(T(2), 1000, 1000),
      line.userMessage(T(3)),
      line.tokenCount(T(4), 1800, 800),
      line.tokenCount(T(5), 1800, 800), // zero delta: rate-limit-only, not a request
      line.tokenCount(T(6), 3000, 1200),
    ]);
    // Codex's figure throughout: last sums the turn's two requests, delta is the displayed total's growth.
    expect(snap.sessions[0]?.tokens).toMatchObject({
      total: shown(3000),
      last: shown(800) + shown(1200),
      delta: shown(3000) - shown(1800),
    });
    expect(snap.sessions[0]?.turns).toBe(2);
  });

  it('0.34–0.77 resume restarts the total: re-baseline, never a negative delta; last still sums the turn', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.userMessage(T(1)),
      line.tokenCount(T(2), 50_000, 50_000),
      // resumed in a new process: the cumulative total starts again from 0
      line.userMessage(T(3)),
      line.tokenCount(T(4), 9000, 9000),
      line.tokenCount(T(5), 12_000, 3000),
    ]);
    const tokens = snap.sessions[0]?.tokens;
    expect(tokens).toMatchObject({
      total: shown(12_000),
      last: shown(9000) + shown(3000),
      delta: shown(12_000) - shown(9000),
    });
    expect(tokens?.delta).toBeGreaterThanOrEqual(0);
  });

  it('a total that goes down shows the request as the delta, not a negative number', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.tokenCount(T(1), 200_000, 150_000),
      line.tokenCount(T(2), 180_000, 9000),
    ]);
    expect(snap.sessions[0]?.tokens.delta).toBe(shown(9000));
  });

  it('when task_started exists, user_message does not split the turn', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      line.taskStarted(T(1)),
      line.userMessage(T(1)),
      line.tokenCount(T(2), 1000, 1000),
      line.userMessage(T(3)), // e.g. a queued message inside the same task
      line.tokenCount(T(4), 1500, 500),
      line.taskComplete(T(5)),
    ]);
    expect(snap.sessions[0]?.tokens.last).toBe(shown(1000) + shown(500));
    expect(snap.sessions[0]?.turns).toBe(1);
  });

  it('status: working inside a task, waiting on an approval request, idle after task_complete', async () => {
    const base = [line.meta(T(0)), line.taskStarted(T(500)), line.tokenCount(T(501), 1000, 1000)];
    expect((await snapshotOf(base, 'w')).sessions[0]).toMatchObject({ status: 'working', activity: 'thinking' });
    await home.remove();
    home = await TempCodexHome.create();
    const waiting = [
      ...base,
      line.event(T(502), { type: 'exec_approval_request', call_id: 'c', command: ['rm', '-rf', '/secret'] }),
    ];
    const snapW = await snapshotOf(waiting, 'x');
    expect(snapW.sessions[0]).toMatchObject({ status: 'waiting', activity: 'waiting' });
    // The command text is never kept anywhere in the snapshot.
    expect(JSON.stringify(snapW)).not.toContain('/secret');
    await home.remove();
    home = await TempCodexHome.create();
    expect((await snapshotOf([...waiting, line.taskComplete(T(503))], 'y')).sessions[0]).toMatchObject({
      status: 'idle',
      activity: 'idle',
    });
  });

  it('activity comes from the latest item, keeping only its kind', async () => {
    const cases: Array<[string, string]> = [
      [
        line.responseItem(T(502), {
          type: 'function_call',
          name: 'shell',
          arguments: '{"command":["cat","/etc/secret"]}',
        }),
        'running',
      ],
      [
        line.responseItem(T(502), { type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch' }),
        'editing',
      ],
      [line.responseItem(T(502), { type: 'web_search_call', action: { query: 'private words' } }), 'searching'],
      [line.responseItem(T(502), { type: 'reasoning', summary: [] }), 'thinking'],
      [
        line.event(T(502), {
          type: 'item_completed',
          item: { type: 'CommandExecution', parsed_cmd: [{ type: 'read', cmd: 'cat x' }] },
        }),
        'reading',
      ],
      [line.event(T(502), { type: 'item_completed', item: { type: 'FileChange', changes: {} } }), 'editing'],
    ];
    for (const [i, [item, activity]] of cases.entries()) {
      await home.remove();
      home = await TempCodexHome.create();
      const snap = await snapshotOf([line.meta(T(0)), line.taskStarted(T(500)), item], `act${i}`);
      expect(snap.sessions[0]?.activity, item).toBe(activity);
      expect(JSON.stringify(snap)).not.toMatch(/secret|private words|Begin Patch/);
    }
  });

  it('legacy files (bare first line, record_type) are recognised and skipped for usage', async () => {
    const snap = await snapshotOf([
      JSON.stringify({ id: '5973b6c0-94b8-487b-a530-2aeb6098ae0e', timestamp: T(0), instructions: null }),
      JSON.stringify({ record_type: 'state' }),
      JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }),
    ]);
    expect(snap.sessions).toEqual([]);
    expect(snap.diagnostics.malformedLines).toBe(0);
  });

  it('unknown envelope and event types (world_state, future kinds) are ignored', async () => {
    const snap = await snapshotOf([
      line.meta(T(0)),
      JSON.stringify({ timestamp: T(1), ordinal: 1, type: 'world_state', payload: { full: true, state: {} } }),
      JSON.stringify({ timestamp: T(2), ordinal: 2, type: 'hologram_v9', payload: { type: 'token_count' } }),
      line.event(T(3), { type: 'some_future_event', data: 1 }),
      line.tokenCount(T(4), 700, 700),
    ]);
    expect(snap.sessions[0]?.tokens.total).toBe(shown(700));
    expect(snap.diagnostics.malformedLines).toBe(0);
  });

  it('thread names come from session_index.jsonl, last line wins', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await writeFile(
      join(home.home, 'session_index.jsonl'),
      [
        { id: 'sess-1', thread_name: 'first name', updated_at: T(0) },
        { id: 'other', thread_name: 'x', updated_at: T(0) },
        { id: 'sess-1', thread_name: 'Fix the login flow', updated_at: T(5) },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\nnot json\n',
    );
    const snap = await snapshotOf([line.meta(T(0)), line.tokenCount(T(1), 10, 10)]);
    expect(snap.sessions[0]?.name).toBe('Fix the login flow');
  });
});
