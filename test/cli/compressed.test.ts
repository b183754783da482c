import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { runCli } from '../support/cli.js';
import { line, mainLimits, TempCodexHome } from '../support/codexHome.js';

/**
 * Issue 12 §4: Codex 0.169 can compress finished rollouts to
 * `rollout-*.jsonl.zst`. Files are compressed with the real `zstd` CLI and
 * read by the real CLI process.
 */
const HAS_ZSTD = spawnSync('zstd', ['--version']).status === 0;
if (!HAS_ZSTD) console.log('compressed rollout tests skipped: the zstd CLI is not installed');

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

const HOUR = 3600_000;
const iso = (agoMs: number): string => new Date(Date.now() - agoMs).toISOString();
const resetIn = (s: number): number => Math.floor(Date.now() / 1000) + s;

/** A session that ended `agoMs` ago having seen the 5h window at `used` %. */
function finishedSession(id: string, used: number, agoMs: number): string {
  return [
    line.meta(iso(agoMs + 60_000), { id, cli_version: '0.169.0' }),
    line.turnContext(iso(agoMs + 50_000), 'gpt-5.5'),
    line.taskStarted(iso(agoMs + 40_000)),
    line.tokenCount(iso(agoMs), 9000, 9000, mainLimits(used, 30, resetIn(3 * 3600), resetIn(5 * 86400))),
    line.taskComplete(iso(agoMs)),
  ].join('\n');
}

/** Writes `content` as `<path>.zst` with the zstd CLI (the plain file is not kept), mtime `at`. */
async function compress(path: string, content: string, at: Date): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  execFileSync('zstd', ['-q', '-f', '-o', `${path}.zst`], { input: `${content}\n` });
  await utimes(`${path}.zst`, at, at);
  return `${path}.zst`;
}

async function status(): Promise<SnapshotJson> {
  const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as SnapshotJson;
}

interface Check {
  id: string;
  status: string;
  detail: string;
}
async function doctor(): Promise<Check[]> {
  const run = await runCli(['doctor', '--json', '--codex-home', home.home]);
  return (JSON.parse(run.stdout) as { checks: Check[] }).checks;
}

describe.skipIf(!HAS_ZSTD)('compressed rollouts (.jsonl.zst)', () => {
  it('are read for the limits when no session is live, and counted by doctor', async () => {
    const path = home.rolloutPath('2026-11-22', 'old');
    const at = new Date(Date.now() - 2 * HOUR);
    await compress(path, finishedSession('old', 37, 2 * HOUR), at);
    const snap = await status();
    expect(snap.sessions).toEqual([]);
    expect(snap.limits.primary?.usedPercent).toBe(37);
    expect(snap.limits.primary?.source).toBe('log');
    expect(snap.diagnostics.skippedEntries.count).toBe(0);

    const checks = await doctor();
    expect(checks.find((c) => c.id === 'sessions')?.detail).toContain('1 rollout file (1 compressed)');
    expect(checks.find((c) => c.id === 'cli-versions')?.detail).toBe('0.169.0 (1 file)');
    expect(checks.find((c) => c.id === 'compressed-rollouts')).toBeUndefined();
  });

  it('the plain file wins when both forms exist', async () => {
    const path = home.rolloutPath('2026-11-22', 'both');
    const at = new Date(Date.now() - 2 * HOUR);
    await home.writeRollout(path, `${finishedSession('both', 12, 2 * HOUR)}\n`, at);
    // A compressed copy that says otherwise, written later.
    await compress(path, finishedSession('both', 88, HOUR), new Date(Date.now() - HOUR));
    const snap = await status();
    expect(snap.limits.primary?.usedPercent).toBe(12);
    const checks = await doctor();
    expect(checks.find((c) => c.id === 'sessions')?.detail).toMatch(/^1 rollout file; newest .*both\.jsonl /);
  });

  it('a compressed file read as the session it was, while it is recent', async () => {
    const path = home.rolloutPath('2026-11-22', 'recent');
    await compress(path, finishedSession('recent', 40, 60_000), new Date());
    const snap = await status();
    expect(snap.sessions.map((s) => [s.id, s.status, s.model, s.file])).toEqual([
      ['recent', 'idle', 'gpt-5.5', `${path}.zst`],
    ]);
    expect(snap.limits.primary?.usedPercent).toBe(40);
  });

  it('a corrupt one and two kinds of zip bomb are skipped and counted, never fatal', async () => {
    const day = '2026-11-22';
    const old = new Date(Date.now() - 3 * HOUR);
    // Truncated mid-frame.
    const good = home.rolloutPath(day, 'good');
    await compress(good, finishedSession('good', 25, 4 * HOUR), new Date(Date.now() - 4 * HOUR));
    const truncated = await compress(home.rolloutPath(day, 'cut'), finishedSession('cut', 90, 3 * HOUR), old);
    execFileSync('truncate', ['-s', '-12', truncated]);
    // A frame header that asks for a 2 GB window (a decoder would allocate it up front).
    const forged = `${home.rolloutPath(day, 'forged')}.zst`;
    await writeFile(forged, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x01, 0x00, 0x00]));
    await utimes(forged, old, old);
    // 300 MB of zeros in a few KB: expands past the 256 MB cap.
    const bomb = `${home.rolloutPath(day, 'bomb')}.zst`;
    execFileSync('sh', ['-c', `head -c 300000000 /dev/zero | zstd -q -19 -o '${bomb}'`]);
    await utimes(bomb, old, old);

    const snap = await status();
    // The good file, older than all three, still gave its limits.
    expect(snap.limits.primary?.usedPercent).toBe(25);
    const reasons = Object.fromEntries(
      snap.diagnostics.skippedEntries.entries.map((e) => [e.path.replace(/^.*-(\w+)\.jsonl\.zst$/, '$1'), e.reason]),
    );
    expect(snap.diagnostics.skippedEntries.count).toBe(3);
    expect(reasons.cut).toMatch(/^a corrupt compressed rollout/);
    expect(reasons.forged).toMatch(/^a corrupt compressed rollout \(a frame asking for a \d+ MB window\)$/);
    expect(reasons.bomb).toBe('a compressed rollout that expands past 256 MB (not read)');

    const checks = await doctor();
    const check = checks.find((c) => c.id === 'compressed-rollouts');
    expect(check?.status).toBe('warn');
    expect(check?.detail).toMatch(/^3 compressed rollouts skipped: /);
  }, 120_000);

  it('a missing plain file with no compressed sibling is simply gone', async () => {
    const path = home.rolloutPath('2026-11-22', 'gone');
    await home.writeRollout(path, `${finishedSession('gone', 50, 60_000)}\n`, new Date());
    expect((await status()).sessions).toHaveLength(1);
    await rm(path);
    expect((await status()).sessions).toHaveLength(0);
  });
});
