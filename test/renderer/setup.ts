import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_IMAGES } from '../../src/settings/images.js';
import { defaultSettings } from '../../src/settings/settings.js';
import type { AppState, HistorySession, HistoryView, Settings, UsageSnapshot } from '../../src/contract/index.js';
import { launchBrowser } from '../support/browser.js';
import { ROOT } from '../support/cli.js';
import { serveFolder } from '../support/staticServer.js';
import { installFakeBridge } from './fakeBridge.js';

export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The built renderer (npm test builds first; a lone run builds it here). */
export function ensureRendererBuilt(): string {
  const dir = join(ROOT, 'out', 'renderer');
  if (!existsSync(join(dir, 'popover.html')))
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });
  return dir;
}

export interface Harness {
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const server = await serveFolder(ensureRendererBuilt());
  const browser = await launchBrowser();
  return {
    browser,
    url: server.url,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

export const APP: AppState = {
  discord: { state: 'connected' },
  paused: false,
  published: true,
  shownSessionId: 'sess-a',
  launchAtLogin: false,
  version: '0.1.0',
  platform: 'linux',
  // The fixture session's figures (support/snapshots.ts) as today's.
  today: {
    day: '2026-11-21',
    tokens: 100_000,
    cachedInput: 20_000,
    cost: { usd: 1.01, status: 'exact', unpriced: [] },
  },
};

/** The default Discord images (https links to assets/) answered from the files they link to. */
export const SHIPPED_IMAGES: Record<string, string> = {
  [DEFAULT_IMAGES.large]: join(ROOT, 'assets', 'discord-large.png'),
  [DEFAULT_IMAGES.small]: join(ROOT, 'assets', 'discord-small.png'),
};

export function settings(change: (s: Settings) => void = () => undefined): Settings {
  const s = defaultSettings();
  s.discordClientId = '123456789012345678';
  change(s);
  return s;
}

export async function openPage(
  h: Harness,
  page: 'popover' | 'settings' | `settings.html#${string}`,
  init: {
    snapshot: UsageSnapshot;
    app?: AppState;
    settings?: Settings;
    history?: HistoryView;
    sessionsByDay?: Record<string, HistorySession[]>;
  },
  opts: {
    now: number;
    colorScheme?: 'light' | 'dark';
    width?: number;
    height?: number;
    brokenBridge?: boolean;
    /** Browser zoom: 1.5 with a 480 px wide viewport is a 720 px window at 150 %. */
    zoom?: number;
    /**
     * Image links answered in the page, before it loads: a local file, or `fail` (as offline). The
     * card preview's https images then load, or fail, as the test means, not as this machine's network does.
     */
    images?: Record<string, string | 'fail'>;
  },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({
    timezoneId: 'UTC',
    colorScheme: opts.colorScheme ?? 'light',
    viewport: {
      width: opts.width ?? (page === 'popover' ? 360 : 760),
      height: opts.height ?? (page === 'popover' ? 560 : 900),
    },
    deviceScaleFactor: opts.zoom ?? 1,
  });
  const p = await context.newPage();
  // Time stands still at `now` until a test moves it (clock.fastForward).
  // Installed a minute early: pauseAt cannot go back, and on a loaded machine
  // more than a second can pass between the two calls. No page is loaded yet,
  // so no timer runs in that minute.
  await p.clock.install({ time: opts.now - 60_000 });
  await p.clock.pauseAt(opts.now);
  await installFakeBridge(p, {
    snapshot: init.snapshot,
    app: init.app ?? APP,
    settings: init.settings ?? settings(),
    history: init.history,
    sessionsByDay: init.sessionsByDay,
    broken: opts.brokenBridge ?? false,
  });
  for (const [url, to] of Object.entries(opts.images ?? {})) {
    await p.route(url, (route) =>
      to === 'fail'
        ? route.abort('internetdisconnected')
        : route.fulfill({ path: to, contentType: 'image/png', headers: { 'access-control-allow-origin': '*' } }),
    );
  }
  await p.goto(`${h.url}/${page.includes('.html') ? page : `${page}.html`}`);
  return { context, page: p };
}
