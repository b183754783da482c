import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/diagnostics/index.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { CLI, runCli, type CliRun } from '../support/cli.js';
import { line, mainLimits, TempCodexHome } from '../support/codexHome.js';

/**
 * Diagnostics that tell the truth (issue #10, section 4), through the real
 * CLI: lines skipped in every read mode are counted, files that cannot be
 * read are named, and a hostile number of limit families is bounded.
 */
let home: TempCodexHome;
let userHome: string;
beforeEach(async () => {
  home = await TempCodexHome.create();
  userHome = await mkdtemp(join(tmpdir(), 'cdp-diag-user-'));
});
afterEach(async () => {
  await chmod(home.home, 0o755).catch(() => undefined);
  await home.remove();
  await rm(userHome, { recursive: true, force: true });
});

const iso = (agoMs = 0): string => new Date(Date.now() - agoMs).toISOString();
const resetIn = (s: number): number => Math.floor(Date.now() / 1000) + s;

describe('malformed lines in large files', () => {
  it('a file over 8 MB, read from its end, counts its junk lines like a small file does', async () => {
    // 9 MB of junk lines between a valid first and last line.
    const junk = `${'not json at all, a crash mid-write '.repeat(60)}{"trunc\n`;
    const junkLines = Math.ceil((9 * 1024 * 1024) / junk.length);
    const content = `${line.meta(iso(60_000), { id: 'junk' })}\n${junk.repeat(junkLines)}${line.tokenCount(iso(30_000), 10, 10)}\n`;
    const path = home.rolloutPath('2026-11-22', 'junk');
    await home.writeRollout(path, content, new Date());
    expect((await stat(path)).size).toBeGreaterThan(8 * 1024 * 1024);
    const snap = await statusJson();
    expect(snap.sessions.map((s) => s.id)).toEqual(['junk']);
    expect(snap.diagnostics.malformedLines).toBe(junkLines);

    // The same lines in a small file: the same count.
    await writeFile(path, `${line.meta(iso(60_000), { id: 'junk' })}\n${junk.repeat(10)}`);
    expect((await statusJson()).diagnostics.malformedLines).toBe(10);
  });
});

describe('limit families', () => {
  it('keeps the 16 freshest of 50 families and says how many were dropped', async () => {
    const lines = [line.meta(iso(60_000), { id: 'many' })];
    for (let i = 0; i < 50; i += 1) {
      const family = { ...mainLimits(i, i, resetIn(3600), resetIn(86_400)), limit_id: `fam_${i}` };
      lines.push(line.tokenCount(iso(50_000 - i * 100), 100 + i, 1, family));
    }
    await home.writeRollout(home.rolloutPath('2026-11-22', 'many'), `${lines.join('\n')}\n`, new Date());
    const snap = await statusJson();
    expect(snap.limits.others.map((f) => f.limitId).sort()).toEqual(
      Array.from({ length: 16 }, (_, i) => `fam_${34 + i}`).sort(),
    );
    expect(snap.diagnostics.familiesDropped).toBe(34);
    const text = await runCli(['status', '--codex-home', home.home], { HOME: userHome });
    expect(text.stdout).toContain('only the 16 freshest limit families are shown (34 dropped)');
  });
});

/**
 * Mode 000, as `sudo codex` leaves files behind. Root reads them anyway, so
 * when the tests run as root the CLI is run as `nobody` (setpriv), for whom
 * the file is really unreadable; the fixture is made readable for it first.
 */
// chmod 000 refuses nothing on Windows (its permissions are ACLs): there is no unreadable file to make.
describe.skipIf(process.platform === 'win32')('files that cannot be read', () => {
  async function sudoLeftovers(): Promise<{ refused: string }> {
    // An older readable file says 16 % used; the newest, refused, says 97 %.
    const reset = resetIn(3600);
    await home.writeRollout(
      home.rolloutPath('2026-11-21', 'readable'),
      `${line.meta(iso(7200_000), { id: 'readable' })}\n${line.tokenCount(iso(7200_000), 10, 10, mainLimits(16, 40, reset, resetIn(86_400)))}\n`,
    );
    const refused = await home.writeRollout(
      home.rolloutPath('2026-11-22', 'refused'),
      `${line.meta(iso(60_000), { id: 'refused' })}\n${line.tokenCount(iso(60_000), 10, 10, mainLimits(97, 60, reset, resetIn(86_400)))}\n`,
    );
    await openUp(home.home);
    await chmod(refused, 0o000);
    return { refused };
  }

  it('status --json lists them, status says limits may be older, doctor fails with the fix', async () => {
    const { refused } = await sudoLeftovers();
    const snap = JSON.parse((await status(['status', '--json'])).stdout) as UsageSnapshot;
    expect(snap.diagnostics.unreadable).toEqual({ count: 1, newest: refused });
    expect(snap.limits.primary?.usedPercent).toBe(16);

    const text = await status(['status']);
    expect(text.stdout).toContain(`limits may be older: 1 file could not be read (newest ${refused})`);

    const doctor = await status(['doctor', '--json']);
    expect(doctor.code).toBe(1);
    const check = (JSON.parse(doctor.stdout) as DoctorReport).checks.find((c) => c.id === 'file-access');
    expect(check).toMatchObject({ status: 'fail', title: 'File access' });
    expect(check?.detail).toContain(`1 rollout file cannot be read (newest ${refused})`);
    expect(check?.fix).toContain('sudo chown -R $USER');
  });

  it('a Codex home that cannot be listed is reported as unreadable, not as readable', async () => {
    await sudoLeftovers();
    await chmod(home.home, 0o000);
    const snap = JSON.parse((await status(['status', '--json'])).stdout) as UsageSnapshot;
    expect(snap.diagnostics.unreadable).toEqual({ count: 1, newest: home.home });
    const doctor = await status(['doctor', '--json']);
    expect(doctor.code).toBe(1);
    const check = (JSON.parse(doctor.stdout) as DoctorReport).checks.find((c) => c.id === 'codex-home');
    expect(check).toMatchObject({
      status: 'fail',
      detail: `${home.home} exists but cannot be read (permission denied)`,
    });
    expect(check?.fix).toContain('sudo chown -R $USER');
  });
});

async function statusJson(): Promise<UsageSnapshot> {
  const run = await runCli(['status', '--json', '--codex-home', home.home], { HOME: userHome });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as UsageSnapshot;
}

/** Runs the CLI as a user for whom mode 000 means unreadable: this one, or `nobody` when this one is root. */
async function status(args: string[]): Promise<CliRun> {
  const env = { HOME: userHome, CODEX_HOME: home.home, XDG_RUNTIME_DIR: userHome };
  if (process.getuid?.() !== 0) return runCli(args, env);
  await chmod(userHome, 0o777);
  return new Promise((resolve, reject) => {
    const child = spawn(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args],
      { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Makes a fixture tree readable by any user (mkdtemp makes it private to its owner). */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await openUp(path);
    else await chmod(path, 0o644);
  }
}
