import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrayApp } from '../../main/app.js';
import type { ConfigPort } from '../../main/appConfig.js';
import type { ElectronEdges } from '../../main/edges.js';
import { E2E_GLOBAL, withE2EHook, type E2EHook } from '../../main/e2eHook.js';
import type { UpdaterLike } from '../../main/updater.js';
import { CHANNELS, type AppState, type Settings } from '../../src/contract/index.js';
import { settingsFile } from '../../src/config/settingsFile.js';
import { loadConfig } from '../../src/config/store.js';
import { TempCodexHome } from '../support/codexHome.js';
import { MockElectron } from './electronMock.js';

// The app's own arguments, the update wiring and the test-only hook, with the
// Electron edges mocked (test/main/electronMock.ts) and real config files.
let home: TempCodexHome;
let runtime: string;
let electron: MockElectron;
let app: TrayApp | null = null;

beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-launch-'));
  electron = new MockElectron('linux', {
    CODEX_HOME: home.home,
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: join(runtime, 'config'),
    HOME: runtime,
  });
  app = null;
});
afterEach(async () => {
  // Always the app's own shutdown (it is one promise, however many ask): its publisher, history and lock
  // writers stop before the folders go. Skipping it when an exit code was already set let the removal
  // race a shutdown still under way (ENOTEMPTY).
  await app?.shutdown();
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

const configPath = () => join(home.home, 'discord-presence-config.json');
const filePort = (): ConfigPort => settingsFile(configPath());

function create(extra: Partial<ElectronEdges> = {}): TrayApp {
  Object.assign(electron, extra);
  app = new TrayApp({ edges: electron, config: filePort(), appName: 'codex-discord-presence' });
  return app;
}

const EXE = '/opt/Codex Discord Presence/codex-discord-presence';

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  installs = 0;
  checks = 0;
  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    this.emit('update-available', { version: '9.9.9' });
    return null;
  }
  quitAndInstall(): void {
    this.installs++;
  }
}

describe('launch arguments', () => {
  it('--hidden (the login item) starts to the tray; a plain launch shows the popover', async () => {
    await create({ argv: [EXE, '--hidden'], packaged: true }).start();
    expect(electron.tray).not.toBeNull();
    expect(electron.window('popover')).toBeUndefined();
    await app?.shutdown();

    electron = new MockElectron('linux', electron.env);
    expect(await create({ argv: [EXE], packaged: true }).start()).toBe(true);
    expect(electron.window('popover')?.visible).toBe(true);
  });

  it('a CLI command is answered with where the CLI is, without starting the GUI or taking the lock', async () => {
    const printed: string[] = [];
    electron.app.requestSingleInstanceLock = () => {
      throw new Error('must not be asked');
    };
    const ok = await create({
      argv: [EXE, 'status', '--json'],
      packaged: true,
      print: (t) => void printed.push(t),
    }).start();
    expect(ok).toBe(false);
    expect(electron.app.exitCode).toBe(2);
    expect(electron.tray).toBeNull();
    expect(printed.join('')).toContain('npm i -g codex-discord-presence, then: codex-discord-presence status');
  });

  it('--version prints the version and exits 0', async () => {
    const printed: string[] = [];
    await create({ argv: [EXE, '--version'], packaged: true, print: (t) => void printed.push(t) }).start();
    expect(printed).toEqual(['0.1.0\n']);
    expect(electron.app.exitCode).toBe(0);
  });

  it('unknown arguments are logged and ignored', async () => {
    await create({ argv: [EXE, '--hidden', '--frobnicate'], packaged: true }).start();
    expect(electron.tray).not.toBeNull();
    expect(electron.logs).toContain('info ignoring unknown argument "--frobnicate"');
  });

  it('a second launch forwards its request: settings opens settings, --hidden does nothing, quit quits', async () => {
    const tray = create({ argv: [EXE, '--hidden'], packaged: true });
    await tray.start();
    tray.onSecondLaunch([EXE, '--hidden']);
    expect(electron.windows).toHaveLength(0);
    tray.onSecondLaunch([EXE, '--settings', '--original-process-start-time=1']);
    expect(electron.window('settings')?.visible).toBe(true);
    expect(electron.window('popover')).toBeUndefined();
    tray.onSecondLaunch([EXE, 'bogus']);
    expect(electron.window('popover')?.visible).toBe(true);
    expect(electron.logs).toContain('info ignoring unknown argument "bogus"');
    tray.onSecondLaunch([EXE, 'quit']);
    expect(electron.app.quitRequested).toBe(true);
  });
});

describe('updates in the app', () => {
  it('a downloaded update shows "Restart to update" in the tray menu and AppState; only a click installs', async () => {
    const updater = new FakeUpdater();
    await create({ updater, updatesUnsupported: null, every: () => () => undefined }).start();
    await new Promise((r) => setImmediate(r));
    expect(updater.checks).toBe(1);
    expect(app?.appState.update).toMatchObject({ phase: 'available', version: '9.9.9' });
    updater.emit('update-downloaded', { version: '9.9.9' });
    expect(app?.appState.update?.phase).toBe('ready');
    expect(electron.tray?.menu[0]?.label).toBe('Restart to update (9.9.9)');
    expect(updater.installs).toBe(0);
    // The popover footer's button goes through the guarded IPC channel.
    electron.tray?.emitClick();
    const sender = { webContentsId: electron.window('popover')?.webContentsId ?? -1 };
    const state = (await electron.invoke(CHANNELS.getAppState, sender)) as AppState;
    expect(state.update?.phase).toBe('ready');
    await expect(electron.invoke(CHANNELS.installUpdate, sender, 'extra')).rejects.toThrow(/expected no arguments/);
    await electron.invoke(CHANNELS.installUpdate, sender);
    expect(updater.installs).toBe(1);
  });

  it('general.check_updates false: no check; turning it on in settings checks', async () => {
    await writeFile(configPath(), JSON.stringify({ schema_version: 6, general: { check_updates: false } }));
    const updater = new FakeUpdater();
    await create({ updater, updatesUnsupported: null, every: () => () => undefined }).start();
    expect(updater.checks).toBe(0);
    expect(app?.appState.update?.phase).toBe('disabled');
    const settings = (await electron.invoke(CHANNELS.getSettings, {
      webContentsId: (electron.tray?.emitClick(), electron.window('popover')?.webContentsId ?? -1),
    })) as Settings;
    expect(settings.general.checkUpdates).toBe(false);
    const saved = await app?.saveSettings({ ...settings, general: { ...settings.general, checkUpdates: true } });
    expect(saved?.ok).toBe(true);
    expect(updater.checks).toBe(1);
    const onDisk = (await loadConfig(configPath())).config;
    expect(onDisk.general.checkUpdates).toBe(true);
  });
});

describe('Install command-line tool…', () => {
  it('is in the tray menu when the build carries the CLI, and reports the result as a notification', async () => {
    await create({
      installCli: async () => ({ ok: true, launcher: '/home/u/.local/bin/x', onPath: true, message: 'Installed x.' }),
    }).start();
    const item = electron.tray?.menuItem('Install command-line tool…');
    item?.click?.();
    // The notice follows the install's answer: wait for it (a fixed sleep raced the app on a loaded machine).
    const installed = { title: 'Command-line tool installed', body: 'Installed x.' };
    const shown = (): boolean => electron.notices.some((n) => n.title === installed.title);
    for (let i = 0; i < 500 && !shown(); i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(electron.notices).toContainEqual(installed);
  });
});

describe('the end-to-end test hook', () => {
  it('exists only with CODEX_PRESENCE_E2E=1, and then shows the tray and its menu', async () => {
    const target: Record<string, unknown> = {};
    expect(withE2EHook(electron, target)).toBe(electron);
    expect(target[E2E_GLOBAL]).toBeUndefined();

    electron = new MockElectron('linux', { ...electron.env, CODEX_PRESENCE_E2E: '1' });
    const edges = withE2EHook(electron, target);
    const hook = target[E2E_GLOBAL] as E2EHook;
    expect(hook.trayCreated()).toBe(false);
    app = new TrayApp({ edges, config: filePort(), appName: 'codex-discord-presence' });
    await app.start();
    expect(hook.trayCreated()).toBe(true);
    expect(hook.menuLabels()).toContain('Settings…');
    hook.clickMenu('Settings…');
    expect(hook.windows()).toEqual([{ kind: 'settings', visible: true, webContentsId: expect.any(Number) }]);
    expect(() => hook.clickMenu('Nope')).toThrow(/no clickable/);
  });
});

describe('login item starts to the tray', () => {
  it('Windows: the login item passes --hidden; macOS: a start at login shows no popover', async () => {
    const { LoginItem } = await import('../../main/loginItem.js');
    const calls: Array<{ openAtLogin: boolean; args?: string[] }> = [];
    const winApp = {
      getLoginItemSettings: () => ({ openAtLogin: calls.at(-1)?.openAtLogin ?? false }),
      setLoginItemSettings: (s: { openAtLogin: boolean; args?: string[] }) => void calls.push(s),
    };
    await new LoginItem({ platform: 'win32', app: winApp, env: {}, execPath: 'C:\\x.exe', appName: 'a' }).setEnabled(
      true,
    );
    expect(calls[0]).toMatchObject({ openAtLogin: true, args: ['--hidden'] });

    electron = new MockElectron('darwin', electron.env);
    electron.app.getLoginItemSettings = () => ({ openAtLogin: true, wasOpenedAtLogin: true });
    await create({ argv: ['/Applications/X.app/Contents/MacOS/X'], packaged: true }).start();
    expect(electron.tray).not.toBeNull();
    expect(electron.window('popover')).toBeUndefined();
  });
});
