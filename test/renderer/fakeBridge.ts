import type { Page } from 'playwright-core';
import type {
  Api,
  AppState,
  DoctorResult,
  HistoryQuery,
  HistorySession,
  HistoryView,
  SaveResult,
  Settings,
  UsageSnapshot,
} from '../../src/contract/index.js';

export interface FakeInit {
  snapshot: UsageSnapshot;
  app: AppState;
  settings: Settings;
  /**
   * The recorded history; an empty history when absent. Like main, `getHistory`
   * answers the last `query.days` of its days, and the top sessions of `query.day`
   * from `sessionsByDay` when given (default: the last day).
   */
  history?: HistoryView;
  sessionsByDay?: Record<string, HistorySession[]>;
  /** Main does not answer: every pull rejects, as when the IPC handler throws. */
  broken?: boolean;
}

export interface FakeControls {
  calls: Array<[string, unknown[]]>;
  pushSnapshot(snapshot: UsageSnapshot): void;
  pushAppState(app: AppState): void;
  pushSettings(settings: Settings): void;
  /** Replaces the recorded history and tells every listener, as main does on `historyChanged`. */
  pushHistory(history: HistoryView): void;
  /** What `runDoctor` resolves to. */
  doctor: DoctorResult;
}

/**
 * Stands in for the preload bridge inside the page. It is typed against the
 * real contract (`satisfies Api`), so it cannot drift from what main offers.
 * It behaves like main: it validates the client id on save and echoes the
 * saved settings back, and `window.__fake` pushes new snapshots.
 */
function bridgeScript(init: FakeInit): void {
  const snapshotListeners = new Set<(s: UsageSnapshot) => void>();
  const appListeners = new Set<(a: AppState) => void>();
  const settingsListeners = new Set<(s: Settings) => void>();
  const historyListeners = new Set<() => void>();
  const doctor: DoctorResult = {
    ok: false,
    checks: [
      { id: 'codex-home', status: 'ok', title: 'Codex home', detail: '/home/dev/.codex exists and is readable' },
      {
        id: 'discord-ipc',
        status: 'fail',
        title: 'Discord',
        detail: 'no Discord IPC socket found',
        fix: 'Start the Discord desktop app (the browser version has no local IPC).',
      },
    ],
    notes: [],
  };
  let settings = init.settings;
  let app = init.app;
  const calls: Array<[string, unknown[]]> = [];
  const record = (name: string, args: unknown[]): void => {
    calls.push([name, args]);
  };
  const api = {
    getSnapshot: async () => {
      record('getSnapshot', []);
      if (init.broken === true)
        throw new Error("Error invoking remote method 'snapshot:get': the app is not ready yet");
      return init.snapshot;
    },
    onSnapshot: (listener: (s: UsageSnapshot) => void) => {
      snapshotListeners.add(listener);
      return () => snapshotListeners.delete(listener);
    },
    getAppState: async () => app,
    onAppState: (listener: (a: AppState) => void) => {
      appListeners.add(listener);
      return () => appListeners.delete(listener);
    },
    getSettings: async () => structuredClone(settings),
    saveSettings: async (s: Settings): Promise<SaveResult> => {
      record('saveSettings', [s]);
      const id = s.discordClientId.trim();
      if (id !== '' && !/^\d{17,20}$/.test(id)) {
        return { ok: false, errors: { discordClientId: 'A Discord application id is 17 to 20 digits.' } };
      }
      settings = structuredClone(s);
      // Main broadcasts what it saved to every window.
      for (const l of settingsListeners) l(structuredClone(settings));
      return { ok: true, settings: structuredClone(settings) };
    },
    setPaused: async (paused: boolean) => {
      record('setPaused', [paused]);
      app = { ...app, paused };
      for (const l of appListeners) l(app);
    },
    setLaunchAtLogin: async (enabled: boolean) => {
      record('setLaunchAtLogin', [enabled]);
      app = { ...app, launchAtLogin: enabled };
      for (const l of appListeners) l(app);
    },
    openSettings: async (tab?: string) => record('openSettings', tab === undefined ? [] : [tab]),
    openLogs: async () => record('openLogs', []),
    openExternal: async (url: string) => record('openExternal', [url]),
    quit: async () => record('quit', []),
    inspectCodexHome: async (path: string) => ({ path: path || '/home/dev/.codex', exists: true, sessionFiles: 42 }),
    onSettings: (listener: (s: Settings) => void) => {
      settingsListeners.add(listener);
      return () => settingsListeners.delete(listener);
    },
    resizePopover: async (height: number) => record('resizePopover', [height]),
    closePopover: async () => record('closePopover', []),
    retryDiscord: async () => record('retryDiscord', []),
    runDoctor: async () => (record('runDoctor', []), doctor),
    getHistory: async (query: HistoryQuery): Promise<HistoryView> => {
      record('getHistory', [query]);
      const h: HistoryView = init.history ?? {
        generatedAt: init.snapshot.generatedAt,
        days: [],
        windows: [],
        topSessions: [],
        cost: { basis: 'api', pricesAsOf: '2026-09-23', total: { usd: 0, status: 'exact', unpriced: [] } },
        backfill: { phase: 'done', filesDone: 0, filesTotal: 0, message: null },
      };
      const days = h.days.slice(Math.max(0, h.days.length - query.days));
      const day = query.day ?? days.at(-1)?.day ?? '';
      const topSessions = init.sessionsByDay === undefined ? h.topSessions : (init.sessionsByDay[day] ?? []);
      return structuredClone({ ...h, days, topSessions });
    },
    onHistoryChanged: (listener: () => void) => {
      historyListeners.add(listener);
      return () => historyListeners.delete(listener);
    },
    clearHistory: async () => {
      record('clearHistory', []);
      if (init.history !== undefined) {
        init.history = {
          ...init.history,
          days: init.history.days.map((d) => ({ ...d, tokens: 0, cachedInput: 0, projects: [] })),
          windows: [],
          topSessions: [],
        };
      }
      init.sessionsByDay = undefined;
      for (const l of historyListeners) l();
    },
    openHistory: async () => record('openHistory', []),
    checkForUpdates: async () => record('checkForUpdates', []),
  } satisfies Api;
  const w = globalThis as unknown as { codexPresence: Api; __fake: FakeControls };
  w.codexPresence = api;
  w.__fake = {
    calls,
    pushSnapshot: (s) => {
      init.snapshot = s;
      for (const l of snapshotListeners) l(s);
    },
    pushAppState: (a) => {
      app = a;
      for (const l of appListeners) l(a);
    },
    pushSettings: (next) => {
      settings = next;
      for (const l of settingsListeners) l(structuredClone(next));
    },
    pushHistory: (h) => {
      init.history = h;
      for (const l of historyListeners) l();
    },
    doctor,
  };
}

export async function installFakeBridge(page: Page, init: FakeInit): Promise<void> {
  await page.addInitScript(bridgeScript, init);
}

export function fakeCalls(page: Page): Promise<Array<[string, unknown[]]>> {
  return page.evaluate(() => (globalThis as unknown as { __fake: FakeControls }).__fake.calls);
}

export function pushSnapshot(page: Page, snapshot: UsageSnapshot): Promise<void> {
  return page.evaluate((s) => (globalThis as unknown as { __fake: FakeControls }).__fake.pushSnapshot(s), snapshot);
}

export function pushAppState(page: Page, app: AppState): Promise<void> {
  return page.evaluate((a) => (globalThis as unknown as { __fake: FakeControls }).__fake.pushAppState(a), app);
}

export function pushHistory(page: Page, history: HistoryView): Promise<void> {
  return page.evaluate((h) => (globalThis as unknown as { __fake: FakeControls }).__fake.pushHistory(h), history);
}

export function pushSettings(page: Page, settings: Settings): Promise<void> {
  return page.evaluate((s) => (globalThis as unknown as { __fake: FakeControls }).__fake.pushSettings(s), settings);
}
