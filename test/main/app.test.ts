import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrayApp } from '../../main/app.js';
import type { ConfigPort } from '../../main/appConfig.js';
import {
  CHANNELS,
  type AppState,
  type DoctorResult,
  type SaveResult,
  type Settings,
  type UsageSnapshot,
} from '../../src/contract/index.js';
import { settingsFile } from '../../src/config/settingsFile.js';
import { readInstance } from '../../src/instance/instanceFile.js';
import { startCli } from '../support/cli.js';
import { lastTimestamp, line, readSample, SAMPLES, shiftTimes, shown, TempCodexHome } from '../support/codexHome.js';
import { FakeCodex } from '../support/fakeCodex.js';
import { FakeDiscord } from '../support/fakeDiscord.js';
import { MockElectron } from './electronMock.js';
import { testIpc } from '../support/discordIpc.js';

// The app's wiring with the Electron edges mocked, everything else real: a
// Codex home on disk, a Discord IPC server on a real socket, real config files.
const ID = '123456789012345678';
let home: TempCodexHome;
let runtime: string;
let fake: FakeDiscord;
let app: TrayApp | null;
let electron: MockElectron;
/** The publisher lock: in the runtime folder, never in the Codex home. */
const lockDir = () => join(runtime, 'codex-discord-presence');

beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-app-xdg-'));
  fake = await FakeDiscord.start(testIpc(runtime).path(0));
  electron = new MockElectron('linux', {
    CODEX_HOME: home.home,
    ...testIpc(runtime).env,
    XDG_CONFIG_HOME: join(runtime, 'config'),
    HOME: runtime,
  });
  app = null;
});
afterEach(async () => {
  // Always the app's own shutdown (one promise however many ask), so no writer outlives the folders.
  await app?.shutdown();
  await fake.close();
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

function filePort(): ConfigPort {
  const path = join(home.home, 'discord-presence-config.json');
  return settingsFile(path);
}

async function writeConfig(extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(
    join(home.home, 'discord-presence-config.json'),
    JSON.stringify({ schema_version: 6, discord_client_id: ID, ...extra }),
  );
}

const liveSample = (sample: string = SAMPLES.basic) => home.writeLiveSample(sample, 'live', 20_000);

async function start(): Promise<TrayApp> {
  app = new TrayApp({ edges: electron, config: filePort(), appName: 'codex-discord-presence' });
  expect(await app.start()).toBe(true);
  return app;
}

const popoverSender = () => ({ webContentsId: electron.window('popover')?.webContentsId ?? -1 });

describe('tray app', () => {
  it('shows the limits in the tray and publishes the current session to Discord', async () => {
    await writeConfig();
    await liveSample();
    await start();
    await fake.until(() => fake.activities.some((a) => a !== null));
    expect(fake.activities.find((a) => a !== null)).toMatchObject({
      details: 'Idle',
      state: '5h 84% left · Weekly 56% left',
    });
    expect(electron.tray?.image).toBe('normal');
    expect(electron.tray?.tooltip).toMatch(
      /^Codex Discord Presence\n5h 84% left · resets (\d+ \w{3} )?\d\d:\d\d\nweekly 56% left · resets \d+ \w{3} \d\d:\d\d$/,
    );
    expect(electron.tray?.menu.map((m) => m.label ?? '—')).toEqual([
      'Open',
      'Discord: connected',
      '—',
      'Pause presence',
      'Settings…',
      'Launch at login',
      'Open logs folder',
      '—',
      'Quit',
    ]);
    const instance = await readInstance(lockDir());
    expect(instance).toMatchObject({ pid: process.pid, kind: 'gui' });
  });

  it('AppState names the Discord application (Settings → Discord shows it) and why Discord is off', async () => {
    await start();
    // A source build has no built-in application: none, and the reason's kind for a short wording.
    expect(app?.appState.application).toEqual({ source: 'none', id: null });
    expect(app?.appState.discord).toMatchObject({ state: 'disabled', kind: 'no-application' });
    const settings = (await electron.invoke(CHANNELS.getSettings, {
      webContentsId: (electron.tray?.emitClick(), electron.window('popover')?.webContentsId ?? -1),
    })) as Settings;
    expect((await app?.saveSettings({ ...settings, discordClientId: ID }))?.ok).toBe(true);
    expect(app?.appState.application).toEqual({ source: 'yours', id: ID });
    await fake.until(() => fake.handshakes.length > 0);
    expect(fake.handshakes[0]?.data).toEqual({ v: 1, client_id: ID });
  });

  it('a second launch shows the first instance’s popover, placed under the tray icon', async () => {
    await start();
    expect(electron.window('popover')).toBeUndefined();
    electron.app.launchSecondInstance();
    const popover = electron.window('popover');
    expect(popover?.visible).toBe(true);
    // Tray at x=1500 (24 px wide), menu bar on top: centred under the icon, 4 px below the menu bar.
    expect(popover?.position).toEqual({ x: 1500 + 12 - 180, y: 25 + 4 });
  });

  it('on macOS there is no Dock icon', async () => {
    electron = new MockElectron('darwin', { CODEX_HOME: home.home, ...testIpc(runtime).env, HOME: runtime });
    await start();
    expect(electron.app.dockHidden).toBe(true);
  });

  it('a second instance that cannot get the lock quits at once', async () => {
    electron.app.lockAvailable = false;
    const second = new TrayApp({ edges: electron, config: filePort(), appName: 'codex-discord-presence' });
    expect(await second.start()).toBe(false);
    expect(electron.app.exitCode).toBe(0);
    expect(electron.tray).toBeNull();
  });

  it('clicking the tray toggles the popover; a blur right after showing is ignored, a later one hides it', async () => {
    await start();
    electron.tray?.emitClick();
    const popover = electron.window('popover');
    expect(popover?.visible).toBe(true);
    popover?.emitBlur(); // the same click that opened it
    expect(popover?.visible).toBe(true);
    electron.clock += 1000;
    popover?.emitBlur();
    expect(popover?.visible).toBe(false);
    electron.tray?.emitClick();
    expect(popover?.visible).toBe(true);
    electron.tray?.emitClick();
    expect(popover?.visible).toBe(false);
  });

  it('Settings opens once; opening again focuses the same window', async () => {
    await start();
    electron.tray?.menuItem('Settings…').click?.();
    electron.tray?.menuItem('Settings…').click?.();
    expect(electron.windows.filter((w) => w.kind === 'settings')).toHaveLength(1);
    expect(electron.window('settings')?.focused).toBe(true);
  });

  it('Quit clears the Discord activity before exiting, and removes the instance file', async () => {
    await writeConfig();
    await liveSample();
    await start();
    await fake.until(() => fake.activities.some((a) => a !== null));
    electron.tray?.menuItem('Quit').click?.();
    await fake.until(() => fake.activities.at(-1) === null);
    await expect.poll(() => electron.app.exitCode).toBe(0);
    expect(await readInstance(lockDir())).toBeNull();
  });

  it('a logout or shutdown signal also clears the activity', async () => {
    await writeConfig();
    await liveSample();
    await start();
    await fake.until(() => fake.activities.some((a) => a !== null));
    electron.systemShutdown();
    await fake.until(() => fake.activities.at(-1) === null);
    await expect.poll(() => electron.app.exitCode).toBe(0);
  });

  it('pausing clears the presence; resuming shows it again; the menu follows', async () => {
    await writeConfig();
    await liveSample();
    await start();
    await fake.until(() => fake.activities.some((a) => a !== null));
    electron.tray?.menuItem('Pause presence').click?.();
    await fake.until(() => fake.activities.at(-1) === null);
    expect(electron.tray?.menuItem('Pause presence').checked).toBe(true);
    expect(electron.tray?.menuItem('Discord: paused')).toBeDefined();
    electron.tray?.menuItem('Pause presence').click?.();
    await fake.until(() => fake.activities.at(-1) !== null);
  });
});

describe('IPC', () => {
  it('answers the app’s own windows, and pushes snapshots to them', async () => {
    await liveSample();
    await start();
    electron.tray?.emitClick();
    const snap = (await electron.invoke(CHANNELS.getSnapshot, popoverSender())) as UsageSnapshot;
    expect(snap.sessions[0]?.tokens.total).toBe(18900);
    const state = (await electron.invoke(CHANNELS.getAppState, popoverSender())) as AppState;
    expect(state).toMatchObject({ paused: false, launchAtLogin: false, version: '0.1.0' });
    const file = home.rolloutPath('2026-11-21', 'live');
    await appendFile(file, `${line.tokenCount(new Date().toISOString(), 30_000, 900)}\n`);
    await expect
      .poll(() =>
        electron
          .window('popover')
          ?.sent.some(
            ([c, p]) =>
              c === CHANNELS.snapshotChanged && (p as UsageSnapshot).sessions[0]?.tokens.total === shown(30_000),
          ),
      )
      .toBe(true);
  });

  it('"published" is true only once the activity is really on Discord, and false when paused', async () => {
    await writeConfig();
    await liveSample();
    await start();
    electron.tray?.emitClick();
    const state = async () => (await electron.invoke(CHANNELS.getAppState, popoverSender())) as AppState;
    await fake.until(() => fake.activities.some((a) => a !== null));
    await expect.poll(async () => (await state()).published).toBe(true);
    await electron.invoke(CHANNELS.setPaused, popoverSender(), true);
    expect(await state()).toMatchObject({ paused: true, published: false });
    const pushed = electron.window('popover')?.sent.filter(([c]) => c === CHANNELS.appStateChanged) ?? [];
    expect((pushed.at(-1)?.[1] as AppState).published).toBe(false);
  });

  it('the popover asks for its content height: main sizes it within the work area and keeps it at the tray', async () => {
    await start();
    electron.tray?.emitClick();
    const win = electron.window('popover');
    await electron.invoke(CHANNELS.resizePopover, popoverSender(), 300.2);
    expect(win?.getSize()).toEqual({ width: 360, height: 301 });
    await electron.invoke(CHANNELS.resizePopover, popoverSender(), 5000);
    expect(win?.getSize().height).toBeLessThan(5000);
    await expect(electron.invoke(CHANNELS.resizePopover, popoverSender(), -1)).rejects.toThrow(/height/);
    await electron.invoke(CHANNELS.closePopover, popoverSender());
    expect(win?.isVisible()).toBe(false);
  });

  it('Retry reconnects without passing through "disabled"; Run doctor returns the CLI’s checks', async () => {
    await writeConfig();
    await liveSample();
    await start();
    electron.tray?.emitClick();
    await fake.until(() => fake.activities.some((a) => a !== null));
    const before = electron.window('popover')?.sent.length ?? 0;
    await electron.invoke(CHANNELS.retryDiscord, popoverSender());
    await expect
      .poll(async () => ((await electron.invoke(CHANNELS.getAppState, popoverSender())) as AppState).discord.state)
      .toBe('connected');
    const states = (electron.window('popover')?.sent.slice(before) ?? [])
      .filter(([c]) => c === CHANNELS.appStateChanged)
      .map(([, p]) => (p as AppState).discord.state);
    expect(states).not.toContain('disabled');
    const report = (await electron.invoke(CHANNELS.runDoctor, popoverSender())) as DoctorResult;
    expect(report.checks.find((c) => c.id === 'codex-home')?.status).toBe('ok');
    expect(report.checks.every((c) => ['ok', 'warn', 'fail'].includes(c.status))).toBe(true);
  });

  it('a saved setting reaches every open window at once', async () => {
    await start();
    electron.tray?.emitClick();
    const current = (await electron.invoke(CHANNELS.getSettings, popoverSender())) as Settings;
    const result = (await electron.invoke(CHANNELS.saveSettings, popoverSender(), {
      ...current,
      general: { ...current.general, theme: 'dark' },
    })) as { ok: boolean };
    expect(result.ok).toBe(true);
    const sent = electron.window('popover')?.sent.filter(([c]) => c === CHANNELS.settingsChanged) ?? [];
    expect((sent.at(-1)?.[1] as Settings).general.theme).toBe('dark');
  });

  it('rejects foreign senders, sub-frames, remote pages and bad payloads', async () => {
    await start();
    electron.tray?.emitClick();
    await expect(electron.invoke(CHANNELS.getSnapshot, { webContentsId: 9999 })).rejects.toThrow(
      /not a window of this app/,
    );
    await expect(electron.invoke(CHANNELS.getSnapshot, { ...popoverSender(), isMainFrame: false })).rejects.toThrow(
      /sub-frame/,
    );
    await expect(
      electron.invoke(CHANNELS.getSnapshot, { ...popoverSender(), url: 'https://evil.example/' }),
    ).rejects.toThrow(/not an app page/);
    await expect(electron.invoke(CHANNELS.setPaused, popoverSender(), 'yes')).rejects.toThrow(/expected one boolean/);
    await expect(electron.invoke(CHANNELS.saveSettings, popoverSender(), { discordClientId: 5 })).rejects.toThrow(
      /Settings object/,
    );
    await expect(electron.invoke(CHANNELS.openExternal, popoverSender(), 'http://discord.com/')).rejects.toThrow(
      /not an allowed https origin/,
    );
    await expect(electron.invoke(CHANNELS.openExternal, popoverSender(), 'https://evil.example/')).rejects.toThrow(
      /not an allowed/,
    );
    await electron.invoke(CHANNELS.openExternal, popoverSender(), 'https://discord.com/developers/applications');
    expect(electron.opened).toEqual(['https://discord.com/developers/applications']);
    expect(electron.logs.filter((l) => l.startsWith('warn IPC rejected'))).toHaveLength(7);
  });
});

describe('live settings', () => {
  async function settingsOf(): Promise<Settings> {
    return (await electron.invoke(CHANNELS.getSettings, popoverSender())) as Settings;
  }

  it('a new client id reconnects Discord; a privacy change re-renders; invalid input saves nothing', async () => {
    await writeConfig();
    await liveSample();
    await start();
    electron.tray?.emitClick();
    await fake.until(() => fake.activities.some((a) => a !== null));
    const s = await settingsOf();
    s.discordClientId = 'not-a-number';
    const bad = await electron.invoke(CHANNELS.saveSettings, popoverSender(), s);
    expect(bad).toMatchObject({ ok: false, errors: { discordClientId: expect.stringContaining('17 to 20 digits') } });
    expect(JSON.parse(await readFile(join(home.home, 'discord-presence-config.json'), 'utf8')).discord_client_id).toBe(
      ID,
    );

    s.discordClientId = '998877665544332211';
    await electron.invoke(CHANNELS.saveSettings, popoverSender(), s);
    await fake.until(() => fake.handshakes.some((h) => h.data.client_id === '998877665544332211'));

    s.privacy.preset = 'detailed';
    await electron.invoke(CHANNELS.saveSettings, popoverSender(), s);
    await fake.until(() => (fake.activities.at(-1) as { details?: string } | null)?.details === 'Idle · orbit-api');
  });

  it('start only reads the config; Save writes it, keeping other tools’ keys, or says why it cannot', async () => {
    const path = join(home.home, 'discord-presence-config.json');
    const text = JSON.stringify({
      schema_version: 13,
      discord_client_id: ID,
      idle: { after_minutes: -1 },
      pricing: { aliases: { a: 'b' } },
      display: { presence_layout: { label_style: 'compact' } },
    });
    await writeFile(path, text);
    await start();
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(electron.notices.map((n) => n.title)).toContain('Some settings are invalid');
    electron.tray?.emitClick();
    const s = await settingsOf();
    s.general.theme = 'dark';
    await chmod(path, 0o444);
    const refused = (await electron.invoke(CHANNELS.saveSettings, popoverSender(), s)) as SaveResult;
    expect(refused).toMatchObject({ ok: false, errors: { _form: expect.stringMatching(/read-only \(mode 0444\)/) } });
    expect(await readFile(path, 'utf8')).toBe(text);
    await chmod(path, 0o600);
    expect(await electron.invoke(CHANNELS.saveSettings, popoverSender(), s)).toMatchObject({ ok: true });
    const written = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(written).toMatchObject({
      schema_version: 13,
      presence_schema_version: 7,
      pricing: { aliases: { a: 'b' } },
      display: { presence_layout: { label_style: 'compact' } },
      idle: { after_minutes: 10 },
      general: { theme: 'dark' },
    });
    const backups = (await readdir(home.home)).filter((f) => f.endsWith('.bak'));
    expect(await readFile(join(home.home, backups[0] ?? ''), 'utf8')).toBe(text);
  });

  it('a new Codex home restarts the watcher on it', async () => {
    await start();
    electron.tray?.emitClick();
    const other = await TempCodexHome.create();
    try {
      const content = await readSample(SAMPLES.nearLimit);
      const last = lastTimestamp(content)?.getTime() ?? 0;
      await other.writeRollout(
        other.rolloutPath('2026-11-21', 'other'),
        shiftTimes(content, Date.now() - 10_000 - last),
      );
      const s = await settingsOf();
      s.general.codexHome = other.home;
      await electron.invoke(CHANNELS.saveSettings, popoverSender(), s);
      const snap = (await electron.invoke(CHANNELS.getSnapshot, popoverSender())) as UsageSnapshot;
      expect(snap.codexHome.path).toBe(other.home);
      expect(snap.sessions[0]?.project).toBe('skyline-web');
      expect(electron.tray?.image).toBe('warning'); // 5.5 % left in that sample: below 20, not below 5
    } finally {
      await other.remove();
    }
  });
});

describe('notifications', () => {
  it('fire once per threshold crossing', async () => {
    const file = await liveSample();
    await start();
    expect(electron.notices).toEqual([]);
    const reset = Math.floor(Date.now() / 1000) + 3 * 3600;
    const limits = (used: number) => ({
      limit_id: 'codex',
      primary: { used_percent: used, window_minutes: 300, resets_at: reset },
      secondary: { used_percent: 10, window_minutes: 10080, resets_at: reset + 86400 },
    });
    let total = 29100;
    const push = async (used: number): Promise<void> => {
      total += 100;
      await appendFile(file, `${line.tokenCount(new Date().toISOString(), total, 100, limits(used))}\n`);
      await expect.poll(() => electron.tray?.tooltip ?? '').toContain(`5h ${100 - used}% left`);
    };
    await push(70); // 30 % left
    await push(80); // 20 % left: crosses 25
    await push(81); // still above 10: nothing new
    await push(91); // 9 % left: crosses 10
    await push(92);
    expect(electron.notices.map((n) => n.title)).toEqual([
      'Codex 5-hour limit below 25%',
      'Codex 5-hour limit below 10%',
    ]);
    expect(electron.tray?.image).toBe('warning');
  });
});

describe('one publisher', () => {
  it('first run with no Codex home: the app starts, its lock is in the runtime folder, and nothing is created in the home', async () => {
    const missing = join(runtime, 'no-codex-yet');
    electron = new MockElectron('linux', {
      CODEX_HOME: missing,
      ...testIpc(runtime).env,
      XDG_CONFIG_HOME: join(runtime, 'config'),
      HOME: runtime,
    });
    await start();
    expect(await readInstance(lockDir())).toMatchObject({ pid: process.pid, kind: 'gui' });
    expect(existsSync(missing)).toBe(false);
  });

  it('takes over from a headless run: it is asked to stop, then the app publishes', async () => {
    await writeConfig();
    await liveSample();
    const run = startCli(['run'], { CODEX_HOME: home.home, ...testIpc(runtime).env });
    await expect.poll(async () => (await readInstance(lockDir()))?.kind, { timeout: 10_000 }).toBe('headless');
    await start();
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    expect(run.output().stdout).toContain('stopped (SIGTERM)');
    expect(await readInstance(lockDir())).toMatchObject({ pid: process.pid, kind: 'gui' });
    await fake.until(() => fake.activities.at(-1) !== null && fake.activities.at(-1) !== undefined);
  });

  it('defers to a codex wrapper: its codex is never signalled, and the app publishes once codex exits', async () => {
    await writeConfig();
    await liveSample();
    const codex = await FakeCodex.install(runtime);
    const wrapper = startCli(['codex'], { CODEX_HOME: home.home, ...testIpc(runtime).env, PATH: codex.path() });
    try {
      await expect.poll(async () => (await readInstance(lockDir()))?.kind, { timeout: 10_000 }).toBe('wrapper');
      await fake.until(() => fake.activities.some((a) => a !== null));
      const handshakes = fake.handshakes.length;
      const tray = await start();
      expect(tray.appState.discord.reason).toBe(
        `a codex wrapper (pid ${wrapper.child.pid}) is publishing until its codex exits`,
      );
      expect(fake.handshakes.length).toBe(handshakes); // the app has not connected: one publisher
      expect((await readInstance(lockDir()))?.pid).toBe(wrapper.child.pid);
      await codex.finish(0);
      expect((await wrapper.exited).code).toBe(0);
      await expect.poll(async () => (await readInstance(lockDir()))?.kind, { timeout: 10_000 }).toBe('gui');
      await fake.until(() => fake.handshakes.length > handshakes && fake.activities.at(-1) != null);
      expect(await codex.signals()).toEqual([]);
    } finally {
      wrapper.child.kill('SIGKILL');
    }
  });
});
