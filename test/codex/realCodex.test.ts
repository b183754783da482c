import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UsageSnapshot } from '../../src/usage/types.js';
import { ROOT } from '../support/cli.js';

/**
 * The real `@openai/codex` (pinned), installed by this test into a cache
 * folder, never as an app dependency. If it cannot be installed the test
 * fails: CI must be able to install it.
 */
const CODEX_VERSION = '0.169.0';
const CACHE = process.env.CODEX_PRESENCE_TEST_CACHE ?? join(homedir(), '.cache', 'codex-presence-test');
const PREFIX = join(CACHE, `codex-${CODEX_VERSION}`);
const BIN = join(PREFIX, 'node_modules', '.bin', process.platform === 'win32' ? 'codex.cmd' : 'codex');

function installCodex(): void {
  if (existsSync(BIN)) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(
    npm,
    ['install', '--prefix', PREFIX, `@openai/codex@${CODEX_VERSION}`, '--no-save', '--no-audit', '--no-fund'],
    { stdio: 'inherit', timeout: 10 * 60_000, shell: process.platform === 'win32' },
  );
  if (!existsSync(BIN)) throw new Error(`npm installed @openai/codex@${CODEX_VERSION} but ${BIN} is missing`);
}

/** A loopback-only network namespace, where the kernel allows one (Linux). */
function canIsolate(): boolean {
  if (process.platform !== 'linux') return false;
  return spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;
}

interface Result {
  code: number;
  status: UsageSnapshot & { configPath: string };
  usage: {
    rate_limit: { primary_window: { reset_at: number }; secondary_window: { reset_at: number } };
    additional_rate_limits: Array<{ rate_limit: { primary_window: { reset_at: number } } }>;
  };
  requests: string[];
}

beforeAll(() => {
  installCodex();
}, 15 * 60_000);

describe(`the real codex ${CODEX_VERSION} app-server`, () => {
  it('status --json shows the account limits with no rollout at all', () => {
    const script = join(ROOT, 'test', 'support', 'realCodexStatus.ts');
    const node = `"${process.execPath}" --import tsx "${script}"`;
    const isolate = canIsolate();
    const out = isolate
      ? execFileSync('unshare', ['-rn', 'sh', '-c', `ip link set lo up && exec ${node}`], {
          cwd: ROOT,
          env: { ...process.env, CODEX_BIN: BIN },
          timeout: 60_000,
        })
      : execFileSync(process.execPath, ['--import', 'tsx', script], {
          cwd: ROOT,
          env: { ...process.env, CODEX_BIN: BIN },
          timeout: 60_000,
        });
    const result = JSON.parse(out.toString()) as Result;
    expect(result.code).toBe(0);
    const { status, usage } = result;
    expect(status.sessions).toEqual([]);
    expect(status.limits.accountError).toBeNull();
    expect(status.limits.primary).toMatchObject({
      label: '5h',
      usedPercent: 37,
      remainingPercent: 63,
      windowMinutes: 300,
      resetsAt: new Date(usage.rate_limit.primary_window.reset_at * 1000).toISOString(),
      stale: false,
      rolledOver: false,
      pace: null,
      source: 'account',
    });
    expect(status.limits.secondary).toMatchObject({
      label: 'weekly',
      usedPercent: 64,
      windowMinutes: 10080,
      resetsAt: new Date(usage.rate_limit.secondary_window.reset_at * 1000).toISOString(),
      source: 'account',
    });
    expect(status.limits.credits).toEqual({ hasCredits: true, unlimited: false, balance: '17.50' });
    expect(status.limits.planType).toBe('pro');
    expect(status.limits.others).toEqual([
      {
        limitId: 'codex_other',
        limitName: 'gpt-5.5-mini',
        primary: expect.objectContaining({
          usedPercent: 12,
          source: 'account',
          resetsAt: new Date(
            (usage.additional_rate_limits[0]?.rate_limit.primary_window.reset_at ?? 0) * 1000,
          ).toISOString(),
        }) as unknown,
        secondary: null,
      },
    ]);
    expect(result.requests).toContain('/backend-api/wham/usage');
  }, 120_000);
});
