import { EventEmitter } from 'node:events';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TrayApp } from '../../main/app.js';
import type { ConfigPort } from '../../main/appConfig.js';
import type { ElectronEdges, WindowKind, WindowLike } from '../../main/edges.js';
import type { UpdaterLike } from '../../main/updater.js';
import { settingsFile } from '../../src/config/settingsFile.js';
import { CHANNELS, type UsageSnapshot } from '../../src/contract/index.js';
import { compactNumber } from '../../src/format/numbers.js';
import { launchBrowser } from '../support/browser.js';
import { ROOT } from '../support/cli.js';
import { line, mainLimits, SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { serveFolder } from '../support/staticServer.js';
import { MockElectron } from '../main/electronMock.js';
import { ensureRendererBuilt } from './setup.js';

/**
 * The strongest test that runs without the Electron binary: the real core,
 * the real main-process app (main/app.ts) with its real IPC table (main/ipc.ts)
 * and ipcGuard, the built preload (out/preload/index.cjs) and the built renderer,
 * in Chromium. Only Electron's primitives are stood in for: a window is a
 * Chromium page, `ipcRenderer.invoke` is an exposed binding that reaches
 * main's handler through the real channel names and the guard, and
 * `webContents.send` dispatches to the preload's listeners.
 */
let browser: Browser;
let server: { url: string; close(): Promise<void> };
let preloadSource: string;

beforeAll(async () => {
  server = await serveFolder(ensureRendererBuilt());
  preloadSource = await readFile(join(ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs the built preload in the page, with `require('electron')` answered by the stand-ins. */
function preloadShim(source: string): string {
  return `(() => {
    const listeners = new Map();
    const ipcRenderer = {
      invoke: (channel, ...args) => window.__ipcInvoke(channel, args),
      on: (channel, fn) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(fn); },
      removeListener: (channel, fn) => { listeners.get(channel)?.delete(fn); },
    };
    const contextBridge = { exposeInMainWorld: (key, value) => { Object.defineProperty(window, key, { value: Object.freeze(value) }); } };
    window.__ipcEmit = (channel, payload) => { for (const fn of listeners.get(channel) ?? []) fn({}, payload); };
    const module = { exports: {} };
    const require = (name) => { if (name === 'electron') return { ipcRenderer, contextBridge }; throw new Error('preload required ' + name); };
    (function (require, module, exports) { ${source}\n })(require, module, module.exports);
  })();`;
}

class PageWindow implements WindowLike {
  visible = false;
  destroyed = false;
  page: Page | null = null;
  readonly ready: Promise<Page>;
  private context: BrowserContext | null = null;
  private readonly blur: Array<() => void> = [];
  private readonly closed: Array<() => void> = [];

  constructor(
    readonly kind: WindowKind,
    readonly webContentsId: number,
    electron: MockElectron,
  ) {
    this.ready = (async () => {
      this.context = await browser.newContext({
        viewport: kind === 'popover' ? { width: 360, height: 560 } : { width: 760, height: 900 },
      });
      const page = await this.context.newPage();
      await page.exposeBinding('__ipcInvoke', async (source, channel: string, args: unknown[]) => {
        const handler = electron.handlers.get(channel);
        if (handler === undefined) throw new Error(`no handler for ${channel}`);
        return handler(
          {
            webContentsId: this.webContentsId,
            isMainFrame: source.frame === source.page.mainFrame(),
            url: source.frame.url(),
          },
          args,
        );
      });
      await page.addInitScript({ content: preloadShim(preloadSource) });
      await page.goto(`${server.url}/${kind}.html`);
      this.page = page;
      return page;
    })();
  }

  isDestroyed = () => this.destroyed;
  isVisible = () => this.visible;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => undefined;
  setPosition = () => undefined;
  private size = { width: 360, height: 560 };
  getSize = () => ({ ...this.size });
  /** Main fits the popover to its content: the page's viewport follows, as a window would. */
  setContentSize = (width: number, height: number): void => {
    this.size = { width, height };
    // A window resized while it closes: nothing to follow.
    this.page?.setViewportSize({ width, height }).catch(() => undefined);
  };
  send(channel: string, payload: unknown): void {
    if (this.destroyed) return;
    // A message to a window that closes meanwhile is dropped, as Electron drops it.
    const emit = ([c, p]: readonly [string, unknown]) =>
      (window as unknown as { __ipcEmit(c: string, p: unknown): void }).__ipcEmit(c, p);
    void this.ready.then((page) => page.evaluate(emit, [channel, payload] as const)).catch(() => undefined);
  }
  onBlur = (h: () => void) => void this.blur.push(h);
  onClosed = (h: () => void) => void this.closed.push(h);
  async close(): Promise<void> {
    this.destroyed = true;
    await this.ready.catch(() => undefined);
    await this.context?.close();
    for (const h of this.closed) h();
  }
}

let home: TempCodexHome;
let runtime: string;
let electron: MockElectron;
let windows: PageWindow[];
let app: TrayApp | null;

beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-full-'));
  electron = new MockElectron('linux', {
    CODEX_HOME: home.home,
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: join(runtime, 'config'),
    HOME: runtime,
  });
  windows = [];
  app = null;
});
afterEach(async () => {
  if (app !== null && electron.app.exitCode === null) await app.shutdown();
  for (const w of windows) await w.close();
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

async function start(): Promise<TrayApp> {
  const configPath = join(home.home, 'discord-presence-config.json');
  const port: ConfigPort = settingsFile(configPath);
  let nextId = 500;
  const edges: ElectronEdges = {
    ...electron,
    createWindow: (kind) => {
      const w = new PageWindow(kind, nextId++, electron);
      windows.push(w);
      return w;
    },
  };
  app = new TrayApp({ edges, config: port, appName: 'codex-discord-presence' });
  expect(await app.start()).toBe(true);
  return app;
}

const windowOf = (kind: WindowKind) => windows.filter((w) => w.kind === kind && !w.destroyed).at(-1);

describe('full stack in Chromium: core → main (app.ts, ipcGuard) → built preload → built renderer', () => {
  it('a line appended to a rollout reaches the rendered popover through main’s IPC', async () => {
    const rollout = await home.writeLiveSample(SAMPLES.basic, 'live', 20_000);
    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: '123456789012345678' }),
    );
    await start();
    electron.tray?.emitClick();
    const popover = await (windowOf('popover') as PageWindow).ready;
    const left = popover.getByTestId('limit-5h').getByTestId('left');
    await expect.poll(() => left.textContent(), { timeout: 20_000 }).toBe('84% left');
    // The row shows what main's own snapshot says (the same figure Discord and the terminal get).
    const snap = (await electron.handlers.get(CHANNELS.getSnapshot)?.(
      {
        webContentsId: (windowOf('popover') as PageWindow).webContentsId,
        isMainFrame: true,
        url: `${server.url}/popover.html`,
      },
      [],
    )) as UsageSnapshot;
    const total = snap.sessions[0]?.tokens.total ?? -1;
    expect(total).toBeGreaterThan(0);
    const row = popover.getByTestId('session');
    await expect.poll(() => row.textContent()).toMatch(/gpt-5\.5/);
    expect(await row.getByTestId('tokens').textContent()).toContain(compactNumber(total));

    const reset = Math.floor(Date.now() / 1000) + 2 * 3600;
    await appendFile(
      rollout,
      `${line.tokenCount(new Date().toISOString(), 40_000, 10_900, mainLimits(50, 44, reset, reset + 4 * 86400))}\n`,
    );
    await expect.poll(() => left.textContent(), { timeout: 20_000 }).toBe('50% left');
    expect(electron.logs.filter((l) => l.includes('IPC rejected'))).toEqual([]);
  });

  it('a save in the settings page reaches the config file on disk', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'live', 20_000);
    const configPath = join(home.home, 'discord-presence-config.json');
    await writeFile(
      configPath,
      JSON.stringify({ schema_version: 6, discord_client_id: '123456789012345678', pricing: { keep: true } }),
    );
    await start();
    electron.tray?.menuItem('Settings…').click?.();
    const settings = await (windowOf('settings') as PageWindow).ready;
    await expect
      .poll(() => settings.getByLabel('Application ID').inputValue(), { timeout: 20_000 })
      .toBe('123456789012345678');
    await settings.getByRole('tab', { name: 'Privacy & card' }).click();
    await settings.getByLabel('Compact state line').selectOption('tokens');
    await settings.getByTestId('save').click();
    await expect.poll(() => settings.getByTestId('saved').isVisible(), { timeout: 20_000 }).toBe(true);
    const onDisk = JSON.parse(await readFile(configPath, 'utf8')) as {
      display: { state_line: string };
      pricing: unknown;
    };
    expect(onDisk.display.state_line).toBe('tokens');
    expect(onDisk.pricing).toEqual({ keep: true }); // keys the app does not use survive the save
  });

  it('the guard is real: a page main did not create is refused', async () => {
    await start();
    electron.tray?.emitClick();
    await (windowOf('popover') as PageWindow).ready;
    const handler = electron.handlers.get('snapshot:get');
    await expect(
      Promise.resolve(handler?.({ webContentsId: 9999, isMainFrame: true, url: `${server.url}/popover.html` }, [])),
    ).rejects.toThrow(/not a window of this app/);
  });
});

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  installs = 0;
  checks = 0;
  async checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    this.emit('update-not-available', { version: '0.1.0' });
    return null;
  }
  quitAndInstall(): void {
    this.installs += 1;
  }
}

describe('updates through the full stack', () => {
  it('a downloaded update shows "Restart to update" in the popover; the click reaches the updater through IPC', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'live', 20_000);
    const updater = new FakeUpdater();
    Object.assign(electron, { updater, updatesUnsupported: null, every: () => () => undefined });
    await start();
    electron.tray?.emitClick();
    const popover = await (windowOf('popover') as PageWindow).ready;
    await expect.poll(() => popover.getByTestId('limit-5h').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await popover.getByTestId('restart-to-update').count()).toBe(0);
    updater.emit('update-available', { version: '9.9.9' });
    updater.emit('update-downloaded', { version: '9.9.9' });
    const button = popover.getByTestId('restart-to-update');
    await expect.poll(() => button.textContent(), { timeout: 20_000 }).toBe('Restart to update (9.9.9)');
    expect(updater.installs).toBe(0);
    await button.click();
    await expect.poll(() => updater.installs).toBe(1);
  });

  it('Settings → General shows the version once and the last check, "Check now" checks, and the switch saves general.check_updates', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'live', 20_000);
    const configPath = join(home.home, 'discord-presence-config.json');
    await writeFile(configPath, JSON.stringify({ schema_version: 6, discord_client_id: '123456789012345678' }));
    const updater = new FakeUpdater();
    Object.assign(electron, { updater, updatesUnsupported: null, every: () => () => undefined });
    await start();
    electron.tray?.menuItem('Settings…').click?.();
    const settings = await (windowOf('settings') as PageWindow).ready;
    await settings.getByRole('tab', { name: 'General' }).click();
    await expect
      .poll(() => settings.getByTestId('update-status').textContent(), { timeout: 20_000 })
      .toMatch(/^Last checked .+\. Up to date\.Check now$/);
    expect(await settings.getByTestId('version').textContent()).toBe('Version 0.1.0 · Open logs folder');
    expect((await settings.getByTestId('panel-general').textContent())?.match(/0\.1\.0/g)).toHaveLength(1);
    const before = updater.checks;
    await settings.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => updater.checks).toBe(before + 1);
    const toggle = settings.getByLabel('Check for updates (at start and every 6 hours)');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await settings.getByTestId('save').click();
    await expect.poll(() => settings.getByTestId('saved').isVisible(), { timeout: 20_000 }).toBe(true);
    const onDisk = JSON.parse(await readFile(configPath, 'utf8')) as { general: { check_updates: boolean } };
    expect(onDisk.general.check_updates).toBe(false);
    await expect
      .poll(() => settings.getByTestId('update-status').textContent())
      .toContain('Update checks are off in Settings.');
  });
});
