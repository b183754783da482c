import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { runCli } from '../support/cli.js';
import { TempCodexHome } from '../support/codexHome.js';
import {
  AGENT_V1_ID,
  AGENT_V2_ID,
  agentV1Rollout,
  agentV2Rollout,
  PARENT_ID,
  parentRollout,
} from '../support/multiAgent.js';

/**
 * Issue 12 §4: a Codex 0.169 session with two sub-agents, each writing its
 * own rollout, read by the real CLI from real files.
 */
let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

const DAY = '2026-11-22';
const write = (id: string, text: string) => home.writeRollout(home.rolloutPath(DAY, id), text);

async function status(): Promise<SnapshotJson> {
  const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as SnapshotJson;
}

describe('sub-agents', () => {
  it('fold under their parent: one row, "+2 agents", their tokens apart, the parent current', async () => {
    const start = Date.now() - 5 * 60_000;
    await write(PARENT_ID, parentRollout(start));
    const alone = await status();
    const parentAlone = alone.sessions[0];
    expect(parentAlone?.agents).toEqual({ count: 0, live: 0, working: 0, tokens: 0, threads: [] });

    await write(AGENT_V1_ID, agentV1Rollout(start + 60_000));
    await write(AGENT_V2_ID, agentV2Rollout(start + 90_000));
    const snap = await status();
    expect(snap.sessions.map((s) => s.id)).toEqual([PARENT_ID]);
    const row = snap.sessions[0];
    // The parent's own figures are exactly what its file alone gives: nothing of the agents is added.
    expect(row?.tokens).toEqual(parentAlone?.tokens);
    expect(row?.turns).toBe(parentAlone?.turns);
    expect(row?.subagent).toBeNull();
    expect(row?.agents.count).toBe(2);
    expect(row?.agents.live).toBe(2);
    expect(row?.agents.working).toBe(1);
    const threads = row?.agents.threads ?? [];
    expect(threads.map((t) => t.id).sort()).toEqual([AGENT_V1_ID, AGENT_V2_ID].sort());
    expect(row?.agents.tokens).toBe(threads.reduce((sum, t) => sum + t.tokens.total, 0));
    expect(row?.agents.tokens).toBeGreaterThan(0);
    const v1 = threads.find((t) => t.id === AGENT_V1_ID);
    expect(v1?.subagent).toEqual({ parentId: PARENT_ID, depth: 1, role: 'explorer', nickname: 'Euclid' });
    expect(v1?.status).toBe('idle');
    // Sub-agents are never current; the parent (waiting on its agents) is.
    expect(snap.current).toBe(PARENT_ID);
  });

  it("a v2 agent's copied parent meta and turn lines do not become its identity, status or usage", async () => {
    const start = Date.now() - 5 * 60_000;
    await write(PARENT_ID, parentRollout(start));
    await write(AGENT_V2_ID, agentV2Rollout(start + 90_000));
    const snap = await status();
    const agent = snap.sessions[0]?.agents.threads[0];
    expect(agent?.id).toBe(AGENT_V2_ID);
    expect(agent?.subagent).toMatchObject({ parentId: PARENT_ID, nickname: 'Noether', role: 'worker' });
    // Its own turn is under way: the copied turn_aborted did not end it.
    expect(agent?.status).toBe('working');
    expect(agent?.activity).toBe('running');
    // One turn of its own; the copied token_usage_record of the parent's thread is not counted.
    expect(agent?.turns).toBe(1);
    expect(agent?.tokens.input).toBe(4000);
    expect(agent?.tokens.output).toBe(200);
    expect(agent?.model).toBe('gpt-5.5');
  });

  it('an agent whose parent is not among the sessions is its own row, marked, and never current', async () => {
    const start = Date.now() - 5 * 60_000;
    // The parent ended long ago: its file is older than the stale threshold.
    await home.writeRollout(
      home.rolloutPath(DAY, PARENT_ID),
      parentRollout(start - 3 * 3600_000),
      new Date(start - 3 * 3600_000),
    );
    await write(AGENT_V2_ID, agentV2Rollout(start));
    const snap = await status();
    expect(snap.sessions.map((s) => s.id)).toEqual([AGENT_V2_ID]);
    expect(snap.sessions[0]?.subagent?.parentId).toBe(PARENT_ID);
    expect(snap.sessions[0]?.status).toBe('working');
    expect(snap.current).toBeNull();
  });
});
