import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { ROOT } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PKG = join(ROOT, 'packages', 'cli');

// The npm package of the CLI, as a user gets it: packed, installed from the
// tarball into an empty folder with no network, and run from there.
let dir: string;
let installed: string;
let home: TempCodexHome;
let tarball: { name: string; files: string[] };

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-cli-package.mjs', '--quiet'], { cwd: ROOT });
  dir = await mkdtemp(join(tmpdir(), 'cdp-npm-'));
  const packed = await run(npm, ['pack', '--json', '--pack-destination', dir], {
    cwd: PKG,
    shell: process.platform === 'win32',
  });
  const info = (JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0];
  if (info === undefined) throw new Error(`npm pack printed nothing: ${packed.stderr}`);
  tarball = { name: info.filename, files: info.files.map((f) => f.path).sort() };
  installed = join(dir, 'app');
  await mkdir(installed);
  await run(
    npm,
    ['install', '--prefix', installed, join(dir, tarball.name), '--offline', '--no-audit', '--no-fund', '--no-save'],
    { cwd: installed, shell: process.platform === 'win32' },
  );
  home = await TempCodexHome.create();
  await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
}, 120_000);

afterAll(async () => {
  await home?.remove();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the installed command through npm's own bin link, in a clean environment. */
function cli(args: string[]) {
  const bin = join(
    installed,
    'node_modules',
    '.bin',
    `codex-discord-presence${process.platform === 'win32' ? '.cmd' : ''}`,
  );
  return run(bin, args, {
    cwd: installed,
    env: { PATH: process.env.PATH, HOME: home.home, USERPROFILE: home.home, XDG_RUNTIME_DIR: home.home },
    shell: process.platform === 'win32',
  }).then(
    (ok) => ({ ...ok, code: 0 as number | undefined }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
      code: error.code,
    }),
  );
}

describe('the CLI npm package (packages/cli)', () => {
  it('packs only the bundle, its README and package.json, with no dependencies and the app’s version', async () => {
    expect(tarball.files).toEqual(['README.md', 'bin/codex-discord-presence.mjs', 'package.json']);
    const pkg = JSON.parse(await readFile(join(PKG, 'package.json'), 'utf8')) as Record<string, unknown>;
    const app = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.name).toBe('codex-discord-presence');
    expect(pkg.version).toBe(app.version);
    expect(pkg.private).toBeUndefined();
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.bin).toEqual({ 'codex-discord-presence': 'bin/codex-discord-presence.mjs' });
    // Nothing of Electron or React was installed with it.
    const modules = await readdir(join(installed, 'node_modules'));
    expect(modules.filter((m) => !m.startsWith('.')).sort()).toEqual(['codex-discord-presence']);
  });

  it('installed from the tarball, `status --json` reads a real rollout', async () => {
    const out = await cli(['status', '--json', '--codex-home', home.home]);
    expect(out.stderr).toBe('');
    const snap = JSON.parse(out.stdout) as SnapshotJson;
    expect(snap.codexHome).toEqual({ path: home.home, found: true, sessionsDirFound: true });
    expect(snap.sessions.find((s) => s.project === 'orbit-api')?.tokens).toMatchObject({
      total: 18900,
      processed: 29100,
    });
    expect(snap.limits.primary?.label).toBe('5h');
    // The prices are in the bundle: installed offline, with no dependencies, it still prices the session.
    expect(snap.sessions.find((s) => s.project === 'orbit-api')?.cost).toEqual({
      usd: 0.1146,
      status: 'exact',
      unpriced: [],
    });
  });

  it('installed from the tarball, `doctor` runs its checks and names the Codex home', async () => {
    const out = await cli(['doctor', '--codex-home', home.home]);
    expect(out.stdout).toContain(`✓ Codex home: ${home.home} exists and is readable`);
    expect(out.stdout).toMatch(/✓ Session files: /);
    // No client id is configured here: without a built-in one doctor says what to do and exits 1, it does not
    // crash; the release job packs with the project's id (CDP_DISCORD_CLIENT_ID), which doctor then names.
    const builtIn = (process.env.CDP_DISCORD_CLIENT_ID ?? '').trim();
    if (builtIn === '') expect(out.stdout).toContain('✗ Discord application id: not set');
    else expect(out.stdout).toContain(`✓ Discord application id: ${builtIn} · built-in (Codex)`);
    expect(out.stdout).toContain('Fix the ✗ items above');
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('');
  });

  it('`--version` prints the package version', async () => {
    const out = await cli(['--version']);
    const app = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(out.stdout.trim()).toBe(app.version);
  });
});
