import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrayApp } from '../../main/app.js';
import { toJsonDates, type HistoryViewJson } from '../../src/cli/jsonDates.js';
import { CHANNELS, type AppState, type HistoryView, type UsageSnapshot } from '../../src/contract/index.js';
import { localDay } from '../../src/history/day.js';
import { settingsFile } from '../../src/config/settingsFile.js';
import { readHistory } from '../../src/history/store.js';
import { backfillFromState, buildView } from '../../src/history/view.js';
import { runCli } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { MockElectron } from './electronMock.js';

// The app's history wiring with the Electron edges mocked and everything else
// real: rollouts and the history file on disk, the CLI as a real process.
let home: TempCodexHome;
let runtime: string;
let electron: MockElectron;
let app: TrayApp | null;

const env = (): NodeJS.ProcessEnv => ({ CODEX_HOME: home.home, XDG_RUNTIME_DIR: runtime, HOME: runtime });
/** The app's data folder under the mocked HOME (XDG_DATA_HOME unset). */
const historyFile = (): string => join(runtime, '.local', 'share', 'codex-discord-presence', 'history.jsonl');

beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-app-history-'));
  electron = new MockElectron('linux', env());
  // Discord off and no account ask: this is about history.
  await writeFile(
    join(home.home, 'discord-presence-config.json'),
    JSON.stringify({ discord_enabled: false, limits: { ask_codex: false } }),
  );
  app = null;
});
afterEach(async () => {
  // Always the app's own shutdown (one promise however many ask), so no writer outlives the folders.
  await app?.shutdown();
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

async function start(): Promise<TrayApp> {
  app = new TrayApp({
    edges: electron,
    config: settingsFile(join(home.home, 'discord-presence-config.json')),
    appName: 'codex-discord-presence',
  });
  expect(await app.start()).toBe(true);
  return app;
}

const popover = () => ({ webContentsId: electron.window('popover')?.webContentsId ?? -1 });
const getHistory = async (query: unknown): Promise<HistoryView> =>
  (await electron.invoke(CHANNELS.getHistory, popover(), query)) as HistoryView;

async function backfilled(days = 30): Promise<HistoryView> {
  for (let i = 0; i < 500; i += 1) {
    const view = await getHistory({ days });
    if (view.backfill.phase === 'done') return view;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the backfill did not finish');
}

/**
 * Resolves once the backfill's end is on disk, not only in memory (issue 23
 * §4: the file was read while it still said `filesDone 3, running`). The
 * end is written by the compaction that follows it, in one rename: when
 * the file says done, the last write has settled.
 */
async function settledOnDisk(): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    const { state } = await readHistory(historyFile(), electron.clock);
    if (backfillFromState(state).phase === 'done') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the backfill did not reach the history file');
}

/**
 * The app's view and the file's, once the file holds everything memory does:
 * the last write settled. A write that never lands fails the test (the loop ends).
 */
async function diskCaughtUp(query: { days: number }): Promise<{ view: HistoryView; onDisk: HistoryView }> {
  let last: { view: HistoryView; onDisk: HistoryView } | null = null;
  for (let i = 0; i < 500; i += 1) {
    const view = await getHistory(query);
    const { state } = await readHistory(historyFile(), electron.clock);
    const onDisk = buildView(state, query, electron.clock, backfillFromState(state));
    last = { view, onDisk };
    if (isDeepStrictEqual(withoutTime(view), withoutTime(onDisk))) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (last === null) throw new Error('no view');
  return last;
}

const withoutTime = <V extends { generatedAt: unknown }>(v: V): Omit<V, 'generatedAt'> => {
  const { generatedAt: _drop, ...rest } = v;
  void _drop;
  return rest;
};

describe('history in the app', () => {
  it('getHistory gives what `history --json` prints, and windows hear when it changed', async () => {
    for (const s of Object.values(SAMPLES)) await home.copySample(s);
    await start();
    electron.tray?.emitClick();
    await backfilled();
    await settledOnDisk();
    // The view once the writes settled: what memory holds is on disk too (a reading recorded after the
    // backfill's compaction is appended a moment later, so the file is read until it has caught up).
    const { view, onDisk } = await diskCaughtUp({ days: 30 });
    expect(view.backfill).toEqual({ phase: 'done', filesDone: 4, filesTotal: 4, message: null });
    expect(view.days.reduce((n, d) => n + d.tokens, 0)).toBe(18900 + 5100 + 24500 + 3040);
    expect(withoutTime(view)).toEqual(withoutTime(onDisk));
    const cli = await runCli(['history', '--json', '--days', '30'], env());
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout) as HistoryViewJson;
    // The CLI's clock is the real one; the mocked app's is fixed at its start: the same day. It prints ISO 8601 times.
    expect(withoutTime(printed)).toEqual(withoutTime(toJsonDates(view)));
    for (let i = 0; i < 200 && !electron.window('popover')?.sent.some(([c]) => c === CHANNELS.historyChanged); i += 1) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(electron.window('popover')?.sent).toContainEqual([CHANNELS.historyChanged, null]);
  });

  it.runIf(process.platform !== 'win32')(
    'a FIFO as the history file: the app publishes its snapshot, and History says why nothing is recorded',
    async () => {
      await home.copySample(SAMPLES.basic);
      await mkdir(dirname(historyFile()), { recursive: true });
      execFileSync('mkfifo', [historyFile()]);
      await start();
      electron.tray?.emitClick();
      const snapshot = (await electron.invoke(CHANNELS.getSnapshot, popover())) as UsageSnapshot;
      expect(snapshot.codexHome.found).toBe(true);
      const view = await getHistory({ days: 7 });
      expect(view.backfill).toEqual({
        phase: 'error',
        filesDone: 0,
        filesTotal: 0,
        message: `history file ${historyFile()} is a FIFO (named pipe), not a regular file: it is left alone`,
      });
      expect((await lstat(historyFile())).isFIFO()).toBe(true);
      expect(await readdir(dirname(historyFile()))).toEqual(['history.jsonl']);
    },
  );

  it('AppState.today is today’s tokens and cost from history, for the popover’s "Today" line', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'today', 60_000);
    await start();
    electron.tray?.emitClick();
    await backfilled();
    let state = (await electron.invoke(CHANNELS.getAppState, popover())) as AppState;
    for (let i = 0; i < 500 && (state.today?.tokens ?? 0) === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      state = (await electron.invoke(CHANNELS.getAppState, popover())) as AppState;
    }
    // The basic sample, on gpt-5.5: its worked example (docs/cost.md).
    expect(state.today).toEqual({
      day: localDay(electron.clock),
      tokens: 18900,
      cachedInput: 10200,
      cost: { usd: 0.1146, status: 'exact', unpriced: [] },
    });
  });

  it('rejects a malformed query or a foreign sender', async () => {
    await start();
    electron.tray?.emitClick();
    for (const bad of [
      { days: 0 },
      { days: 401 },
      { days: 1.5 },
      { days: '7' },
      { days: 7, day: '2026-02-30' },
      { days: 7, day: '22/11/2026' },
      { days: 7, extra: true },
      null,
      'days=7',
    ]) {
      await expect(getHistory(bad)).rejects.toThrow(/getHistory|history:get/);
    }
    await expect(electron.invoke(CHANNELS.getHistory, popover())).rejects.toThrow(/expected/);
    await expect(electron.invoke(CHANNELS.getHistory, { webContentsId: 9999 }, { days: 7 })).rejects.toThrow(
      /not a window of this app/,
    );
    await expect(electron.invoke(CHANNELS.clearHistory, popover(), true)).rejects.toThrow(/expected no arguments/);
    expect((await getHistory({ days: 400, day: '2026-11-21' })).days).toHaveLength(400);
  });

  it('clearHistory removes everything recorded', async () => {
    await home.copySample(SAMPLES.basic);
    await start();
    electron.tray?.emitClick();
    const before = await backfilled();
    expect(before.days.some((d) => d.tokens > 0)).toBe(true);
    await electron.invoke(CHANNELS.clearHistory, popover());
    const after = await getHistory({ days: 30 });
    expect(after.days.every((d) => d.tokens === 0 && d.projects.length === 0)).toBe(true);
    expect(after.windows).toEqual([]);
    const text = await readFile(historyFile(), 'utf8');
    expect(text).not.toContain('orbit-api');
    expect(text).not.toContain('"k":"limit"');
  });

  it('openHistory opens the settings window on its History tab, or moves an open one there', async () => {
    await start();
    electron.tray?.emitClick();
    await electron.invoke(CHANNELS.openHistory, popover());
    const settings = electron.window('settings');
    expect(settings?.visible).toBe(true);
    expect(settings?.hash).toBe('history');
    settings?.showPage('general');
    await electron.invoke(CHANNELS.openHistory, popover());
    expect(electron.window('settings')).toBe(settings);
    expect(settings?.hash).toBe('history');
    // Plain "Settings…" opens at its first tab.
    settings?.close();
    await electron.invoke(CHANNELS.openSettings, popover());
    expect(electron.window('settings')?.hash).toBeNull();
  });
});
