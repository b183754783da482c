import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { cliChildren, runCli } from '../support/cli.js';
import { line, mainLimits, SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { FakeDiscord } from '../support/fakeDiscord.js';

// Issue #10 §1: special files where Codex writes regular ones made every
// command exit 1 (symlink loop, a directory as session_index.jsonl) or hang
// (a FIFO as .git/HEAD). They are built here at test time, never committed.

const ID = '123456789012345678';
let home: TempCodexHome;
let runtime: string;
let discord: FakeDiscord | null = null;
const children = cliChildren();
/** startCli, stopped after the test even when an assertion failed first. */
const start = (args: string[]) => children.start(args, env());
beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-special-'));
});
afterEach(async () => {
  children.killAll();
  await discord?.close();
  discord = null;
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});
const env = () => ({ CODEX_HOME: home.home, XDG_RUNTIME_DIR: runtime, HOME: runtime });

/** A symlink loop and a FIFO named like rollouts, and a directory where session_index.jsonl belongs. */
async function specialEntries(): Promise<{ loop: string; fifo: string }> {
  const loop = home.rolloutPath('2026-11-21', 'loop');
  const fifo = home.rolloutPath('2026-11-21', 'fifo');
  await mkdir(join(home.sessions, '2026', '11', '21'), { recursive: true });
  await symlink(loop, loop);
  execFileSync('mkfifo', [fifo]);
  await mkdir(join(home.home, 'session_index.jsonl'));
  return { loop, fifo };
}

/** A live session whose cwd is a repository with `head` (a function that makes .git/HEAD). */
async function sessionIn(repoName: string, makeHead: (headPath: string) => Promise<void>): Promise<void> {
  const repo = join(runtime, repoName);
  await mkdir(join(repo, '.git'), { recursive: true });
  await makeHead(join(repo, '.git', 'HEAD'));
  const at = (agoMs: number) => new Date(Date.now() - agoMs).toISOString();
  const resetSec = Math.round(Date.now() / 1000) + 3600;
  await home.writeRollout(
    home.rolloutPath('2026-11-21', repoName),
    [
      line.meta(at(60_000), { cwd: repo }),
      line.taskStarted(at(50_000)),
      line.tokenCount(at(40_000), 5000, 5000, mainLimits(30, 20, resetSec, resetSec + 86_400)),
      line.taskComplete(at(30_000)),
      '',
    ].join('\n'),
  );
}

describe.skipIf(process.platform === 'win32')('special files', () => {
  it('status skips a symlink loop, a FIFO and a directory, says so, and exits 0', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const { loop, fifo } = await specialEntries();
    const json = await runCli(['status', '--json'], env());
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const snap = JSON.parse(json.stdout) as SnapshotJson;
    expect(snap.sessions.map((s) => s.project)).toEqual(['orbit-api']);
    expect(snap.limits.primary?.remainingPercent).toBe(84.5);
    expect(snap.diagnostics.skippedEntries.count).toBe(3);
    expect(snap.diagnostics.skippedEntries.entries).toEqual(
      expect.arrayContaining([
        { path: loop, reason: 'a symlink loop (ELOOP)' },
        { path: fifo, reason: 'a FIFO (named pipe)' },
        { path: join(home.home, 'session_index.jsonl'), reason: 'a directory' },
      ]),
    );

    const text = await runCli(['status'], env());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^5h\s+\[█{17}░{3}\] 84% left/m);
    expect(text.stdout).toContain('3 special file(s) were skipped (not regular files); run `doctor` for details.');
  });

  it('doctor names each special file, warns, and nothing blocks', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const { loop, fifo } = await specialEntries();
    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: ID }),
    );
    discord = await FakeDiscord.start(join(runtime, 'discord-ipc-0'));
    const run = await runCli(['doctor'], env());
    expect(run.stdout).toMatch(/^! Special files: 3 skipped: /m);
    expect(run.stdout).toContain(`${loop} is a symlink loop (ELOOP)`);
    expect(run.stdout).toContain(`${fifo} is a FIFO (named pipe)`);
    expect(run.stdout).toContain(`${join(home.home, 'session_index.jsonl')} is a directory`);
    expect(run.stdout).toContain('✓ Session files: 1 rollout file;');
    expect(run.stdout).toContain('Nothing blocks presence.');
    expect(run.code).toBe(0);
  });

  it('run starts, shows the session, and stops on SIGTERM with special files present', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    await specialEntries();
    const cli = start(['run']);
    await cli.printed(/session orbit-api · gpt-5\.5/);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expect(cli.output().stderr).toBe('');
  });

  it('a FIFO as .git/HEAD: status completes with the project and no branch', async () => {
    await sessionIn('fifo-repo', async (head) => {
      execFileSync('mkfifo', [head]);
    });
    const run = await runCli(['status', '--json'], env());
    expect(run.code).toBe(0);
    const snap = JSON.parse(run.stdout) as SnapshotJson;
    expect(snap.sessions[0]).toMatchObject({ project: 'fifo-repo', branch: null });
    expect(snap.limits.primary?.remainingPercent).toBe(70);
  });

  it('/dev/zero as .git/HEAD: status completes with the project and no branch', async () => {
    await sessionIn('zero-repo', (head) => symlink('/dev/zero', head));
    const run = await runCli(['status'], env());
    expect(run.code).toBe(0);
    // No branch in the first line; the second says the model is unknown.
    expect(run.stdout).toMatch(/^● zero-repo · \d+m\n {4}model unknown · idle · /m);
  });

  it('run with a FIFO as .git/HEAD shows the session and stops on SIGINT, removing its lock', async () => {
    await sessionIn('fifo-run', async (head) => {
      execFileSync('mkfifo', [head]);
    });
    const cli = start(['run']);
    await cli.printed(/session fifo-run · \?/);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
    const status = await runCli(['status', '--json'], env());
    expect((JSON.parse(status.stdout) as { publisher: unknown }).publisher).toBeNull();
  });
});

describe('an out-of-range reset (it crashed status, doctor and run with "Invalid time value")', () => {
  async function hostileRollout(): Promise<void> {
    const at = (agoMs: number) => new Date(Date.now() - agoMs).toISOString();
    const resetSec = Math.round(Date.now() / 1000) + 3600;
    await home.writeRollout(
      home.rolloutPath('2026-11-21', 'hostile'),
      [
        line.meta(at(60_000)),
        line.tokenCount(at(40_000), 5000, 5000, {
          ...mainLimits(30, 20, 1e13, resetSec + 86_400),
        }),
        line.tokenCount(at(30_000), 5000, 5000, {
          limit_id: 'codex_other',
          primary: { used_percent: 5, window_minutes: 300, resets_in_seconds: 1e15 },
        }),
        '',
      ].join('\n'),
    );
  }

  it('status shows the limits with the reset unknown, counts the lines, and exits 0', async () => {
    await hostileRollout();
    const json = await runCli(['status', '--json'], env());
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const snap = JSON.parse(json.stdout) as SnapshotJson;
    expect(snap.limits.primary).toMatchObject({ remainingPercent: 70, resetsAt: null });
    expect(snap.limits.others[0]?.primary).toMatchObject({ remainingPercent: 95, resetsAt: null });
    expect(snap.diagnostics.suspiciousLines).toBe(2);
    const text = await runCli(['status'], env());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^5h\s+\[█{14}░{6}\] 70% left · from your last session$/m);
    expect(text.stdout).toContain('2 line(s) had out-of-range values, shown as unknown');
  });

  it('doctor warns about the lines and run starts and stops cleanly', async () => {
    await hostileRollout();
    const doctor = await runCli(['doctor'], env());
    expect(doctor.stderr).toBe('');
    expect(doctor.stdout).toMatch(/^! Parse errors: 2 lines with out-of-range values in recent files/m);
    expect(doctor.stdout).toContain('✓ Limit data: fresh');
    const cli = start(['run']);
    await cli.printed(/5h {6}\[█{14}░{6}\] 70% left/);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
