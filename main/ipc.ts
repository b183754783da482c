import {
  CHANNELS,
  type AppState,
  type Channel,
  type CodexHomeCheck,
  type DoctorResult,
  type HistoryQuery,
  type HistoryView,
  type SaveResult,
  type Settings,
  type SettingsTabId,
  type UsageSnapshot,
} from '../src/contract/index.js';
import type { ElectronEdges } from './edges.js';
import {
  checkSender,
  IpcRejected,
  isAllowedExternal,
  NO_ARGS,
  ONE_BOOLEAN,
  ONE_HEIGHT,
  ONE_HISTORY_QUERY,
  ONE_SETTINGS,
  ONE_STRING,
  OPTIONAL_TAB,
  type Shape,
} from './ipcGuard.js';

/** Main → windows only: never handled. */
type PushChannel =
  | typeof CHANNELS.snapshotChanged
  | typeof CHANNELS.appStateChanged
  | typeof CHANNELS.settingsChanged
  | typeof CHANNELS.historyChanged;
export type InvokeChannel = Exclude<Channel, PushChannel>;

/** What the handlers do, in the app's terms (main/app.ts provides it). */
export interface IpcApp {
  snapshot(): UsageSnapshot;
  appState(): AppState;
  settings(): Settings | null;
  saveSettings(settings: Settings): Promise<SaveResult>;
  setPaused(paused: boolean): void;
  setLaunchAtLogin(enabled: boolean): Promise<void>;
  openSettings(tab?: SettingsTabId): void;
  openLogs(): Promise<void>;
  openExternal(url: string): Promise<void>;
  quit(): void;
  inspectCodexHome(path: string): Promise<CodexHomeCheck>;
  resizePopover(height: number): void;
  closePopover(): void;
  retryDiscord(): void;
  doctor(): Promise<DoctorResult>;
  installUpdate(): void;
  checkForUpdates(): Promise<void> | void;
  getHistory(query: HistoryQuery): Promise<HistoryView>;
  clearHistory(): Promise<void>;
}

/** A row's handler once its payload has been checked: it only ever sees its shape. */
type Route = (channel: string, args: unknown[]) => unknown;

function row<A extends unknown[]>(shape: Shape<A>, handle: (...args: A) => unknown): Route {
  return (channel, args) => {
    if (!shape.test(args)) throw new IpcRejected(`${channel}: ${shape.expected}`);
    return handle(...args);
  };
}

/** Every channel a window may call: its payload's shape and its handler, one row each (the compiler checks all are there). */
export function ipcTable(app: IpcApp): Record<InvokeChannel, Route> {
  return {
    [CHANNELS.getSnapshot]: row(NO_ARGS, () => app.snapshot()),
    [CHANNELS.getAppState]: row(NO_ARGS, () => app.appState()),
    [CHANNELS.getSettings]: row(NO_ARGS, () => app.settings()),
    [CHANNELS.saveSettings]: row(ONE_SETTINGS, (settings) => app.saveSettings(settings)),
    [CHANNELS.setPaused]: row(ONE_BOOLEAN, (paused) => app.setPaused(paused)),
    [CHANNELS.setLaunchAtLogin]: row(ONE_BOOLEAN, (enabled) => app.setLaunchAtLogin(enabled)),
    [CHANNELS.openSettings]: row(OPTIONAL_TAB, (tab?: SettingsTabId) => app.openSettings(tab)),
    [CHANNELS.openLogs]: row(NO_ARGS, () => app.openLogs()),
    [CHANNELS.openExternal]: row(ONE_STRING, (url) => {
      if (!isAllowedExternal(url)) throw new IpcRejected(`openExternal: ${url} is not an allowed https origin`);
      return app.openExternal(url);
    }),
    [CHANNELS.quit]: row(NO_ARGS, () => app.quit()),
    [CHANNELS.inspectCodexHome]: row(ONE_STRING, (path) => app.inspectCodexHome(path)),
    [CHANNELS.resizePopover]: row(ONE_HEIGHT, (height) => app.resizePopover(height)),
    [CHANNELS.closePopover]: row(NO_ARGS, () => app.closePopover()),
    [CHANNELS.retryDiscord]: row(NO_ARGS, () => app.retryDiscord()),
    [CHANNELS.runDoctor]: row(NO_ARGS, () => app.doctor()),
    [CHANNELS.installUpdate]: row(NO_ARGS, () => app.installUpdate()),
    [CHANNELS.checkForUpdates]: row(NO_ARGS, () => app.checkForUpdates()),
    [CHANNELS.getHistory]: row(ONE_HISTORY_QUERY, (query) => app.getHistory(query)),
    [CHANNELS.clearHistory]: row(NO_ARGS, () => app.clearHistory()),
    [CHANNELS.openHistory]: row(NO_ARGS, () => app.openSettings('history')),
  };
}

/**
 * Registers every row. A message reaches its handler only from the main
 * frame of an app page in one of our windows, and only with its shape;
 * anything else is rejected and logged, so no handler sees a foreign sender
 * or a malformed value.
 */
export function registerIpc(
  edges: ElectronEdges,
  table: Record<InvokeChannel, Route>,
  trustedIds: () => ReadonlySet<number>,
): void {
  for (const [channel, route] of Object.entries(table)) {
    edges.handle(channel, async (sender, args) => {
      try {
        checkSender(channel, sender, trustedIds());
        return await route(channel, args);
      } catch (error) {
        if (error instanceof IpcRejected) edges.log.warn(`IPC rejected: ${error.message}`);
        throw error;
      }
    });
  }
}
