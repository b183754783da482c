import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE_NAME } from '../../src/config/schema.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageSnapshot } from '../../src/usage/types.js';
import { runCli, startCli } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { fakeCodexDir, fakeLog, isRunning } from '../support/codexShim.js';

let home: TempCodexHome;
let fake: Awaited<ReturnType<typeof fakeCodexDir>>;
beforeEach(async () => {
  home = await TempCodexHome.create();
  fake = await fakeCodexDir();
});
afterEach(async () => {
  await home.remove();
  await fake.remove();
});

const env = (mode: string): NodeJS.ProcessEnv => ({
  CODEX_HOME: home.home,
  CODEX_BIN: fake.bin,
  FAKE_MODE: mode,
  FAKE_LOG: fake.log,
});

describe('status and the account limits (codex app-server)', () => {
  it('with no rollout, status asks Codex and shows the account limits "from your account"', async () => {
    await home.writeLiveSample(SAMPLES.noHeaders, 'api-key-session', 60_000); // a session without limits
    const json = await runCli(['status', '--json'], env('chatgpt'));
    const snap = JSON.parse(json.stdout) as UsageSnapshot;
    expect(snap.limits.primary).toMatchObject({ usedPercent: 23, source: 'account' });
    expect(snap.limits.accountError).toBeNull();
    const text = await runCli(['status'], env('chatgpt'));
    expect(text.stdout).toMatch(/^5h\s+.*77% left.* · from your account$/m);
    expect((await fakeLog(fake.log)).methods.filter((m) => m === 'account/rateLimits/read')).toHaveLength(2);
  });

  it('fresh log limits are not asked for; --refresh always asks; --no-refresh never does', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
    const auto = JSON.parse((await runCli(['status', '--json'], env('chatgpt'))).stdout) as UsageSnapshot;
    expect(auto.limits.primary).toMatchObject({ source: 'log' });
    expect((await fakeLog(fake.log)).pids).toEqual([]);
    const text = await runCli(['status'], env('chatgpt'));
    expect(text.stdout).toMatch(/^5h\s+.*84% left.* · from your last session$/m);

    const refreshed = JSON.parse(
      (await runCli(['status', '--json', '--refresh'], env('chatgpt'))).stdout,
    ) as UsageSnapshot;
    // The account reading is the freshest observation, so it wins.
    expect(refreshed.limits.primary).toMatchObject({ usedPercent: 23, source: 'account' });
    expect((await fakeLog(fake.log)).pids).toHaveLength(1);

    await home.remove();
    home = await TempCodexHome.create();
    const never = JSON.parse(
      (await runCli(['status', '--json', '--no-refresh'], env('chatgpt'))).stdout,
    ) as UsageSnapshot;
    expect(never.limits.primary).toBeNull();
    expect(never.limits.accountError).toBeNull();
    expect((await fakeLog(fake.log)).pids).toHaveLength(1);

    const both = await runCli(['status', '--refresh', '--no-refresh'], env('chatgpt'));
    expect(both.code).toBe(2);
  });

  it('a failed ask keeps the log data and reports accountError; status still exits 0', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
    const run = await runCli(['status', '--json', '--refresh'], env('exit1'));
    expect(run.code).toBe(0);
    const snap = JSON.parse(run.stdout) as UsageSnapshot;
    expect(snap.limits.primary).toMatchObject({ source: 'log', remainingPercent: 84.5 });
    expect(snap.limits.accountError).toMatch(/exited with code 1/);
    const text = await runCli(['status', '--refresh'], env('rpcerror'));
    expect(text.stdout).toMatch(/^Account\s+could not ask Codex: .*JSON-RPC error -32600/m);
  });

  it('limits.ask_codex false turns every ask off', async () => {
    await writeFile(join(home.home, CONFIG_FILE_NAME), JSON.stringify({ limits: { ask_codex: false } }));
    const snap = JSON.parse((await runCli(['status', '--json', '--refresh'], env('chatgpt'))).stdout) as UsageSnapshot;
    expect(snap.limits.primary).toBeNull();
    expect((await fakeLog(fake.log)).pids).toEqual([]);
  });

  it('when status is killed mid-ask, codex app-server does not outlive it', async () => {
    // `hang` never answers and ignores end of input and SIGTERM: only our own cleanup can end it.
    const cli = startCli(['status', '--refresh'], env('hang'));
    let pid: number | undefined;
    while (pid === undefined) {
      await new Promise((r) => setTimeout(r, 50));
      pid = (await fakeLog(fake.log)).pids[0];
    }
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(exit.signal ?? exit.code).not.toBeNull();
    for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isRunning(pid)).toBe(false);
  });

  it('doctor: says how to get account limits when codex is missing, and explains API-key logins', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
    type Report = { checks: Array<{ id: string; status: string; detail: string; fix?: string }> };
    const doctor = async (e: NodeJS.ProcessEnv) =>
      (JSON.parse((await runCli(['doctor', '--json'], e)).stdout) as Report).checks.find(
        (c) => c.id === 'account-limits',
      );
    const missing = await doctor({ CODEX_HOME: home.home, PATH: '/nonexistent' });
    expect(missing?.status).toBe('warn');
    expect(`${missing?.detail} ${missing?.fix}`).toContain(
      'install Codex or set CODEX_BIN to see limits without a session',
    );
    const apikey = await doctor(env('apikey'));
    expect(apikey).toMatchObject({ status: 'ok', detail: expect.stringContaining('API key') });
    expect(apikey?.detail).toContain('no ChatGPT rate limits');
    const broken = await doctor(env('garbage'));
    expect(broken).toMatchObject({ status: 'warn', detail: expect.stringContaining('garbage') });
    const fine = await doctor(env('chatgpt'));
    expect(fine).toMatchObject({ status: 'ok', detail: expect.stringContaining('5h 77% left') });
    // The limit check then sees the account's reading, the freshest.
    const report = JSON.parse((await runCli(['doctor', '--json'], env('chatgpt'))).stdout) as Report;
    expect(report.checks.find((c) => c.id === 'limits')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^fresh: .*, from your account$/),
    });
  });
});
