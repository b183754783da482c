import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { UpdateState } from '../../src/contract/index.js';
import { oneLine, UPDATE_INTERVAL_MS, UpdateController, updateSupport, type UpdaterLike } from '../../main/updater.js';

/**
 * Stands in for electron-updater's autoUpdater (the injected edge): it emits
 * the same events in the same order as AppUpdater does for a GitHub release.
 * What is under test is our state machine, not electron-updater.
 */
class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  checks = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  /** What the next check finds. */
  next: { kind: 'none' } | { kind: 'update'; version: string } | { kind: 'fail'; error: Error } = { kind: 'none' };

  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    await Promise.resolve();
    const next = this.next;
    if (next.kind === 'fail') {
      // Like AppUpdater: the error event, then the rejection.
      this.emit('error', next.error);
      throw next.error;
    }
    if (next.kind === 'none') this.emit('update-not-available', { version: '0.1.0' });
    else this.emit('update-available', { version: next.version });
    return { updateInfo: { version: next.kind === 'update' ? next.version : '0.1.0' } };
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

function setup(opts: { enabled?: boolean; unsupported?: string | null } = {}) {
  const updater = new FakeUpdater();
  const states: UpdateState[] = [];
  const logs: string[] = [];
  const timers: Array<{ ms: number; fn: () => void; cancelled: boolean }> = [];
  let clock = Date.parse('2026-11-22T06:00:00.000Z');
  const controller = new UpdateController({
    updater,
    unsupported: opts.unsupported ?? null,
    enabled: opts.enabled ?? true,
    log: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`) },
    now: () => clock,
    every: (ms, fn) => {
      const t = { ms, fn, cancelled: false };
      timers.push(t);
      return () => void (t.cancelled = true);
    },
    onChange: (s) => states.push(s),
  });
  const settle = () => new Promise((r) => setImmediate(r));
  return { updater, controller, states, logs, timers, settle, advance: (ms: number) => (clock += ms) };
}

describe('UpdateController', () => {
  it('downloads in the background and installs only when asked: none → checking → available → downloading → ready', async () => {
    const t = setup();
    expect(t.updater.autoDownload).toBe(true);
    expect(t.updater.autoInstallOnAppQuit).toBe(false);
    expect(t.controller.state.phase).toBe('none');
    t.updater.next = { kind: 'update', version: '0.2.0' };
    t.controller.start();
    await t.settle();
    expect(t.controller.state).toMatchObject({
      phase: 'available',
      version: '0.2.0',
      lastCheck: Date.parse('2026-11-22T06:00:00.000Z'),
    });
    t.updater.emit('download-progress', { percent: 41.6 });
    expect(t.controller.state).toMatchObject({ phase: 'downloading', percent: 42 });
    t.updater.emit('download-progress', { percent: 250 });
    expect(t.controller.state.percent).toBe(100);
    t.updater.emit('update-downloaded', { version: '0.2.0' });
    expect(t.controller.state).toMatchObject({ phase: 'ready', version: '0.2.0', message: null });
    expect(t.states.map((s) => s.phase)).toEqual(['checking', 'available', 'downloading', 'downloading', 'ready']);
    // Nothing installs by itself, not even at the next scheduled check.
    t.timers[0]?.fn();
    await t.settle();
    expect(t.updater.checks).toBe(1);
    expect(t.updater.installs).toEqual([]);
    expect(t.controller.install()).toBe(true);
    expect(t.updater.installs).toEqual([[false, true]]);
    expect(t.timers[0]?.cancelled).toBe(true);
  });

  it('install() does nothing unless an update is ready', async () => {
    const t = setup();
    t.controller.start();
    await t.settle();
    expect(t.controller.state.phase).toBe('none');
    expect(t.controller.install()).toBe(false);
    expect(t.updater.installs).toEqual([]);
  });

  it('checks at start and every 6 hours, recording the last check', async () => {
    const t = setup();
    t.controller.start();
    await t.settle();
    expect(t.updater.checks).toBe(1);
    expect(t.timers.map((x) => x.ms)).toEqual([UPDATE_INTERVAL_MS]);
    expect(UPDATE_INTERVAL_MS).toBe(6 * 3600 * 1000);
    t.advance(UPDATE_INTERVAL_MS);
    t.timers[0]?.fn();
    await t.settle();
    expect(t.updater.checks).toBe(2);
    expect(t.controller.state).toMatchObject({ phase: 'none', lastCheck: Date.parse('2026-11-22T12:00:00.000Z') });
    // start() twice does not add a second timer.
    t.controller.start();
    await t.settle();
    expect(t.timers).toHaveLength(1);
  });

  it('a failed check is logged in full and shown as one line, once; the next check recovers', async () => {
    const t = setup();
    t.updater.next = {
      kind: 'fail',
      error: new Error('HttpError: 404 \n"method: GET url: https://github.com/x/y/releases.atom"\n<html>…'),
    };
    t.controller.start();
    await t.settle();
    expect(t.controller.state).toMatchObject({ phase: 'error', message: 'Update check failed: HttpError: 404' });
    expect(t.controller.state.message).not.toContain('\n');
    const warnings = t.logs.filter((l) => l.startsWith('warn'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('releases.atom');
    t.updater.next = { kind: 'none' };
    t.timers[0]?.fn();
    await t.settle();
    expect(t.controller.state).toMatchObject({ phase: 'none', message: null });
  });

  it('an error after the download keeps the update installable', async () => {
    const t = setup();
    t.updater.next = { kind: 'update', version: '0.3.0' };
    t.controller.start();
    await t.settle();
    t.updater.emit('update-downloaded', { version: '0.3.0' });
    t.updater.emit('error', new Error('net::ERR_INTERNET_DISCONNECTED'));
    expect(t.controller.state.phase).toBe('ready');
    expect(t.controller.install()).toBe(true);
  });

  it('the setting turns checking off and on; off never checks', async () => {
    const t = setup({ enabled: false });
    t.controller.start();
    await t.settle();
    expect(t.updater.checks).toBe(0);
    expect(t.controller.state).toMatchObject({ phase: 'disabled', message: 'Update checks are off in Settings.' });
    t.controller.setEnabled(true);
    await t.settle();
    expect(t.updater.checks).toBe(1);
    expect(t.controller.state.phase).toBe('none');
    t.controller.setEnabled(false);
    expect(t.timers[0]?.cancelled).toBe(true);
    expect(t.controller.state.phase).toBe('disabled');
    await t.controller.check();
    expect(t.updater.checks).toBe(1);
  });

  it('an unsupported build (not installed) never checks and says why', async () => {
    const t = setup({ unsupported: 'Updates work in the installed app only.' });
    t.controller.start();
    await t.controller.check();
    expect(t.updater.checks).toBe(0);
    expect(t.controller.state).toMatchObject({ phase: 'disabled', message: 'Updates work in the installed app only.' });
  });

  it('a check that resolves without any event does not stay "checking"', async () => {
    const t = setup();
    t.updater.checkForUpdates = async () => null;
    await t.controller.check();
    expect(t.controller.state.phase).toBe('none');
  });

  it('oneLine keeps the first non-empty line, short', () => {
    expect(oneLine(new Error('\n\nfirst\nsecond'))).toBe('Update check failed: first');
    expect(oneLine('x'.repeat(500)).length).toBeLessThan(200);
  });
});

describe('updateSupport', () => {
  const base = { packaged: true, env: {}, besideExecutable: [], packageType: null };
  it('dev runs, MSI installs and unpacked Linux copies are not updated; NSIS, AppImage, deb and macOS are', () => {
    expect(updateSupport({ ...base, packaged: false, platform: 'darwin' })).toMatch(/installed app only/);
    expect(updateSupport({ ...base, platform: 'darwin' })).toBeNull();
    expect(updateSupport({ ...base, platform: 'win32', besideExecutable: ['resources', 'x.exe'] })).toMatch(/MSI/);
    expect(
      updateSupport({ ...base, platform: 'win32', besideExecutable: ['Uninstall Codex Discord Presence.exe'] }),
    ).toBeNull();
    expect(updateSupport({ ...base, platform: 'linux' })).toMatch(/AppImage and the \.deb only/);
    expect(updateSupport({ ...base, platform: 'linux', env: { APPIMAGE: '/a/x.AppImage' } })).toBeNull();
    expect(updateSupport({ ...base, platform: 'linux', packageType: 'deb\n' })).toBeNull();
  });
});
