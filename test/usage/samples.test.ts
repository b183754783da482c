import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageEngine } from '../../src/usage/engine.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';

// The real files written by codex-cli 0.169.0 (shared/codex/samples), read
// from a real Codex home on disk. Every number is checked exactly.
const NOW = Date.parse('2026-11-21T22:45:00Z');

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

async function snapshotOf(...samples: string[]): Promise<UsageSnapshot> {
  for (const s of samples) await home.copySample(s);
  const engine = new UsageEngine({ codexHome: home.home, now: () => NOW });
  await engine.coldStart();
  return engine.snapshot();
}

describe('real codex 0.169.0 rollouts', () => {
  it('basic + resume + shell: totals survive resume, last is the whole second turn', async () => {
    const snap = await snapshotOf(SAMPLES.basic);
    expect(snap.sessions).toHaveLength(1);
    const s = snap.sessions[0];
    expect(s).toMatchObject({
      id: '01a20045-568b-7ce0-b2fe-dc50abc229e3',
      project: 'orbit-api',
      cwd: '/home/dev/code/orbit-api',
      model: 'gpt-5.5',
      cliVersion: '0.169.0',
      originator: 'codex_exec',
      status: 'idle',
      activity: 'idle',
      startedAt: Date.parse('2026-11-21T22:41:13.870Z'),
      turns: 2,
      partial: false,
    });
    // Codex's figure (SCHEMA.md §9): max(0, input − cached) + output, never the raw total_tokens.
    expect(s?.tokens).toEqual({
      total: 18900, // (28500 − 10200) + 600; total_tokens 29100
      own: 18900, // not a fork: all of it
      last: 12720, // turn two, token_usage_record.turn_token_usage: (20500 − 8200) + 420
      delta: 6420, // 18900 − ((17500 − 5400) + 380)
      input: 28500,
      cachedInput: 10200,
      output: 600,
      reasoningOutput: 222,
      processed: 29100,
    });
    // Codex: used = max(0, 11220 - 12000) = 0 of (258400 - 12000) → 100 % left.
    expect(s?.context).toEqual({ window: 258400, used: 11220, percentLeft: 100 });
    expect(snap.current).toBe(s?.id);
  });

  it('basic: limits are the latest main observation, with credits and pace', async () => {
    const { limits } = await snapshotOf(SAMPLES.basic);
    expect(limits.primary).toEqual({
      label: '5h',
      usedPercent: 15.5,
      remainingPercent: 84.5,
      windowMinutes: 300,
      resetsAt: Date.parse('2026-11-22T01:11:13.000Z'),
      observedAt: Date.parse('2026-11-21T22:41:14.557Z'),
      stale: false,
      rolledOver: false,
      // Three observations, but less than five minutes apart: no run-out projection.
      pace: { expectedUsedPercent: 51.3, reservePercent: 35.8, runsOutAt: null },
      source: 'log',
    });
    expect(limits.secondary).toMatchObject({
      label: 'weekly',
      usedPercent: 44,
      remainingPercent: 56,
      windowMinutes: 10080,
    });
    expect(limits.secondary?.resetsAt).toBe(Date.parse('2026-11-26T13:47:53.000Z'));
    expect(limits.credits).toEqual({ hasCredits: true, unlimited: false, balance: '17.50' });
    expect(limits.planType).toBeNull();
    expect(limits.others).toEqual([]);
  });

  it('interrupted: the aborted turn used no tokens, its rate-limit-only line is not a turn', async () => {
    const snap = await snapshotOf(SAMPLES.interrupted);
    const s = snap.sessions[0];
    expect(s?.tokens).toMatchObject({ total: 5100, last: 5100, delta: 5100, processed: 6100 }); // (6000 − 1000) + 100
    expect(s?.turns).toBe(1);
    expect(s?.status).toBe('idle');
    // …but its fresh limits are taken.
    expect(snap.limits.primary).toMatchObject({ usedPercent: 31.5, remainingPercent: 68.5 });
    expect(snap.limits.secondary).toMatchObject({ usedPercent: 51.5, remainingPercent: 48.5 });
  });

  it('near limit: another family never overwrites the main windows', async () => {
    const snap = await snapshotOf(SAMPLES.nearLimit);
    const s = snap.sessions[0];
    expect(s?.project).toBe('skyline-web');
    // (303000 − 283000) + 4500; the delta is from (150000 − 140000) + 2200.
    expect(s?.tokens).toMatchObject({ total: 24500, last: 24500, delta: 12300, processed: 307500 });
    // used = 155300 - 12000 = 143300 of 246400 → 41.8 → 42 % left.
    expect(s?.context).toEqual({ window: 258400, used: 155300, percentLeft: 42 });
    expect(snap.limits.primary).toMatchObject({ label: '5h', usedPercent: 94.5, remainingPercent: 5.5 });
    expect(snap.limits.primary?.resetsAt).toBe(Date.parse('2026-11-21T23:02:14.000Z'));
    expect(snap.limits.secondary).toMatchObject({ label: 'weekly', usedPercent: 79, remainingPercent: 21 });
    expect(snap.limits.others).toEqual([
      {
        limitId: 'codex_other',
        limitName: 'gpt-5.5-mini',
        primary: {
          label: '5h',
          usedPercent: 5,
          remainingPercent: 95,
          windowMinutes: 300,
          resetsAt: Date.parse('2026-11-21T23:41:14.000Z'),
          observedAt: Date.parse('2026-11-21T22:41:15.307Z'),
          stale: false,
          rolledOver: false,
          pace: null,
          source: 'log',
        },
        secondary: null,
      },
    ]);
  });

  it('no rate-limit headers: windows are unknown (null), never a fake 100 %', async () => {
    const snap = await snapshotOf(SAMPLES.noHeaders);
    expect(snap.limits.primary).toBeNull();
    expect(snap.limits.secondary).toBeNull();
    expect(snap.sessions[0]?.tokens).toMatchObject({ total: 3040, last: 3040, delta: 3040, processed: 3040 }); // nothing cached
    expect(snap.sessions[0]?.project).toBe('ledger-cli');
  });

  it('all four together: the freshest main observation across files wins, null windows do not hide it', async () => {
    const snap = await snapshotOf(SAMPLES.basic, SAMPLES.interrupted, SAMPLES.nearLimit, SAMPLES.noHeaders);
    expect(snap.sessions).toHaveLength(4);
    // interrupted.jsonl line 20 (22:41:17.936) is the newest main observation with windows.
    expect(snap.limits.primary).toMatchObject({
      usedPercent: 31.5,
      observedAt: Date.parse('2026-11-21T22:41:17.936Z'),
    });
    expect(snap.limits.credits?.balance).toBe('17.50');
    expect(snap.diagnostics).toMatchObject({ filesRead: 4, malformedLines: 0, invalidUtf8Lines: 0 });
    // Newest activity first.
    expect(snap.sessions.map((s) => s.project)).toEqual(['orbit-api', 'ledger-cli', 'skyline-web', 'orbit-api']);
  });

  it('limits turn stale after 15 minutes and roll over at their reset', async () => {
    await home.copySample(SAMPLES.nearLimit);
    let now = NOW;
    const engine = new UsageEngine({ codexHome: home.home, now: () => now });
    await engine.coldStart();
    now = Date.parse('2026-11-21T22:56:16Z'); // observed 22:41:15.367 + 15 min
    expect(engine.snapshot().limits.primary?.stale).toBe(true);
    now = Date.parse('2026-11-21T23:02:15Z'); // past the 5h reset at 23:02:14
    const primary = engine.snapshot().limits.primary;
    expect(primary).toMatchObject({ rolledOver: true, usedPercent: 0, remainingPercent: 100, pace: null });
    expect(primary?.resetsAt).toBe(Date.parse('2026-11-21T23:02:14.000Z'));
    // The weekly window has not reset: its old number stands.
    expect(engine.snapshot().limits.secondary).toMatchObject({ rolledOver: false, remainingPercent: 21 });
  });

  it('a session with no writes for the stale threshold has ended and leaves the list', async () => {
    await home.copySample(SAMPLES.basic);
    let now = NOW;
    const engine = new UsageEngine({ codexHome: home.home, now: () => now, sessionStaleMs: 10 * 60_000 });
    await engine.coldStart();
    expect(engine.snapshot().sessions).toHaveLength(1);
    now = Date.parse('2026-11-21T22:52:00Z');
    const snap = engine.snapshot();
    expect(snap.sessions).toHaveLength(0);
    expect(snap.current).toBeNull();
    // Limits stay: they belong to the account.
    expect(snap.limits.primary?.usedPercent).toBe(15.5);
  });
});
