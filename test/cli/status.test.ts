import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { runCli } from '../support/cli.js';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

/** A real sample as a session whose last line was written a minute ago. */
const liveSample = (sample: string) => home.writeLiveSample(sample, sample.replace('.jsonl', ''), 60_000);

describe('status', () => {
  it('--json prints the UsageSnapshot of the real samples', async () => {
    await liveSample(SAMPLES.basic);
    await liveSample(SAMPLES.nearLimit);
    const run = await runCli(['status', '--json', '--codex-home', home.home]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const snap = JSON.parse(run.stdout) as SnapshotJson;
    expect(snap.codexHome).toEqual({ path: home.home, found: true, sessionsDirFound: true });
    const basic = snap.sessions.find((s) => s.project === 'orbit-api');
    expect(basic?.tokens).toMatchObject({ total: 18900, last: 12720, delta: 6420, processed: 29100 });
    expect(basic?.context).toEqual({ window: 258400, used: 11220, percentLeft: 100 });
    const near = snap.sessions.find((s) => s.project === 'skyline-web');
    expect(near?.tokens).toMatchObject({ total: 24500, last: 24500, delta: 12300, processed: 307500 });
    // basic's last main observation is newer (shifted to the same minute, written later in its file).
    expect(snap.limits.primary?.label).toBe('5h');
    expect(snap.limits.others[0]).toMatchObject({ limitId: 'codex_other', limitName: 'gpt-5.5-mini' });
    expect(snap.current).not.toBeNull();
    expect(typeof snap.limits.primary?.resetsAt).toBe('string');
    expect(snap.limits.primary?.resetsAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('text output: the same labels and words as the popover, every live session in two lines', async () => {
    await liveSample(SAMPLES.basic);
    await liveSample(SAMPLES.nearLimit);
    const run = await runCli(['status', '--no-refresh', '--codex-home', home.home]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^5h {15}\[[█░]{20}\] \d+% left · resets in \d+m · (\d{2}:\d{2}|\d+ \w{3} \d{2}:\d{2}) · /m,
    );
    expect(run.stdout).toMatch(/^weekly {11}\[[█░]{20}\] \d+% left/m);
    expect(run.stdout).toMatch(/^gpt-5\.5-mini 5h {2}\[[█░]{20}\] 95% left/m);
    expect(run.stdout).not.toContain(' limit ');
    expect(run.stdout).toMatch(/^Credits {10}18 credits$/m);
    // Both sessions are idle: live, none working.
    expect(run.stdout).toMatch(/^Sessions {9}2 live$/m);
    expect(run.stdout).toMatch(/^● orbit-api · \d+m$/m);
    expect(run.stdout).toContain('    gpt-5.5 · idle · Δ 6.4k | last 13k | total 19k · 100% of context left');
    expect(run.stdout).toMatch(/^● skyline-web · \d+m$/m);
    expect(run.stdout).not.toContain('\x1b[');
  });

  it('reads $CODEX_HOME when no option is given', async () => {
    await liveSample(SAMPLES.noHeaders);
    const run = await runCli(['status', '--json'], { CODEX_HOME: home.home });
    const snap = JSON.parse(run.stdout) as SnapshotJson;
    expect(snap.sessions[0]?.project).toBe('ledger-cli');
    expect(snap.limits.primary).toBeNull();
  });

  it('a missing Codex home exits 0 and says what to do', async () => {
    const missing = `${home.home}/nope`;
    const text = await runCli(['status', '--codex-home', missing]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('not found');
    expect(text.stdout).toContain('--codex-home DIR');
    const json = await runCli(['status', '--json', '--codex-home', missing]);
    expect(JSON.parse(json.stdout)).toMatchObject({ codexHome: { found: false }, sessions: [], current: null });
  });

  it('unknown commands and options exit 2 with a short message', async () => {
    const cmd = await runCli(['frobnicate']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toBe(
      "codex-discord-presence: unknown command 'frobnicate'\nRun `codex-discord-presence --help` for usage.\n",
    );
    const opt = await runCli(['status', '--bogus']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/bogus/);
  });

  it('--help and --version', async () => {
    const help = await runCli(['status', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: codex-discord-presence status [--json]');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
