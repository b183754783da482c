import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrayApp } from '../../main/app.js';
import { CHANNELS } from '../../src/contract/index.js';
import { settingsFile } from '../../src/config/settingsFile.js';
import { TempCodexHome } from '../support/codexHome.js';
import { MockElectron } from './electronMock.js';

// The IPC table (main/ipc.ts): every channel a window may call has one row,
// a shape and a handler; the channels main only pushes have none.
let home: TempCodexHome;
let runtime: string;
let electron: MockElectron;
let app: TrayApp;

beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-ipc-'));
  electron = new MockElectron('linux', { CODEX_HOME: home.home, XDG_RUNTIME_DIR: runtime, HOME: runtime });
  app = new TrayApp({
    edges: electron,
    config: settingsFile(join(home.home, 'discord-presence-config.json')),
    appName: 'codex-discord-presence',
  });
  expect(await app.start()).toBe(true);
});
afterEach(async () => {
  await app.shutdown();
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

const PUSHED = [CHANNELS.snapshotChanged, CHANNELS.appStateChanged, CHANNELS.settingsChanged, CHANNELS.historyChanged];
const WITH_ARGS = [
  CHANNELS.saveSettings,
  CHANNELS.setPaused,
  CHANNELS.setLaunchAtLogin,
  CHANNELS.openExternal,
  CHANNELS.inspectCodexHome,
  CHANNELS.resizePopover,
  CHANNELS.getHistory,
];

describe('the IPC table', () => {
  it('handles every channel a window calls, and none that main only pushes', () => {
    const expected = Object.values(CHANNELS).filter((c) => !(PUSHED as string[]).includes(c));
    expect([...electron.handlers.keys()].sort()).toEqual(expected.sort());
  });

  it('a channel that takes nothing refuses an argument; one that takes one refuses none; both are logged', async () => {
    electron.tray?.emitClick();
    const sender = { webContentsId: electron.window('popover')?.webContentsId ?? -1 };
    const called = [...electron.handlers.keys()];
    for (const channel of called.filter((c) => !(WITH_ARGS as string[]).includes(c))) {
      await expect(electron.invoke(channel, sender, 'extra')).rejects.toThrow(`${channel}: expected no arguments`);
    }
    for (const channel of WITH_ARGS) {
      await expect(electron.invoke(channel, sender)).rejects.toThrow(new RegExp(`^${channel}: expected `));
    }
    expect(electron.logs.filter((l) => l.startsWith('warn IPC rejected'))).toHaveLength(called.length);
  });

  it('openSettings takes no argument (the first tab) or one tab id, and opens or moves the window there; anything else is refused and logged', async () => {
    electron.tray?.emitClick();
    const sender = { webContentsId: electron.window('popover')?.webContentsId ?? -1 };
    // The popover's "Choose Codex folder…": the settings window opens on General.
    await electron.invoke(CHANNELS.openSettings, sender, 'general');
    const settings = electron.window('settings');
    expect(settings?.visible).toBe(true);
    expect(settings?.hash).toBe('general');
    // An open window moves to the tab asked for, and stays the one window.
    settings?.showPage('discord');
    await electron.invoke(CHANNELS.openSettings, sender, 'general');
    expect(electron.window('settings')).toBe(settings);
    expect(settings?.hash).toBe('general');
    // No tab: raised as it is.
    await electron.invoke(CHANNELS.openSettings, sender);
    expect(settings?.hash).toBe('general');
    const before = electron.logs.filter((l) => l.startsWith('warn IPC rejected')).length;
    for (const bad of [['nope'], ['General'], [42], [null], ['general', 'history'], [{ tab: 'general' }]]) {
      await expect(electron.invoke(CHANNELS.openSettings, sender, ...bad)).rejects.toThrow(
        `${CHANNELS.openSettings}: expected no arguments or one tab id (discord, privacy, limits, general, history)`,
      );
    }
    expect(electron.logs.filter((l) => l.startsWith('warn IPC rejected')).length - before).toBe(6);
    expect(settings?.hash).toBe('general');
  });
});
