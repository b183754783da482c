import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, type Api, type AppState, type Settings, type UsageSnapshot } from '../src/contract/index.js';

/**
 * The bridge: one method per channel, typed against the shared `Api`.
 * `ipcRenderer` itself is never exposed. Subscriptions return an unsubscribe
 * function; the renderer pulls first and then subscribes, so the first
 * snapshot cannot be lost.
 */
function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, value: T): void => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
}

const api: Api = {
  getSnapshot: () => ipcRenderer.invoke(CHANNELS.getSnapshot),
  onSnapshot: (listener) => subscribe<UsageSnapshot>(CHANNELS.snapshotChanged, listener),
  getAppState: () => ipcRenderer.invoke(CHANNELS.getAppState),
  onAppState: (listener) => subscribe<AppState>(CHANNELS.appStateChanged, listener),
  getSettings: () => ipcRenderer.invoke(CHANNELS.getSettings),
  saveSettings: (settings) => ipcRenderer.invoke(CHANNELS.saveSettings, settings),
  setPaused: (paused) => ipcRenderer.invoke(CHANNELS.setPaused, paused),
  setLaunchAtLogin: (enabled) => ipcRenderer.invoke(CHANNELS.setLaunchAtLogin, enabled),
  // No tab, no argument: main's table takes nothing or one tab id.
  openSettings: (tab) =>
    tab === undefined ? ipcRenderer.invoke(CHANNELS.openSettings) : ipcRenderer.invoke(CHANNELS.openSettings, tab),
  openLogs: () => ipcRenderer.invoke(CHANNELS.openLogs),
  openExternal: (url) => ipcRenderer.invoke(CHANNELS.openExternal, url),
  quit: () => ipcRenderer.invoke(CHANNELS.quit),
  inspectCodexHome: (path) => ipcRenderer.invoke(CHANNELS.inspectCodexHome, path),
  onSettings: (listener) => subscribe<Settings>(CHANNELS.settingsChanged, listener),
  resizePopover: (height) => ipcRenderer.invoke(CHANNELS.resizePopover, height),
  closePopover: () => ipcRenderer.invoke(CHANNELS.closePopover),
  retryDiscord: () => ipcRenderer.invoke(CHANNELS.retryDiscord),
  runDoctor: () => ipcRenderer.invoke(CHANNELS.runDoctor),
  installUpdate: () => ipcRenderer.invoke(CHANNELS.installUpdate),
  checkForUpdates: () => ipcRenderer.invoke(CHANNELS.checkForUpdates),
  getHistory: (query) => ipcRenderer.invoke(CHANNELS.getHistory, query),
  onHistoryChanged: (listener) => subscribe<void>(CHANNELS.historyChanged, () => listener()),
  clearHistory: () => ipcRenderer.invoke(CHANNELS.clearHistory),
  openHistory: () => ipcRenderer.invoke(CHANNELS.openHistory),
};

contextBridge.exposeInMainWorld('codexPresence', api);
