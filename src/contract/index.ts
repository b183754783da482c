/**
 * The one contract between the engine, the main process, the preload bridge
 * and the renderer: channel names, the `Api` exposed as `window.codexPresence`,
 * and the shapes that cross it (the snapshot in `snapshot.ts`, usage history
 * in `history.ts`). Types only (plus string constants), and a leaf: it imports
 * nothing outside this folder, so every layer may import it.
 */
import type { TodayUsage } from './cost.js';
import type { HistoryQuery, HistoryView } from './history.js';
import type { EpochMs, UsageSnapshot } from './snapshot.js';

export type * from './cost.js';
export type * from './history.js';
export type * from './snapshot.js';

export const CHANNELS = {
  getSnapshot: 'snapshot:get',
  snapshotChanged: 'snapshot:changed',
  getAppState: 'app-state:get',
  appStateChanged: 'app-state:changed',
  getSettings: 'settings:get',
  saveSettings: 'settings:save',
  setPaused: 'presence:set-paused',
  setLaunchAtLogin: 'app:set-launch-at-login',
  openSettings: 'window:open-settings',
  openLogs: 'app:open-logs',
  openExternal: 'app:open-external',
  quit: 'app:quit',
  inspectCodexHome: 'codex-home:inspect',
  /** Main → every window: the saved settings changed (theme, privacy…), so open windows follow live. */
  settingsChanged: 'settings:changed',
  /** Popover → main: the height its content needs; main sizes and re-positions the window. */
  resizePopover: 'popover:resize',
  /** Popover → main: Escape was pressed. */
  closePopover: 'popover:close',
  /** Try to reach Discord now instead of waiting for the next backoff step. */
  retryDiscord: 'discord:retry',
  /** Runs the same checks as `codex-discord-presence doctor` and returns them. */
  runDoctor: 'app:run-doctor',
  installUpdate: 'update:install',
  checkForUpdates: 'update:check',
  /** Usage history (issue 15): the recorded series, as `history --json` prints them. */
  getHistory: 'history:get',
  /** Main → every window: history gained data (a recorded snapshot, backfill progress, a clear). */
  historyChanged: 'history:changed',
  /** Deletes every recorded observation; the renderer confirms with the user first. */
  clearHistory: 'history:clear',
  /** Opens the settings window on its History tab (a popover sparkline was activated). */
  openHistory: 'window:open-history',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

export type DiscordState = 'disabled' | 'connecting' | 'connected' | 'error';

/**
 * The settings window's tabs, in order: the four groups of settings
 * (src/settings/fields.ts names each field's) and History. `openSettings(tab)`
 * takes one of them, and main accepts nothing else (main/ipc.ts).
 */
export const SETTINGS_TABS = ['discord', 'privacy', 'limits', 'general', 'history'] as const;
export type SettingsTabId = (typeof SETTINGS_TABS)[number];

/**
 * The Discord application the activity goes out under (issue 23 §1): the
 * user's (`yours`), the one this build ships (`built-in`, named "Codex"), or
 * none. Settings → Discord shows it as "built-in (Codex)" or "yours (1234…)".
 */
export interface DiscordApplicationInfo {
  source: 'built-in' | 'yours' | 'none';
  id: string | null;
}

export interface AppState {
  /**
   * `kind`: what the reason is about (`no-application`, `switched-off`, `not-running`,
   * `invalid-client-id`, …), so a view can say it in a few words (src/format/discordStatus.ts).
   */
  discord: { state: DiscordState; reason?: string; kind?: string };
  /** The Discord application used, whatever the connection's state. */
  application?: DiscordApplicationInfo;
  paused: boolean;
  /** True only while Discord is connected, presence is not paused and an activity is actually set. */
  published: boolean;
  /** The session the published activity shows, as the publisher picked it; null while nothing is published or it shows "Idle". */
  shownSessionId: string | null;
  launchAtLogin: boolean;
  version: string;
  /** The OS, so the settings hide what does not apply (the macOS tray title). */
  platform: string;
  /** App updates from GitHub Releases (main/updater.ts). */
  update?: UpdateState;
  /** Today's tokens and their cost from usage history, for the popover's "Today" line; null before history opens. */
  today: TodayUsage | null;
}

export type DoctorStatus = 'ok' | 'warn' | 'fail';

/** What `doctor` found, as the app shows it (the same checks as the CLI). */
export interface DoctorResult {
  ok: boolean;
  checks: Array<{ id: string; status: DoctorStatus; title: string; detail: string; fix?: string }>;
  notes: string[];
}

/**
 * `none`: no update known (never checked, or up to date); `disabled`: checking
 * is off in settings or impossible (not an installed build: `message` says why).
 * `ready`: downloaded; only the user's "Restart to update" installs it.
 */
export type UpdatePhase = 'disabled' | 'none' | 'checking' | 'available' | 'downloading' | 'ready' | 'error';

export interface UpdateState {
  phase: UpdatePhase;
  /** The version on offer (available, downloading, ready). */
  version: string | null;
  /** Download progress, 0 to 100 (downloading). */
  percent: number | null;
  /** When the last check finished, or null. */
  lastCheck: EpochMs | null;
  /** One line for the user: why checking is off, or what went wrong. */
  message: string | null;
}

export type PrivacyPreset = 'minimal' | 'standard' | 'detailed';
export type StateLineMode = 'limits' | 'tokens' | 'combined';
export type IdleBehaviour = 'clear' | 'show';
export type Theme = 'system' | 'light' | 'dark';

export interface PresenceButton {
  label: string;
  url: string;
}

/**
 * The settings: what the settings window edits, and the config everywhere in
 * code. One row per setting in src/settings/fields.ts (its file key, default,
 * rule); the file keeps the earlier Rust tool's snake_case keys
 * (docs/api/codex-presence.md).
 */
export interface Settings {
  discordClientId: string;
  discordEnabled: boolean;
  privacy: {
    preset: PrivacyPreset;
    /** Per-field overrides of the preset; null follows the preset. */
    showProjectName: boolean | null;
    showGitBranch: boolean | null;
    showModel: boolean | null;
    showTokens: boolean | null;
    showLimits: boolean | null;
    showActivity: boolean | null;
    /** The session's cost on Discord through `{cost}`, exact figures only; no preset shows it (issue 24 §1). */
    showCost: boolean | null;
  };
  display: {
    largeImageKey: string;
    largeText: string;
    smallImageKey: string;
    smallText: string;
    detailsTemplate: string;
    stateTemplate: string;
    stateLine: StateLineMode;
    countdownBelowPercent: number | null;
  };
  idle: { afterMinutes: number; behaviour: IdleBehaviour };
  buttons: PresenceButton[];
  ignoreProjects: string[];
  notifications: { thresholds: number[]; onReset: boolean };
  general: {
    codexHome: string;
    theme: Theme;
    staleMinutes: number;
    trayTitle: boolean;
    /** The tray app checks GitHub Releases for app updates (at start and every 6 h). */
    checkUpdates: boolean;
  };
  /** `askCodex`: ask `codex app-server` for the account's limits (at start, every 10 min, on popover open). */
  limits: { askCodex: boolean };
}

/** `saveSettings` resolves to the saved settings, or to one message per invalid field (dotted path → message). */
export type SaveResult = { ok: true; settings: Settings } | { ok: false; errors: Record<string, string> };

export interface CodexHomeCheck {
  path: string;
  exists: boolean;
  sessionFiles: number;
}

export type Unsubscribe = () => void;

/** `window.codexPresence`: one method per channel. */
export interface Api {
  getSnapshot(): Promise<UsageSnapshot>;
  onSnapshot(listener: (snapshot: UsageSnapshot) => void): Unsubscribe;
  getAppState(): Promise<AppState>;
  onAppState(listener: (state: AppState) => void): Unsubscribe;
  getSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<SaveResult>;
  setPaused(paused: boolean): Promise<void>;
  setLaunchAtLogin(enabled: boolean): Promise<void>;
  /** Opens the settings window, or raises the open one, at `tab` when given (the popover's "Choose Codex folder…": General). */
  openSettings(tab?: SettingsTabId): Promise<void>;
  openLogs(): Promise<void>;
  openExternal(url: string): Promise<void>;
  quit(): Promise<void>;
  inspectCodexHome(path: string): Promise<CodexHomeCheck>;
  onSettings(listener: (settings: Settings) => void): Unsubscribe;
  /** Asks for a popover content height in CSS pixels; main clamps it to the work area. */
  resizePopover(height: number): Promise<void>;
  closePopover(): Promise<void>;
  retryDiscord(): Promise<void>;
  runDoctor(): Promise<DoctorResult>;
  /** Quits and installs the downloaded update (AppState.update.phase 'ready'); nothing otherwise. */
  installUpdate?(): Promise<void>;
  /** Checks for an update now (Settings → General). */
  checkForUpdates?(): Promise<void>;
  getHistory(query: HistoryQuery): Promise<HistoryView>;
  onHistoryChanged(listener: () => void): Unsubscribe;
  clearHistory(): Promise<void>;
  openHistory(): Promise<void>;
}
