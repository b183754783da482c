import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ID_CHARS, MAX_TEXT_CHARS } from '../../src/ranges/ranges.js';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { runCli } from '../support/cli.js';
import { useCliHome } from '../support/cliHome.js';
import { line, mainLimits } from '../support/codexHome.js';
import { peakRss } from '../support/peakRss.js';

/**
 * Issue 21 §1: long values in real fields. A `turn_context.model` of 149,400
 * characters made `run` print nothing and reach 3.5 GB. Every string is
 * bounded where it enters (src/rollout/decode, LineCheck) and the line is
 * counted as suspicious; read by the real CLI from real files.
 */
const LINUX = process.platform === 'linux';
const fx = useCliHome('cdp-strings-');

const at = (ago: number): string => new Date(Date.now() - ago).toISOString();
const LONG = 149_400;

/** A live session whose every string field is far too long. */
async function hostileSession(): Promise<void> {
  const reset = Math.floor(Date.now() / 1000) + 3600;
  const family = {
    ...mainLimits(30, 20, reset, reset + 86_400),
    limit_id: `codex_${'i'.repeat(LONG)}`,
    limit_name: 'n'.repeat(LONG),
  };
  const main = { ...mainLimits(30, 20, reset, reset + 86_400), plan_type: 'p'.repeat(LONG) };
  await fx.home().writeRollout(
    fx.home().rolloutPath('2026-12-07', 'long'),
    [
      line.meta(at(60_000), {
        id: 'long-session',
        cwd: `/${'c'.repeat(10_000)}`,
        cli_version: 'v'.repeat(LONG),
        originator: 'o'.repeat(LONG),
      }),
      JSON.stringify({
        timestamp: at(50_000),
        type: 'turn_context',
        payload: { model: 'm'.repeat(LONG), effort: 'e'.repeat(LONG), cwd: `/${'d'.repeat(10_000)}` },
      }),
      line.taskStarted(at(40_000)),
      line.tokenCount(at(30_000), 5000, 5000, main),
      line.tokenCount(at(20_000), 6000, 1000, family),
      '',
    ].join('\n'),
  );
  // An index line is at most 64 KB (a longer one is dropped whole): a name of 20,000 characters fits.
  await writeFile(
    join(fx.home().home, 'session_index.jsonl'),
    `${JSON.stringify({ id: 'long-session', thread_name: `t\u0007${'t'.repeat(20_000)}`, updated_at: at(10_000) })}\n`,
  );
}

describe('strings of any length in rollout fields', () => {
  it('status shows each cut to a display length, unknown where it cannot be cut, and counts the lines', async () => {
    await hostileSession();
    const rss = peakRss(join(fx.work(), 'rss'));
    const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', fx.home().home], rss.env);
    expect(run.code).toBe(0);
    const snap = JSON.parse(run.stdout) as SnapshotJson;
    const s = snap.sessions[0];
    expect(s?.model).toBe('m'.repeat(MAX_TEXT_CHARS));
    expect(s?.effort).toBe('e'.repeat(MAX_TEXT_CHARS));
    expect(s?.name).toBe(`t ${'t'.repeat(MAX_TEXT_CHARS - 2)}`);
    // No OS has a path that long, and `v…` is no version: unknown, not cut.
    expect(s?.cliVersion).toBeNull();
    expect(s?.project).toBeNull();
    const other = snap.limits.others[0];
    expect(other?.limitId).toHaveLength(MAX_ID_CHARS);
    expect(other?.limitName).toHaveLength(MAX_TEXT_CHARS);
    expect(snap.limits.planType).toHaveLength(MAX_TEXT_CHARS);
    // meta, turn_context, both token_counts, and the session index line.
    expect(snap.diagnostics.suspiciousLines).toBe(5);
    if (LINUX) expect(rss.mb()).toBeLessThan(150);
  });

  it('run publishes at once and stops on SIGTERM, with memory bounded', async () => {
    await hostileSession();
    const rss = peakRss(join(fx.work(), 'rss'));
    const cli = fx.start(['run', '--codex-home', fx.home().home], {
      ...rss.env,
      CODEX_PRESENCE_STATE_DIR: join(fx.work(), 'state'),
      CODEX_PRESENCE_DATA_DIR: join(fx.work(), 'data'),
      XDG_RUNTIME_DIR: fx.work(),
    });
    await cli.printed(`· ${'m'.repeat(MAX_TEXT_CHARS)} ·`);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    // It reached 3.5 GB and ignored SIGTERM.
    if (LINUX) expect(rss.mb()).toBeLessThan(200);
  }, 30_000);
});
