import type { Page } from 'playwright-core';
import type {
  Api,
  AppState,
  DoctorResult,
  HistoryQuery,
  HistoryView,
  SaveResult,
  Settings,
  UsageSnapshot,
} from '../../src/contract/index.js';

export interface FakeInit {
  snapshot: UsageSnapshot;
  app: AppState;
  settings: Settings;
  /** What `getHistory` resolves to; an empty history when absent. */
  history?: HistoryView;
  /** Main does not answer: every pull rejects, as when the IPC handler throws. */
  broken?: boolean;
}

export interface FakeControls {
  calls: Array<[string, unknown[]]>;
  pushSnapshot(snapshot: UsageSnapshot): void;
  pushAppState(app: AppState): void;
  pushSettings(settings: Settings): void;
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
    openSettings: async () => record('openSettings', []),
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
      return (
        init.history ?? {
          generatedAt: init.snapshot.generatedAt,
          days: [],
          windows: [],
          topSessions: [],
          backfill: { phase: 'done', filesDone: 0, filesTotal: 0, message: null },
        }
      );
    },
    onHistoryChanged: (listener: () => void) => {
      historyListeners.add(listener);
      return () => historyListeners.delete(listener);
    },
    clearHistory: async () => record('clearHistory', []),
    openHistory: async () => record('openHistory', []),
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

export function pushSettings(page: Page, settings: Settings): Promise<void> {
  return page.evaluate((s) => (globalThis as unknown as { __fake: FakeControls }).__fake.pushSettings(s), settings);
}
