import { expect } from 'vitest';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { UsageEngine } from '../../src/usage/engine.js';
import { lastTimestamp, readSample, SAMPLES, shiftTimes, type TempCodexHome } from './codexHome.js';

// Issue 23 §3: accounts with one main window (weekly-only, monthly-only) and a
// Spark-style extra family, as Codex writes them. The rollouts are Codex's own
// (the 0.169 sample), live, with only `rate_limits` swapped for the shape such
// an account gets (SCHEMA.md §4: a null window is absent). Shared by the CLI's
// test (status, run, Discord) and the popover's (the snapshot main would send).

export type Limits = Record<string, unknown>;
const inDays = (days: number): number => Math.round(Date.now() / 1000 + days * 86_400);
const window = (used: number, minutes: number, resetsAt: number) => ({
  used_percent: used,
  window_minutes: minutes,
  resets_at: resetsAt,
});
const family = (over: Limits): Limits => ({
  limit_id: 'codex',
  limit_name: null,
  primary: null,
  secondary: null,
  credits: null,
  individual_limit: null,
  spend_control_reached: null,
  plan_type: null,
  rate_limit_reached_type: null,
  ...over,
});
export const WEEKLY_ONLY = family({ primary: window(30, 10080, inDays(4.6)) });
export const MONTHLY_ONLY = family({ primary: window(55, 43200, inDays(20)) });
export const MAIN = family({ primary: window(12.5, 300, inDays(0.1)), secondary: window(41, 10080, inDays(4)) });
export const SPARK = family({
  limit_id: 'codex_bengalfox',
  limit_name: 'GPT-5.3-Codex-Spark',
  primary: window(90, 300, inDays(0.1)),
  secondary: window(60, 10080, inDays(4)),
});

/**
 * The basic 0.169 sample as a live session (its last line 30 s ago), its
 * token_count lines carrying `limits` in turn (the last one wins in the file).
 */
export async function liveWith(home: TempCodexHome, ...limits: Limits[]): Promise<void> {
  const sample = await readSample(SAMPLES.basic);
  const shifted = shiftTimes(sample, Date.now() - 30_000 - (lastTimestamp(sample)?.getTime() ?? 0));
  const lines = shifted.trimEnd().split('\n');
  const counts = lines.flatMap((l, i) => (l.includes('"rate_limits":{') ? [i] : []));
  expect(counts.length).toBeGreaterThanOrEqual(limits.length);
  // The last lines carry the given families, in order; earlier ones the first of them.
  counts.forEach((at, k) => {
    const parsed = JSON.parse(lines[at] ?? '{}') as { payload: { rate_limits: unknown } };
    parsed.payload.rate_limits = limits[Math.max(0, k - (counts.length - limits.length))];
    lines[at] = JSON.stringify(parsed);
  });
  await home.writeRollout(home.rolloutPath('2026-11-21', 'live'), `${lines.join('\n')}\n`);
}

/** The snapshot the engine folds from the home, as main sends it to the windows. */
export async function engineSnapshot(home: TempCodexHome): Promise<UsageSnapshot> {
  const engine = new UsageEngine({ codexHome: home.home, account: null });
  await engine.coldStart();
  return engine.snapshot();
}
