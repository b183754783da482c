import { mkdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAccount, parseAccountRateLimits } from '../../src/codex/accountLimits.js';
import { askAccount, childrenStopped } from '../../src/codex/appServer.js';
import { liveChildren } from '../../src/codex/childProcess.js';
import { CODEX_MISSING_HINT, findCodex } from '../../src/codex/findCodex.js';
import { LineCheck } from '../../src/ranges/ranges.js';
import { UsageEngine } from '../../src/usage/engine.js';
import { fakeCodexDir, fakeLog, isRunning, killGrandchildren } from '../support/codexShim.js';
import { TempCodexHome } from '../support/codexHome.js';

let fake: Awaited<ReturnType<typeof fakeCodexDir>>;
let home: TempCodexHome;
beforeEach(async () => {
  fake = await fakeCodexDir();
  home = await TempCodexHome.create();
  await mkdir(home.home, { recursive: true });
});
afterEach(async () => {
  await childrenStopped();
  await killGrandchildren(fake.log);
  await fake.remove();
  await home.remove();
});

const env = (mode: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: fake.dir,
  FAKE_MODE: mode,
  FAKE_LOG: fake.log,
  ...extra,
});

/** Every fake that was started has exited, and we track no child. */
async function expectNoChildLeft(): Promise<void> {
  await childrenStopped();
  expect(liveChildren()).toEqual([]);
  const { pids, grandchildren } = await fakeLog(fake.log);
  // Signalled, each ends as soon as the OS runs it: waited for, as on a loaded machine that is not at once.
  for (const pid of [...pids, ...grandchildren])
    await expect.poll(() => isRunning(pid), { message: `pid ${pid}` }).toBe(false);
}

describe('finding codex', () => {
  it('takes CODEX_BIN first, then codex on PATH, and says what to do when neither is there', async () => {
    expect(await findCodex({ PATH: fake.dir })).toEqual({ found: true, path: fake.bin });
    expect(await findCodex({ PATH: '/nonexistent', CODEX_BIN: fake.bin })).toEqual({ found: true, path: fake.bin });
    const wrongBin = await findCodex({ PATH: fake.dir, CODEX_BIN: `${fake.dir}/nope` });
    expect(wrongBin).toMatchObject({ found: false, reason: expect.stringContaining('CODEX_BIN is set to') });
    const none = await findCodex({ PATH: '/nonexistent' });
    expect(none).toMatchObject({ found: false, reason: expect.stringContaining(CODEX_MISSING_HINT) });
    // A relative PATH entry (the current folder) is never searched.
    expect(await findCodex({ PATH: '.' })).toMatchObject({ found: false });
  });
});

describe('asking codex app-server', () => {
  const ask = (e: NodeJS.ProcessEnv, timeoutMs = 5000) =>
    askAccount({ codexHome: home.home, env: e, clientVersion: '1.2.3', timeoutMs });

  it('a ChatGPT login: initialize, initialized, account/read, then the limits of every family', async () => {
    const resetsAt = 1_900_000_000;
    const answer = await ask(env('chatgpt', { FAKE_RESETS_AT: String(resetsAt) }));
    expect(answer).toMatchObject({ ok: true, account: { type: 'chatgpt', planType: 'pro' } });
    if (!answer.ok) throw new Error('unreachable');
    expect(answer.limits).toEqual([
      {
        limitId: 'codex',
        limitName: null,
        primary: { usedPercent: 23, windowMinutes: 300, resetsAt: resetsAt * 1000 },
        secondary: { usedPercent: 61, windowMinutes: 10080, resetsAt: (resetsAt + 86400) * 1000 },
        credits: { hasCredits: true, unlimited: false, balance: '17.50' },
        planType: 'pro',
        observedAt: answer.at,
      },
      {
        limitId: 'codex_other',
        limitName: 'gpt-5.5-mini',
        primary: { usedPercent: 40, windowMinutes: 300, resetsAt: resetsAt * 1000 },
        secondary: null,
        credits: null,
        planType: 'pro',
        observedAt: answer.at,
      },
    ]);
    expect((await fakeLog(fake.log)).methods).toEqual([
      'initialize',
      'initialized',
      'account/read',
      'account/rateLimits/read',
    ]);
    await expectNoChildLeft();
  });

  it('an API-key login is not asked for rate limits', async () => {
    const answer = await ask(env('apikey'));
    expect(answer).toMatchObject({ ok: true, account: { type: 'apikey' }, limits: null });
    expect((await fakeLog(fake.log)).methods).not.toContain('account/rateLimits/read');
    await expectNoChildLeft();
  });

  it.each([
    ['slow', /did not answer within 0.3 s \(timeout\)/],
    ['garbage', /not JSON-RPC on stdout \(garbage\)/],
    ['exit1', /exited with code 1 before answering/],
    ['rpcerror', /JSON-RPC error -32600: codex account authentication required/],
  ])('%s: fails with the reason, and leaves no process behind', async (mode, reason) => {
    const answer = await ask(env(mode), mode === 'slow' ? 300 : 5000);
    expect(answer).toMatchObject({ ok: false, codexMissing: false });
    if (answer.ok) throw new Error('unreachable');
    expect(answer.reason).toMatch(reason);
    // The reason never carries what codex printed.
    expect(answer.reason).not.toContain('Welcome');
    await expectNoChildLeft();
  });

  it('a server that ignores end of input and SIGTERM is killed', async () => {
    const answer = await ask(env('stubborn'));
    expect(answer).toMatchObject({ ok: true });
    await expectNoChildLeft();
    // Windows has no SIGTERM: taskkill /T ends the tree there.
    if (process.platform !== 'win32') expect((await fakeLog(fake.log)).methods).toContain('SIGTERM ignored');
  });

  // Issue 21 §1: a process codex started in its own session (setsid), holding
  // codex's stdout open, is outside the process group and outlives codex.
  describe.skipIf(process.platform === 'win32')('a grandchild in its own session holding stdout', () => {
    it.each([
      ['chatgpt', '1', true],
      // With an empty environment it carries no mark: found by its parent link while codex lives.
      ['chatgpt', 'bare', true],
      // No answer, SIGTERM ignored: the deadline ends it all.
      ['hang', '1', false],
    ])('%s, grandchild %s: the ask ends, and the grandchild with it', async (mode, grandchild, ok) => {
      const answer = await ask(env(mode, { FAKE_GRANDCHILD: grandchild }), ok ? 5000 : 500);
      expect(answer.ok).toBe(ok);
      if (!answer.ok) expect(answer.reason).toMatch(/did not answer within 0.5 s/);
      const { grandchildren } = await fakeLog(fake.log);
      expect(grandchildren).toHaveLength(1);
      // childrenStopped() resolves: our ends of the pipes are closed, nothing is waited for.
      await expectNoChildLeft();
    });
  });

  it('codex missing: a clear reason, nothing started', async () => {
    const answer = await ask({ PATH: '/nonexistent' });
    expect(answer).toMatchObject({ ok: false, codexMissing: true });
    if (answer.ok) throw new Error('unreachable');
    expect(answer.reason).toContain(CODEX_MISSING_HINT);
  });
});

describe('the engine with account reads', () => {
  it('merges the account reading with source "account"; pace only from the second reading', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const resetsAt = Math.floor(now / 1000) + 3 * 3600;
    const engine = new UsageEngine({
      codexHome: home.home,
      now: () => now,
      account: { env: env('chatgpt', { FAKE_RESETS_AT: String(resetsAt) }), clientVersion: '1.2.3' },
    });
    await engine.coldStart();
    expect(engine.snapshot().limits.primary).toBeNull();
    expect(await engine.refreshAccountLimits()).toBe(true);
    const first = engine.snapshot().limits;
    expect(first.primary).toMatchObject({ label: '5h', usedPercent: 23, source: 'account', pace: null, stale: false });
    expect(first.secondary).toMatchObject({ label: 'weekly', usedPercent: 61, source: 'account' });
    expect(first.others[0]).toMatchObject({ limitId: 'codex_other', primary: { usedPercent: 40, source: 'account' } });
    expect(first.credits).toEqual({ hasCredits: true, unlimited: false, balance: '17.50' });
    expect(first.planType).toBe('pro');
    expect(first.accountError).toBeNull();

    // Within the minimum interval nothing is asked; a rebuild keeps the reading.
    now += 30_000;
    expect(await engine.refreshAccountLimits({ minIntervalMs: 60_000 })).toBe(false);
    await engine.coldStart();
    expect(engine.snapshot().limits.primary).toMatchObject({ source: 'account', usedPercent: 23 });

    now += 10 * 60_000;
    await engine.refreshAccountLimits({ minIntervalMs: 60_000 });
    expect(engine.snapshot().limits.primary?.pace).not.toBeNull();
    expect((await fakeLog(fake.log)).methods.filter((m) => m === 'account/read')).toHaveLength(2);
    await expectNoChildLeft();
  });

  it('a failure keeps what was known and says why in accountError; it never throws', async () => {
    const now = Date.now();
    const e = env('chatgpt');
    const engine = new UsageEngine({ codexHome: home.home, now: () => now, account: { env: e, clientVersion: '1' } });
    await engine.coldStart();
    await engine.refreshAccountLimits();
    e.FAKE_MODE = 'garbage';
    expect(await engine.refreshAccountLimits({ force: true })).toBe(true);
    const limits = engine.snapshot().limits;
    expect(limits.primary).toMatchObject({ usedPercent: 23, source: 'account' });
    expect(limits.accountError).toMatch(/garbage/);
    e.FAKE_MODE = 'chatgpt';
    await engine.refreshAccountLimits({ force: true });
    expect(engine.snapshot().limits.accountError).toBeNull();
    await expectNoChildLeft();
  });

  it('an API-key login asks account/read again only hourly', async () => {
    let now = Date.now();
    const engine = new UsageEngine({
      codexHome: home.home,
      now: () => now,
      account: { env: env('apikey'), clientVersion: '1' },
    });
    await engine.coldStart();
    await engine.refreshAccountLimits();
    expect(engine.accountInfo).toEqual({ type: 'apikey', planType: null });
    now += 30 * 60_000;
    await engine.refreshAccountLimits({ minIntervalMs: 60_000 });
    expect((await fakeLog(fake.log)).methods.filter((m) => m === 'account/read')).toHaveLength(1);
    now += 31 * 60_000;
    await engine.refreshAccountLimits({ minIntervalMs: 60_000 });
    const { methods } = await fakeLog(fake.log);
    expect(methods.filter((m) => m === 'account/read')).toHaveLength(2);
    expect(methods).not.toContain('account/rateLimits/read');
    expect(engine.snapshot().limits.accountError).toBeNull();
    await expectNoChildLeft();
  });

  it('asks nothing when the Codex home does not exist (codex would create it)', async () => {
    const engine = new UsageEngine({
      codexHome: `${home.home}/missing`,
      account: { env: env('chatgpt'), clientVersion: '1' },
    });
    await engine.coldStart();
    expect(await engine.refreshAccountLimits({ force: true })).toBe(false);
    expect((await fakeLog(fake.log)).pids).toEqual([]);
  });
});

describe('mapping the answers', () => {
  it('reads rateLimitsByLimitId, falls back to rateLimits, and skips what is not a family', () => {
    const at = 1_800_000_000_000;
    const family = {
      limitId: 'codex',
      primary: { usedPercent: '12.5', windowDurationMins: 300, resetsAt: 1_800_003_600 },
    };
    const check = new LineCheck(at);
    expect(parseAccountRateLimits({ rateLimits: family, rateLimitsByLimitId: null }, at, check)).toEqual([
      {
        limitId: 'codex',
        limitName: null,
        primary: { usedPercent: 12.5, windowMinutes: 300, resetsAt: 1_800_003_600_000 },
        secondary: null,
        credits: null,
        planType: null,
        observedAt: at,
      },
    ]);
    // A family without its own limitId takes its key; junk is skipped, never a guess.
    expect(check.suspicious).toBe(false);
    expect(
      parseAccountRateLimits({ rateLimitsByLimitId: { other: { primary: { usedPercent: 5 } }, bad: 'x' } }, at, check),
    ).toMatchObject([{ limitId: 'other', primary: { usedPercent: 5, windowMinutes: null, resetsAt: null } }]);
    expect(parseAccountRateLimits(null, at, check)).toEqual([]);
    expect(parseAccount({ account: null }, check)).toBeNull();
    expect(parseAccount({ account: { type: 'apikey' } }, check)).toEqual({ type: 'apikey', planType: null });
    // Only the junk family ('bad': 'x') was out of the protocol.
    expect(check.suspicious).toBe(true);
  });

  it('ranges every value as a rollout line is ranged, and flags the answer', () => {
    const at = 1_800_000_000_000;
    const check = new LineCheck(at);
    const long = 'p'.repeat(100_000);
    const [main, other] = parseAccountRateLimits(
      {
        rateLimitsByLimitId: {
          codex: {
            limitId: 'codex',
            limitName: `a\u0000b${long}`,
            primary: { usedPercent: -3, windowDurationMins: -300, resetsAt: 1e308 },
            secondary: { usedPercent: 250, windowDurationMins: 1e308, resetsAt: 'soon' },
            credits: { hasCredits: true, unlimited: false, balance: 'Infinity' },
            planType: long,
          },
          // Filed as another family, claiming the main family's id: it stays what it is filed as.
          codex_other: { limitId: 'codex', primary: { usedPercent: 99, windowDurationMins: -5 } },
        },
      },
      at,
      check,
    );
    expect(main).toEqual({
      limitId: 'codex',
      limitName: `a b${'p'.repeat(253)}`,
      primary: { usedPercent: 0, windowMinutes: null, resetsAt: null },
      secondary: { usedPercent: 100, windowMinutes: null, resetsAt: null },
      credits: { hasCredits: true, unlimited: false, balance: null },
      planType: 'p'.repeat(256),
      observedAt: at,
    });
    expect(other).toMatchObject({ limitId: 'codex_other', primary: { usedPercent: 99, windowMinutes: null } });
    expect(check.suspicious).toBe(true);
    const account = new LineCheck(at);
    expect(parseAccount({ account: { type: 'chatgpt', planType: long } }, account)).toEqual({
      type: 'chatgpt',
      planType: 'p'.repeat(256),
    });
    expect(account.suspicious).toBe(true);
  });
});
