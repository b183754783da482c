import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desktopEntry, LoginItem } from '../../main/loginItem.js';
import { popoverPosition, taskbarSide } from '../../main/popoverPosition.js';
import { ThresholdNotifier } from '../../main/thresholdNotifier.js';
import { trayIconFile, trayIconState, trayTitle, trayTooltip } from '../../main/trayPresentation.js';
import { popoverHeight } from '../../main/popoverPosition.js';
import { isAllowedExternal } from '../../main/ipcGuard.js';
import { snapshot, T0, window } from '../support/snapshots.js';
import { MockApp } from './electronMock.js';

const display = { x: 0, y: 0, width: 1920, height: 1080 };
const win = { width: 360, height: 540 };

describe('popoverPosition', () => {
  it('macOS / top bar: centred under the icon, below the bar', () => {
    const workArea = { x: 0, y: 25, width: 1920, height: 1055 };
    expect(taskbarSide(display, workArea, null)).toBe('top');
    expect(popoverPosition({ tray: { x: 1700, y: 0, width: 22, height: 22 }, window: win, display, workArea })).toEqual(
      { x: 1531, y: 29 },
    );
  });

  it('Windows / bottom taskbar: above the taskbar, kept on screen at the right edge', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(taskbarSide(display, workArea, null)).toBe('bottom');
    expect(
      popoverPosition({ tray: { x: 1880, y: 1045, width: 24, height: 30 }, window: win, display, workArea }),
    ).toEqual({ x: 1556, y: 496 });
  });

  it('left and right taskbars: beside the bar, vertically centred on the icon', () => {
    const left = { x: 60, y: 0, width: 1860, height: 1080 };
    expect(
      popoverPosition({ tray: { x: 10, y: 700, width: 40, height: 40 }, window: win, display, workArea: left }),
    ).toEqual({ x: 64, y: 450 });
    const right = { x: 0, y: 0, width: 1860, height: 1080 };
    expect(
      popoverPosition({ tray: { x: 1870, y: 100, width: 40, height: 40 }, window: win, display, workArea: right }),
    ).toEqual({ x: 1496, y: 4 });
  });

  it('Linux with no tray bounds: the top-right corner of the work area', () => {
    const workArea = { x: 0, y: 32, width: 1920, height: 1048 };
    expect(popoverPosition({ tray: null, window: win, display, workArea })).toEqual({ x: 1556, y: 36 });
    expect(popoverPosition({ tray: { x: 0, y: 0, width: 0, height: 0 }, window: win, display, workArea })).toEqual({
      x: 1556,
      y: 36,
    });
  });
});

describe('tray icon state', () => {
  it.each([
    [72, 40, 'normal'],
    [19.9, 40, 'warning'],
    [72, 19, 'warning'],
    [4.9, 40, 'critical'],
    [20, 50, 'normal'], // 20 is not below 20
    [50, 5, 'warning'], // 5 is not below 5
  ] as const)('%s and %s left → %s', (p, s, state) => {
    const snap = snapshot();
    snap.limits.primary = window(p);
    snap.limits.secondary = window(s, { label: 'weekly' });
    expect(trayIconState(snap)).toBe(state);
  });

  it('dimmed when there is no data, no Codex home, or it is stale', () => {
    const none = snapshot();
    none.limits.primary = null;
    none.limits.secondary = null;
    expect(trayIconState(none)).toBe('stale');
    expect(trayIconState(snapshot([], { codexHome: { path: '/x', found: false, sessionsDirFound: false } }))).toBe(
      'stale',
    );
    const stale = snapshot();
    stale.limits.primary = window(50, { stale: true });
    stale.limits.secondary = window(50, { stale: true });
    expect(trayIconState(stale)).toBe('stale');
  });

  it('the icon follows the lowest main window, whichever it is', () => {
    const low = snapshot();
    low.limits.primary = window(80);
    low.limits.secondary = window(12, { label: 'weekly' });
    expect(trayIconState(low)).toBe('warning');
    low.limits.secondary = window(3, { label: 'weekly' });
    expect(trayIconState(low)).toBe('critical');
  });

  it('title and tooltip speak the popover’s vocabulary', () => {
    expect(trayTitle(snapshot(), T0)).toBe('5h 72% left · resets 16:13');
    expect(trayTooltip(snapshot(), T0)).toBe(
      'Codex Discord Presence\n5h 72% left · resets 16:13\nweekly 40% left · resets 24 Nov 14:00',
    );
    const none = snapshot();
    none.limits.primary = null;
    expect(trayTitle(none, T0)).toBe('');
    // An absent window is not an unknown one (issue 23 §3): the window the account has, no phantom row.
    expect(trayTooltip(none, T0)).toBe('Codex Discord Presence\nweekly 40% left · resets 24 Nov 14:00');
    none.limits.secondary = null;
    expect(trayTooltip(none, T0).split('\n')[1]).toBe('5h unknown');
    expect(trayTooltip(none, T0).split('\n')).toHaveLength(2);
  });

  it('a weekly-only or monthly-only account: one line, labelled by its duration', () => {
    const weeklyWindow = snapshot().limits.secondary;
    if (weeklyWindow === null) throw new Error('the fixture has a weekly window');
    const weekly = snapshot();
    weekly.limits.primary = { ...weeklyWindow, label: 'weekly' };
    weekly.limits.secondary = null;
    expect(trayTooltip(weekly, T0)).toBe('Codex Discord Presence\nweekly 40% left · resets 24 Nov 14:00');
    expect(trayTitle(weekly, T0)).toBe('weekly 40% left · resets 24 Nov 14:00');
    const monthly = snapshot();
    monthly.limits.primary = { ...weeklyWindow, label: 'monthly', windowMinutes: 43200 };
    monthly.limits.secondary = null;
    expect(trayTooltip(monthly, T0).split('\n')).toEqual([
      'Codex Discord Presence',
      'monthly 40% left · resets 24 Nov 14:00',
    ]);
  });

  it('Linux gets a light or a dark tray image by the panel theme; macOS a template, Windows an .ico', () => {
    expect(trayIconFile('linux', 'warning', true)).toBe('tray-warning-dark.png');
    expect(trayIconFile('linux', 'warning', false)).toBe('tray-warning-light.png');
    expect(trayIconFile('darwin', 'normal', true)).toBe('tray-normalTemplate.png');
    expect(trayIconFile('win32', 'critical', false)).toBe('tray-critical.ico');
  });
});

describe('popoverHeight', () => {
  const workArea = { x: 0, y: 25, width: 1440, height: 875 };
  it('fits the content, at least the minimum, at most 80 % of the work area', () => {
    expect(popoverHeight(412.4, workArea)).toBe(413);
    expect(popoverHeight(20, workArea)).toBe(160);
    expect(popoverHeight(5000, workArea)).toBe(700);
  });
});

describe('ThresholdNotifier', () => {
  it('notifies once per crossing, and again in the next window', () => {
    const n = new ThresholdNotifier([25, 10, 5], true);
    const at = (left: number, resetsAt = T0 + 3_600_000, rolledOver = false) => {
      const s = snapshot();
      s.limits.primary = window(left, { resetsAt, rolledOver });
      s.limits.secondary = null;
      return n.check(s).map((x) => x.title);
    };
    expect(at(30)).toEqual([]);
    expect(at(24)).toEqual(['Codex 5-hour limit below 25%']);
    expect(at(24)).toEqual([]);
    expect(at(3)).toEqual(['Codex 5-hour limit below 5%']); // 10 and 5 crossed at once: one notice
    expect(at(2)).toEqual([]);
    expect(at(100, T0 + 3_600_000, true)).toEqual(['Codex 5-hour limit reset']);
    expect(at(100, T0 + 3_600_000, true)).toEqual([]);
    const next = T0 + 5 * 3_600_000;
    expect(at(20, next)).toEqual(['Codex 5-hour limit below 25%']);
  });
});

describe('LoginItem', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cdp-autostart-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Linux: writes and removes an XDG autostart entry, and reads the state back', async () => {
    const item = new LoginItem({
      platform: 'linux',
      app: new MockApp(),
      env: { XDG_CONFIG_HOME: dir },
      execPath: '/opt/Codex Presence/codex-discord-presence',
      appName: 'codex-discord-presence',
    });
    expect(await item.isEnabled()).toBe(false);
    expect(await item.setEnabled(true)).toBe(true);
    const file = join(dir, 'autostart', 'codex-discord-presence.desktop');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\n');
    expect(text).toContain('Exec="/opt/Codex Presence/codex-discord-presence" --hidden\n');
    expect(text).toContain('X-GNOME-Autostart-enabled=true');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await item.setEnabled(false)).toBe(false);
    await expect(stat(file)).rejects.toThrow();
  });

  it('Linux from an AppImage: $APPIMAGE is started, not the temporary mount', async () => {
    const item = new LoginItem({
      platform: 'linux',
      app: new MockApp(),
      env: { HOME: dir, APPIMAGE: '/home/me/Apps/Codex-Discord-Presence-0.1.0-linux-x64.AppImage' },
      execPath: '/tmp/.mount_CodexAbc/codex-discord-presence',
      appName: 'codex-discord-presence',
    });
    await item.setEnabled(true);
    const text = await readFile(join(dir, '.config', 'autostart', 'codex-discord-presence.desktop'), 'utf8');
    expect(text).toContain('Exec="/home/me/Apps/Codex-Discord-Presence-0.1.0-linux-x64.AppImage" --hidden');
  });

  it('a user who disabled the entry in their desktop settings reads back as off', async () => {
    const item = new LoginItem({
      platform: 'linux',
      app: new MockApp(),
      env: { XDG_CONFIG_HOME: dir },
      execPath: '/x',
      appName: 'a',
    });
    await item.setEnabled(true);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      item.desktopFile,
      desktopEntry('/x', 'a').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'),
    );
    expect(await item.isEnabled()).toBe(false);
  });

  it('macOS and Windows: through app.setLoginItemSettings, read back truthfully', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const app = new MockApp();
      const item = new LoginItem({ platform, app, env: {}, execPath: '/x', appName: 'a' });
      expect(await item.setEnabled(true)).toBe(true);
      expect(app.loginItem.openAtLogin).toBe(true);
      app.loginItem.openAtLogin = false; // the user switched it off in System Settings
      expect(await item.isEnabled()).toBe(false);
    }
  });

  it('desktop entry Exec quoting escapes the characters that need it', () => {
    expect(desktopEntry('/a "b"/$c', 'x')).toContain('Exec="/a \\"b\\"/\\$c" --hidden');
  });
});

describe('openExternal allowlist', () => {
  it.each([
    ['https://discord.com/developers/applications', true],
    ['https://github.com/openai/codex', true],
    ['http://discord.com/', false],
    ['https://discord.com.evil.example/', false],
    ['https://user:pw@discord.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
  ])('%s → %s', (url, ok) => expect(isAllowedExternal(url)).toBe(ok));
});
