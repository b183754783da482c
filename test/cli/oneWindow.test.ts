import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { buildActivity } from '../../src/presence/activity.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { runCli, startCli } from '../support/cli.js';
import { TempCodexHome } from '../support/codexHome.js';
import {
  engineSnapshot,
  liveWith as live,
  MAIN,
  MONTHLY_ONLY,
  SPARK,
  WEEKLY_ONLY,
  type Limits,
} from '../support/oneWindow.js';

// Issue 23 §3: an account with one main window (weekly-only, monthly-only)
// shows that window, labelled by its duration, and no phantom "unknown" row;
// an extra family (Spark-style) never fills the main 5h slot. The shapes and
// the live rollout are test/support/oneWindow.ts's.

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => home.remove());

const liveWith = (...limits: Limits[]): Promise<void> => live(home, ...limits);

const env = () => ({ CODEX_HOME: home.home, HOME: home.home });
async function statusJson(): Promise<{ limits: UsageSnapshot['limits'] }> {
  const run = await runCli(['status', '--json', '--no-refresh'], env());
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { limits: UsageSnapshot['limits'] };
}
async function statusText(): Promise<string[]> {
  const run = await runCli(['status', '--no-refresh'], env());
  expect(run.code).toBe(0);
  return run.stdout.split('\n');
}
const presenceState = async (): Promise<string | undefined> =>
  buildActivity({ snapshot: await engineSnapshot(home), config: defaultSettings(), now: Date.now(), lastBusyAt: null })
    ?.state;

describe('a weekly-only account', () => {
  it('status: one weekly row, no phantom; --json has the window as it is, no fake one', async () => {
    await liveWith(WEEKLY_ONLY);
    const limits = (await statusJson()).limits;
    expect(limits.primary).toMatchObject({ label: 'weekly', windowMinutes: 10080, remainingPercent: 70 });
    expect(limits.secondary).toBeNull();
    const rows = await statusText();
    expect(rows.filter((r) => r.startsWith('weekly'))).toHaveLength(1);
    expect(rows.find((r) => r.startsWith('weekly'))).toMatch(/^weekly +\[█{14}░{6}\] 70% left · resets in 4d /);
    expect(rows.join('\n')).not.toContain('unknown');
    expect(rows.some((r) => r.startsWith('5h'))).toBe(false);
  });

  it('run (piped): one weekly line; Discord: "Weekly 70% left" alone', async () => {
    await liveWith(WEEKLY_ONLY);
    const cli = startCli(['run'], env());
    try {
      await cli.printed(/session orbit-api/);
      const out = cli.output().stdout;
      expect(out).toMatch(/^\S+Z weekly {2}\[█{14}░{6}\] 70% left/m);
      expect(out).not.toContain('unknown');
      expect(out).not.toMatch(/^\S+Z 5h/m);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    expect(await presenceState()).toBe('Weekly 70% left');
  });
});

describe('a monthly-only account', () => {
  it('one monthly row everywhere, no phantom', async () => {
    await liveWith(MONTHLY_ONLY);
    const limits = (await statusJson()).limits;
    expect(limits.primary).toMatchObject({ label: 'monthly', windowMinutes: 43200, remainingPercent: 45 });
    expect(limits.secondary).toBeNull();
    const rows = await statusText();
    expect(rows.filter((r) => /^(5h|weekly|monthly) /.test(r))).toEqual([expect.stringMatching(/^monthly +\[/)]);
    expect(rows.join('\n')).not.toContain('unknown');
    expect(await presenceState()).toBe('Monthly 45% left');
  });
});

describe('a Spark-style extra family', () => {
  it('arriving after the main one, it never fills the main 5h slot: it has rows of its own', async () => {
    await liveWith(MAIN, SPARK);
    const limits = (await statusJson()).limits;
    expect(limits.primary).toMatchObject({ label: '5h', remainingPercent: 87.5 });
    expect(limits.secondary).toMatchObject({ label: 'weekly', remainingPercent: 59 });
    expect(limits.others).toEqual([
      expect.objectContaining({ limitId: 'codex_bengalfox', limitName: 'GPT-5.3-Codex-Spark' }),
    ]);
    const rows = await statusText();
    expect(rows.find((r) => r.startsWith('5h'))).toMatch(/ 88% left/);
    expect(rows.find((r) => r.startsWith('GPT-5.3-Codex-Spark 5h'))).toMatch(/ 10% left/);
    expect(await presenceState()).toBe('5h 88% left · Weekly 59% left');
  });

  it('alone (no main reading yet): one unknown main row, the Spark rows apart, Discord shows no Spark figure', async () => {
    await liveWith(SPARK);
    const limits = (await statusJson()).limits;
    expect(limits.primary).toBeNull();
    expect(limits.secondary).toBeNull();
    const rows = await statusText();
    expect(rows.filter((r) => r.includes('unknown'))).toEqual([expect.stringMatching(/^5h +unknown/)]);
    expect(rows.find((r) => r.startsWith('GPT-5.3-Codex-Spark 5h'))).toMatch(/ 10% left/);
    expect(await presenceState()).not.toMatch(/10% left|40% left/);
  });
});
