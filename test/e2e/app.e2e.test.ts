import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { E2EHook } from '../../main/e2eHook.js';
import { readInstance } from '../../src/instance/instanceFile.js';
import { ArrpcHost } from '../support/arrpc.js';
import { ROOT } from '../support/cli.js';
import { line, mainLimits, SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { electronBinary, packagedExecutable, resourcesOf } from './electronApp.js';

/**
 * The real app, built (`npm run build`) and launched with the real Electron
 * binary through Playwright: real tray (seen through the CODEX_PRESENCE_E2E
 * hook), real windows, real IPC, a real Codex home and arRPC as the Discord
 * peer (Linux and macOS; on Windows arRPC would need the global named pipe).
 * Run with `npm run test:e2e` (Linux: under xvfb-run).
 */
const binary = electronBinary();
if (binary === null && process.env.CODEX_PRESENCE_E2E_REQUIRED === '1') {
  // CI downloads the binary: there, skipping would hide that nothing ran.
  throw new Error('CODEX_PRESENCE_E2E_REQUIRED=1 but the Electron binary is absent (node_modules/electron/dist)');
}
if (binary === null) {
  console.warn(
    'e2e skipped: the Electron binary is absent (node_modules/electron/dist); install it to run these tests.',
  );
}
const withPeer = process.platform !== 'win32';
const ID = '123456789012345678';
const SHOTS = join(ROOT, 'test-artifacts', 'e2e');

let home: TempCodexHome;
let scratch: string;
let userData: string;
let runtime: string;
let peer: ArrpcHost | null = null;
let app: ElectronApplication | null = null;

beforeEach(async () => {
  home = await TempCodexHome.create();
  scratch = await mkdtemp(join(tmpdir(), 'cdp-e2e-'));
  userData = join(scratch, 'user-data');
  // Short: macOS limits Unix socket paths to 104 bytes.
  runtime = await mkdtemp(join(tmpdir(), 'e2e-'));
  await mkdir(userData);
});

afterEach(async () => {
  if (app !== null) {
    const child = app.process();
    if (child.exitCode === null && child.signalCode === null) {
      await app.close().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
  app = null;
  await peer?.kill();
  peer = null;
  await home.remove();
  await rm(scratch, { recursive: true, force: true });
  await rm(runtime, { recursive: true, force: true });
});

async function launch(args: string[]): Promise<ElectronApplication> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    CODEX_HOME: home.home,
    CODEX_PRESENCE_E2E: '1',
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: join(scratch, 'config'),
    ELECTRON_ENABLE_LOGGING: '1',
  });
  if (process.platform === 'darwin') env.TMPDIR = runtime;
  delete env.ELECTRON_RUN_AS_NODE;
  app = await _electron.launch({
    executablePath: binary ?? undefined,
    // The built app (package.json main: out/main/index.js), its own user data (and so its own single-instance lock).
    args: [ROOT, `--user-data-dir=${userData}`, ...args],
    cwd: ROOT,
    env,
    timeout: 60_000,
  });
  return app;
}

const hook = <T>(a: ElectronApplication, fn: string, arg?: string): Promise<T> =>
  a.evaluate(
    (_electron, [name, value]) => {
      const h = (globalThis as unknown as Record<string, E2EHook>).__codexPresenceE2E;
      if (h === undefined) throw new Error('the CODEX_PRESENCE_E2E hook is missing');
      return (h[name as keyof E2EHook] as (v?: string) => unknown)(value);
    },
    [fn, arg] as const,
  ) as Promise<T>;

async function windowFor(
  a: ElectronApplication,
  page: 'popover' | 'settings',
  open: () => Promise<unknown>,
): Promise<Page> {
  const existing = a.windows().find((w) => w.url().includes(`${page}.html`));
  if (existing !== undefined) {
    await open();
    return existing;
  }
  const next = a.waitForEvent('window', { predicate: (w) => w.url().includes(`${page}.html`), timeout: 30_000 });
  await open();
  const win = await next;
  await win.waitForLoadState('domcontentloaded');
  return win;
}

/** Processes whose command line mentions `marker` (this run's unique user-data folder). */
function processesMentioning(marker: string): string[] {
  if (process.platform === 'win32') {
    const out = spawnSync(
      'powershell.exe',
      ['-NoProfile', '-Command', 'Get-CimInstance Win32_Process | ForEach-Object { $_.CommandLine }'],
      { encoding: 'utf8' },
    ).stdout;
    return out.split(/\r?\n/).filter((l) => l.includes(marker) && !l.includes('Get-CimInstance'));
  }
  const out = spawnSync('ps', ['-axo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((l) => l.includes(marker));
}

const stateShown = () => String((peer?.shown as { state?: string } | null | undefined)?.state ?? '');

describe.skipIf(binary === null)('the real app, end to end', () => {
  it('tray, popover, a live append, the Discord peer, a setting, and a clean quit', async () => {
    const rollout = await home.writeLiveSample(SAMPLES.basic, 'live', 20_000);
    const configPath = join(home.home, 'discord-presence-config.json');
    await writeFile(configPath, JSON.stringify({ schema_version: 6, discord_client_id: ID }, null, 2));
    if (withPeer) peer = await ArrpcHost.start(runtime);

    // 1. Started as the login item does: to the tray, no window.
    const a = await launch(['--hidden']);
    await expect.poll(() => hook<boolean>(a, 'trayCreated'), { timeout: 30_000 }).toBe(true);
    expect(a.windows()).toHaveLength(0);
    expect(await hook<string[]>(a, 'menuLabels')).toEqual(
      expect.arrayContaining(['Open', 'Settings…', 'Quit', 'Install command-line tool…']),
    );
    await expect.poll(() => hook<string>(a, 'trayToolTip')).toMatch(/5h: 84% left/);
    const pid = a.process().pid;
    expect((await readInstance(home.home))?.pid).toBe(pid);

    // 2. The popover, read as a person reads it.
    const popover = await windowFor(a, 'popover', () => hook(a, 'clickMenu', 'Open'));
    const fiveHour = popover.getByTestId('limit-5h');
    await expect.poll(() => fiveHour.getByTestId('left').textContent(), { timeout: 30_000 }).toBe('84% left');
    await expect.poll(() => popover.getByTestId('limit-weekly').getByTestId('left').textContent()).toBe('56% left');
    await expect
      .poll(() => popover.getByRole('region', { name: 'Sessions' }).textContent())
      .toMatch(/gpt-5\.5.*total 19k/);
    await mkdir(SHOTS, { recursive: true });
    await popover.screenshot({ path: join(SHOTS, `popover-${process.platform}.png`) });

    // 3. Discord (arRPC) shows the activity.
    if (peer !== null) {
      const p = peer;
      await p.until(() => stateShown().includes('5h 84% left'));
    }

    // 4. Codex appends a line: the popover and the peer follow.
    const reset = Math.floor(Date.now() / 1000) + 2 * 3600;
    await appendFile(
      rollout,
      `${line.tokenCount(new Date().toISOString(), 40_000, 10_900, mainLimits(50, 44, reset, reset + 4 * 86400))}\n`,
    );
    await expect.poll(() => fiveHour.getByTestId('left').textContent(), { timeout: 30_000 }).toBe('50% left');
    if (peer !== null) {
      const p = peer;
      await p.until(() => stateShown().includes('5h 50% left'));
    }

    // 5. A setting, changed in the settings window, applies: the state line shows tokens.
    const settings = await windowFor(a, 'settings', () => hook(a, 'clickMenu', 'Settings…'));
    await settings.getByLabel('Compact state line').selectOption('tokens');
    await settings.getByTestId('save').click();
    await expect.poll(() => settings.getByTestId('saved').isVisible(), { timeout: 30_000 }).toBe(true);
    const saved = JSON.parse(await readFile(configPath, 'utf8')) as { display: { state_line: string } };
    expect(saved.display.state_line).toBe('tokens');
    if (peer !== null) {
      const p = peer;
      await p.until(() => /total 40k/.test(stateShown()));
    }

    // 6. Quit from the tray menu: activity cleared, instance file gone, no process left.
    const exited = new Promise<void>((resolve) => a.process().once('exit', () => resolve()));
    await hook(a, 'clickMenu', 'Quit').catch(() => undefined); // the process may go before evaluate answers
    await exited;
    if (peer !== null) {
      const p = peer;
      await p.until(() => p.shown === null);
    }
    expect(await readInstance(home.home)).toBeNull();
    expect(existsSync(join(home.home, 'codex-discord-presence.instance.json'))).toBe(false);
    await expect.poll(() => processesMentioning(userData), { timeout: 15_000 }).toEqual([]);
  });

  it('a second launch forwards to the first instance: --settings opens its settings window', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'live', 20_000);
    const a = await launch(['--hidden']);
    await expect.poll(() => hook<boolean>(a, 'trayCreated'), { timeout: 30_000 }).toBe(true);
    const settingsShown = a.waitForEvent('window', {
      predicate: (w) => w.url().includes('settings.html'),
      timeout: 30_000,
    });
    const second = spawnSync(String(binary), [ROOT, `--user-data-dir=${userData}`, '--settings'], {
      cwd: ROOT,
      env: { ...process.env, CODEX_HOME: home.home },
      timeout: 60_000,
    });
    expect(second.status).toBe(0);
    await settingsShown;
    expect((await hook<Array<{ kind: string }>>(a, 'windows')).map((w) => w.kind)).toEqual(['settings']);
  });
});

const packaged = binary === null ? null : packagedExecutable();
describe.skipIf(packaged === null)('the packaged app (electron-builder --dir)', () => {
  it('carries the CLI bundle, which runs with node', () => {
    const bundle = join(resourcesOf(String(packaged)), 'cli', 'index.mjs');
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(join(resourcesOf(String(packaged)), 'app.asar'))).toBe(true);
    const version = JSON.parse(
      execFileSync(process.execPath, ['-p', 'JSON.stringify(require("./package.json").version)'], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as string;
    expect(execFileSync(process.execPath, [bundle, '--version'], { encoding: 'utf8' }).trim()).toBe(version);
  });

  it('answers --version, and a CLI command with where the CLI is, without starting the GUI', () => {
    const run = (...args: string[]) =>
      spawnSync(String(packaged), args, {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CODEX_HOME: home.home },
      });
    const version = run('--version');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const status = run('status');
    expect(status.status).toBe(2);
    expect(status.stdout).toContain('npm i -g codex-discord-presence');
  });
});
