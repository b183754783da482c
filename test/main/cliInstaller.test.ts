import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  candidateDirs,
  cmdLauncher,
  installCliLauncher,
  refreshStableBundle,
  shLauncher,
} from '../../main/cliInstaller.js';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { CLI } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';

const posix = process.platform !== 'win32';
const nodeDir = join(process.execPath, '..');

let dir: string;
let home: string;
let bundle: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-launcher-'));
  home = join(dir, 'home dir'); // a space, as in "/Applications/Codex Discord Presence.app"
  await mkdir(home);
  // The bundle as the installed app carries it (extraResources → resources/cli/index.mjs).
  bundle = join(dir, "Codex Discord Presence's app", 'resources', 'cli', 'index.mjs');
  await mkdir(join(bundle, '..'), { recursive: true });
  await writeFile(bundle, await readFile(CLI));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deps = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux') => ({
  platform,
  env,
  home,
  bundlePath: bundle,
  stableDir: join(home, '.config', 'Codex Discord Presence'),
});

describe.runIf(posix)('the sh launcher (real file, real exec)', () => {
  it('lands in ~/.local/bin when that is on PATH, and runs the bundled CLI with the user’s node', async () => {
    const bin = join(home, '.local', 'bin');
    await mkdir(bin, { recursive: true });
    const result = await installCliLauncher(deps({ PATH: `${bin}:/usr/bin:/bin` }));
    expect(result).toMatchObject({ ok: true, launcher: join(bin, 'codex-discord-presence'), onPath: true });
    expect(result.message).toContain('codex-discord-presence status');
    expect((await stat(join(bin, 'codex-discord-presence'))).mode & 0o111).not.toBe(0);

    const codex = await TempCodexHome.create();
    try {
      await codex.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
      // Found by name on PATH, as a user types it.
      const run = spawnSync('codex-discord-presence', ['status', '--json', '--codex-home', codex.home], {
        env: { PATH: `${bin}:${nodeDir}:/usr/bin:/bin`, HOME: home },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const snap = JSON.parse(run.stdout) as SnapshotJson;
      expect(snap.sessions.find((s) => s.project === 'orbit-api')?.tokens.total).toBe(18900);
    } finally {
      await codex.remove();
    }
  });

  it('without node on PATH it explains and points to npm (exit 127)', async () => {
    const bin = join(home, '.local', 'bin');
    await mkdir(bin, { recursive: true });
    const { launcher } = await installCliLauncher(deps({ PATH: bin }));
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const run = spawnSync('/bin/sh', [String(launcher), 'status'], { env: { PATH: empty }, encoding: 'utf8' });
    expect(run.status).toBe(127);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('needs Node.js 20.19 or later, and no node was found on PATH');
    expect(run.stderr).toContain('npm i -g codex-discord-presence');
  });

  it('when the app (and its bundle) is gone, it says so instead of failing obscurely', async () => {
    const { launcher } = await installCliLauncher(deps({ PATH: join(home, '.local', 'bin') }));
    await rm(bundle);
    const run = spawnSync('/bin/sh', [String(launcher), 'status'], {
      env: { PATH: `${nodeDir}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    expect(run.status).toBe(127);
    expect(run.stderr).toContain('is gone');
    expect(run.stderr).toContain('npm i -g codex-discord-presence');
  });

  it('creates ~/.local/bin when no candidate is on PATH, and says how to add it', async () => {
    const result = await installCliLauncher(deps({ PATH: '/usr/bin:/bin' }));
    expect(result).toMatchObject({
      ok: true,
      onPath: false,
      launcher: join(home, '.local', 'bin', 'codex-discord-presence'),
    });
    expect(result.message).toContain(`export PATH="${join(home, '.local', 'bin')}:$PATH"`);
  });

  it('never replaces a codex-discord-presence it did not write (say, from npm); it uses the next folder', async () => {
    const local = join(home, '.local', 'bin');
    const own = join(home, 'bin');
    await mkdir(local, { recursive: true });
    await mkdir(own, { recursive: true });
    await writeFile(join(local, 'codex-discord-presence'), '#!/usr/bin/env node\n// npm shim\n');
    const result = await installCliLauncher(deps({ PATH: `${local}:${own}` }));
    expect(result.launcher).toBe(join(own, 'codex-discord-presence'));
    expect(await readFile(join(local, 'codex-discord-presence'), 'utf8')).toContain('npm shim');
    // Installing again replaces its own launcher.
    expect((await installCliLauncher(deps({ PATH: `${local}:${own}` }))).launcher).toBe(result.launcher);
  });

  it('from an AppImage, the launcher points at a stable copy of the bundle, refreshed at start', async () => {
    const env = { PATH: join(home, '.local', 'bin'), APPIMAGE: '/home/u/Apps/codex.AppImage' };
    const result = await installCliLauncher(deps(env));
    const copy = join(home, '.config', 'Codex Discord Presence', 'cli', 'index.mjs');
    expect(await readFile(String(result.launcher), 'utf8')).toContain(`CLI='${copy}'`);
    await writeFile(bundle, '// a newer bundle\n');
    expect(await refreshStableBundle(deps(env))).toBe(true);
    expect(await readFile(copy, 'utf8')).toBe('// a newer bundle\n');
    expect(await refreshStableBundle(deps({ PATH: '' }))).toBe(false);
  });
});

describe('launcher text and places', () => {
  it('sh quoting survives quotes and spaces in the bundle path', () => {
    expect(shLauncher("/Applications/It's here.app/x.mjs")).toContain(`CLI='/Applications/It'\\''s here.app/x.mjs'`);
  });

  it('the .cmd launcher: CRLF, % doubled, node checked with where, arguments passed through', () => {
    const text = cmdLauncher('C:\\Users\\a%b\\AppData\\Local\\Programs\\codex\\resources\\cli\\index.mjs');
    expect(text.split('\r\n')[0]).toBe('@echo off');
    expect(text).toContain('set "CDP_CLI=C:\\Users\\a%%b\\AppData');
    expect(text).toContain('where node >nul 2>nul');
    expect(text).toContain('node "%CDP_CLI%" %*');
    expect(text).toContain('npm i -g codex-discord-presence');
    expect(text).not.toMatch(/[^\r]\n/);
  });

  it('candidate folders per OS: user folders first on Linux and Windows, PATH folders first on macOS', () => {
    expect(candidateDirs('linux', {}, '/home/u')).toEqual(['/home/u/.local/bin', '/home/u/bin', '/usr/local/bin']);
    expect(candidateDirs('darwin', {}, '/Users/u')).toEqual([
      '/usr/local/bin',
      '/opt/homebrew/bin',
      '/Users/u/.local/bin',
    ]);
    expect(candidateDirs('win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u')[0]).toMatch(
      /WindowsApps$/,
    );
  });

  it('a build without the bundle says to use npm', async () => {
    await rm(bundle);
    const result = await installCliLauncher(deps({ PATH: '' }));
    expect(result).toMatchObject({ ok: false, launcher: null });
    expect(result.message).toContain('npm i -g codex-discord-presence');
  });
});
