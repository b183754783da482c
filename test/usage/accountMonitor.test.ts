import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childrenStopped } from '../../src/codex/appServer.js';
import { liveChildren } from '../../src/codex/childProcess.js';
import { UsageMonitor } from '../../src/usage/monitor.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { fakeCodexDir, fakeLog, isRunning } from '../support/codexShim.js';
import { firstWhere } from '../support/subscription.js';

let home: TempCodexHome;
let fake: Awaited<ReturnType<typeof fakeCodexDir>>;
let monitor: UsageMonitor | null = null;
beforeEach(async () => {
  home = await TempCodexHome.create();
  fake = await fakeCodexDir();
});
afterEach(async () => {
  await monitor?.stop();
  monitor = null;
  await childrenStopped();
  await home.remove();
  await fake.remove();
});

const env = (mode: string, extra: NodeJS.ProcessEnv = {}) => ({
  PATH: fake.dir,
  FAKE_MODE: mode,
  FAKE_LOG: fake.log,
  ...extra,
});

function next(m: UsageMonitor, test: (s: UsageSnapshot) => boolean): Promise<UsageSnapshot> {
  return firstWhere((listener) => m.subscribe(listener), test);
}

describe('the monitor and the account limits', () => {
  it('publishes the log data first, then merges the account reading when Codex answers', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
    monitor = new UsageMonitor({
      codexHome: home.home,
      account: { env: env('delay', { FAKE_DELAY_MS: '1500' }), clientVersion: '1' },
    });
    const merged = next(monitor, (s) => s.limits.primary?.source === 'account');
    const first = await monitor.start();
    // The first snapshot did not wait for codex.
    expect(first.limits.primary).toMatchObject({ source: 'log', remainingPercent: 84.5 });
    const later = await merged;
    expect(later.limits.primary).toMatchObject({ source: 'account', usedPercent: 23 });
    expect(later.sessions).toHaveLength(1);
  });

  it('asks every accountRefreshMs, honours the popover minimum interval, and stop() leaves no child', async () => {
    let clock = Date.now();
    monitor = new UsageMonitor({
      codexHome: home.home,
      now: () => clock,
      accountRefreshMs: 100,
      account: { env: env('chatgpt'), clientVersion: '1' },
    });
    const merged = next(monitor, (s) => s.limits.primary?.source === 'account');
    await monitor.start();
    await merged;
    const asks = async () => (await fakeLog(fake.log)).methods.filter((m) => m === 'account/read').length;
    // Less than a minute later neither the timer nor the popover asks again.
    monitor.refreshAccountLimits({ minIntervalMs: 60_000 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await asks()).toBe(1);
    // Once the interval has passed, the timer asks.
    clock += 11 * 60_000;
    await expect.poll(asks, { timeout: 10_000 }).toBe(2);
    // And again after the next interval; then stop() ends everything.
    clock += 11 * 60_000;
    await expect.poll(asks, { timeout: 10_000 }).toBe(3);
    await monitor.stop();
    monitor = null;
    expect(liveChildren()).toEqual([]);
    for (const pid of (await fakeLog(fake.log)).pids) expect(isRunning(pid)).toBe(false);
  });

  it('with limits.ask_codex off (no account settings) nothing is ever started', async () => {
    monitor = new UsageMonitor({ codexHome: home.home, accountRefreshMs: 50 });
    await monitor.start();
    monitor.refreshAccountLimits();
    await new Promise((r) => setTimeout(r, 300));
    expect((await fakeLog(fake.log)).pids).toEqual([]);
  });
});
