import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { CODEX_OLDEST, CODEX_PINNED, codexBin, installCodex, isolation, runScript } from '../support/realCodex.js';

// The pinned codex, and the oldest one whose account limits we read
// (`account/rateLimits/read`, SCHEMA.md §10): both installed by this test.
const VERSIONS = [CODEX_PINNED, CODEX_OLDEST];

interface Result {
  code: number;
  status: SnapshotJson & { configPath: string };
  usage: {
    rate_limit: { primary_window: { reset_at: number }; secondary_window: { reset_at: number } };
    additional_rate_limits: Array<{ rate_limit: { primary_window: { reset_at: number } } }>;
  };
  requests: string[];
}

beforeAll(() => {
  for (const v of VERSIONS) installCodex(v);
}, 15 * 60_000);

describe.each(VERSIONS)('the real codex %s app-server', (version) => {
  it('status --json shows the account limits with no rollout at all', async () => {
    // Isolated where the kernel allows it; elsewhere codex reaches only the local mock it is pointed at.
    const out = await runScript(
      'realCodexStatus.ts',
      [],
      { CODEX_BIN: codexBin(version) },
      { isolate: isolation().ok, timeoutMs: 60_000 },
    );
    const result = JSON.parse(out) as Result;
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
