import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { heavyHistory } from '../test/support/history.js';
import { snapshot } from '../test/support/snapshots.js';
import type { HistoryView } from '../src/contract/index.js';
import { installFakeBridge } from '../test/renderer/fakeBridge.js';
import { APP, settings } from '../test/renderer/setup.js';

/**
 * Issue 15 §3: "Opening History with 400 days of data renders in ≤ 100 ms".
 * The built settings page is opened at #history in Debian's chromium, with a
 * fake bridge holding 400 days of token use (14 projects) and windows read
 * every 5 minutes (the current 5h and weekly ones, and 8 past of each: about
 * 18,000 readings). Like main, the bridge answers each query's share of days,
 * and the view crosses as JSON (fetched from this process, as IPC would carry
 * it), not baked into the page.
 * Measured in the page: from navigation start (performance.timeOrigin) to the
 * frame after both burn-down charts, both rows of past windows and the day bars
 * are in the DOM. Then the
 * switch to 90 days: from the click to the frame after 90 bars are drawn.
 * A measurement, not a test: it prints the figures against the target.
 */
const ROOT = join(import.meta.dirname, '..');
export const HISTORY_RENDER_TARGET_MS = 100;

export interface HistoryRenderResult {
  /** Navigation start to charts drawn, per run, in ms. */
  openMs: number[];
  /** From the bridge handing over the history view to charts drawn (the renderer's own share), per run. */
  renderMs: number[];
  /** Baseline: navigation start to the General tab drawn, same page and bridge, no history. */
  baselineMs: number[];
  /** Choosing "90 days" to 90 bars drawn, per run, in ms. */
  switchMs: number[];
  days: number;
  readings: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};

/** Counts performance.now() at the first frame where `ready()` holds after `start`. */
function markWhenDrawn(): void {
  const w = globalThis as unknown as { __drawnAt?: number; __watch?: (test: () => boolean) => void };
  w.__watch = (test) => {
    delete w.__drawnAt;
    // The frame after the DOM holds the charts is the one that paints them.
    const done = (): void => void requestAnimationFrame(() => (w.__drawnAt ??= performance.now()));
    if (test()) return done();
    const observer = new MutationObserver(() => {
      if (!test()) return;
      observer.disconnect();
      done();
    });
    observer.observe(document, { childList: true, subtree: true });
  };
  // When the (fake) bridge hands the first view over: what follows is the renderer's own work.
  const api = (globalThis as unknown as { codexPresence?: { getHistory(q: unknown): Promise<unknown> } }).codexPresence;
  if (api !== undefined) {
    const getHistory = api.getHistory.bind(api);
    api.getHistory = async (q) => {
      const view = await getHistory(q);
      (w as { __answeredAt?: number }).__answeredAt ??= performance.now();
      return view;
    };
  }
  // At #history: both burn-downs and the day bars. Otherwise (the baseline): any settings tab.
  const open = (): boolean =>
    location.hash === '#history'
      ? document.querySelectorAll('[data-testid="burndown"]').length >= 2 &&
        document.querySelectorAll('[data-testid="multiples"]').length >= 2 &&
        document.querySelectorAll('[data-testid="day-bars"] [data-day]').length > 0
      : document.querySelector('[role="tabpanel"]') !== null;
  document.addEventListener('DOMContentLoaded', () => w.__watch?.(open));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The built renderer, plus `/history?days=N&day=D`: the view's share for that query, as main answers it. */
async function serve(dir: string, history: HistoryView): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/history') {
      const days = Number(url.searchParams.get('days') ?? 30);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...history, days: history.days.slice(-days) }));
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    readFile(join(dir, path))
      .then((body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(404);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Replaces the fake bridge's getHistory with a fetch of the view as JSON (what IPC would carry). */
function historyOverHttp(): void {
  const api = (globalThis as unknown as { codexPresence?: { getHistory(q: { days: number; day?: string }): unknown } })
    .codexPresence;
  if (api === undefined) return;
  api.getHistory = async (q) => {
    const res = await fetch(`/history?days=${q.days}${q.day === undefined ? '' : `&day=${q.day}`}`);
    return res.json();
  };
}

export async function measureHistoryRender(
  opts: { runs?: number; build?: boolean; browser?: Browser } = {},
): Promise<HistoryRenderResult> {
  const runs = opts.runs ?? 7;
  const dir = join(ROOT, 'out', 'renderer');
  if (opts.build !== false || !existsSync(join(dir, 'settings.html')))
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const now = Date.now();
  const history = heavyHistory(now);
  const server = await serve(dir, history);
  const browser = opts.browser ?? (await launchBrowser());
  const result: HistoryRenderResult = {
    openMs: [],
    renderMs: [],
    baselineMs: [],
    switchMs: [],
    days: history.days.length,
    readings: history.windows.reduce((s, w) => s + w.points.length, 0),
  };
  try {
    // One warm-up run (disk cache, JIT of the bundle) that is not counted.
    for (let run = -1; run < runs; run += 1) {
      const context = await browser.newContext({ viewport: { width: 760, height: 900 } });
      try {
        const page = await context.newPage();
        // tsx compiles with esbuild's keepNames: functions serialized into the page call its __name helper.
        await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
        await installFakeBridge(page, {
          snapshot: snapshot([], { generatedAt: new Date(now).toISOString() }),
          app: APP,
          settings: settings(),
        });
        await page.addInitScript(historyOverHttp);
        await page.addInitScript(markWhenDrawn);
        await page.goto(`${server.url}/settings.html#history`);
        const open = await page.waitForFunction(() => (globalThis as { __drawnAt?: number }).__drawnAt);
        const openMs = (await open.jsonValue()) as number;
        const answeredAt = await page.evaluate(() => (globalThis as { __answeredAt?: number }).__answeredAt ?? NaN);
        const switchMs = await page.evaluate(async () => {
          const w = globalThis as unknown as { __drawnAt?: number; __watch: (test: () => boolean) => void };
          const start = performance.now();
          w.__watch(() => document.querySelectorAll('[data-testid="day-bars"] [data-day]').length === 90);
          const radio = [...document.querySelectorAll<HTMLInputElement>('input[name="history-range"]')].find(
            (r) => r.value === '90',
          );
          radio?.click();
          while (w.__drawnAt === undefined) await new Promise((r) => setTimeout(r, 1));
          return w.__drawnAt - start;
        });
        const base = await context.newPage();
        await base.addInitScript({ content: 'globalThis.__name = (target) => target;' });
        await installFakeBridge(base, {
          snapshot: snapshot([], { generatedAt: new Date(now).toISOString() }),
          app: APP,
          settings: settings(),
        });
        await base.addInitScript(markWhenDrawn);
        await base.goto(`${server.url}/settings.html#general`);
        const baseline = (await (
          await base.waitForFunction(() => (globalThis as { __drawnAt?: number }).__drawnAt)
        ).jsonValue()) as number;
        if (run >= 0) {
          result.baselineMs.push(baseline);
          result.openMs.push(openMs);
          result.renderMs.push(openMs - answeredAt);
          result.switchMs.push(switchMs);
        }
      } finally {
        await context.close();
      }
    }
  } finally {
    if (opts.browser === undefined) await browser.close();
    await server.close();
  }
  return result;
}

export function historyRenderLines(r: HistoryRenderResult): string[] {
  const open = median(r.openMs);
  const ok = open <= HISTORY_RENDER_TARGET_MS;
  return [
    `History with ${r.days} days of data (${r.readings.toLocaleString('en-US')} limit readings): ` +
      `open to charts drawn ${open.toFixed(0)} ms median (max ${Math.max(...r.openMs).toFixed(0)}, ${r.openMs.length} runs), ` +
      `target ≤ ${HISTORY_RENDER_TARGET_MS} ms ${ok ? '✓' : '✗ MISSED'}`,
    `  baseline, the same window on General with no history: ${median(r.baselineMs).toFixed(0)} ms median ` +
      `(the page's boot; History adds ${(open - median(r.baselineMs)).toFixed(0)} ms)`,
    `  of which the renderer's own work (view received → charts drawn): ${median(r.renderMs).toFixed(0)} ms median`,
    `  switching to 90 days (re-query and draw): ${median(r.switchMs).toFixed(0)} ms median (max ${Math.max(...r.switchMs).toFixed(0)})`,
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('measuring History render (building the renderer first)…');
  const r = await measureHistoryRender();
  for (const line of historyRenderLines(r)) console.log(line);
}
