/**
 * The one contract between the main process, the preload bridge and the
 * renderer: channel names, the `Api` exposed as `window.codexPresence`, and
 * the shapes that cross it. Types only (plus string constants), so every
 * layer may import it.
 */
import type { LimitSource, UsageSnapshot } from '../usage/types.js';

export type {
  CodexSessionSnapshot,
  LimitFamily,
  LimitSource,
  Pace,
  SessionAgents,
  SessionStatus,
  SubagentInfo,
  UsageLimits,
  UsageSnapshot,
  UsageWindow,
} from '../usage/types.js';
export type { Activity, Credits } from '../rollout/types.js';

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

export interface AppState {
  discord: { state: DiscordState; reason?: string };
  paused: boolean;
  /** True only while Discord is connected, presence is not paused and an activity is actually set. */
  published: boolean;
  launchAtLogin: boolean;
  version: string;
  /** The OS, so the settings hide what does not apply (the macOS tray title). */
  platform: string;
  /** App updates from GitHub Releases (main/updater.ts). */
  update?: UpdateState;
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
  /** When the last check finished (ISO 8601), or null. */
  lastCheck: string | null;
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

/*
 * Usage history (issue 15). Recorded locally by the publishing process only,
 * never sent to Discord. Token figures are Codex's display figure
 * (`blendedTotal`: non-cached input + output), cached input kept apart.
 */

export type HistoryWindowKind = 'primary' | 'secondary';

/** One observation of a window's used share. */
export interface HistoryLimitPoint {
  /** When it was observed (ISO 8601). */
  at: string;
  usedPercent: number;
  source: LimitSource;
}

/** One instance of a rate-limit window: from its start (reset − length) to its reset. */
export interface HistoryWindow {
  limitId: string;
  limitName: string | null;
  kind: HistoryWindowKind;
  /** The same label as the live rows (`5h`, `weekly`…). */
  label: string;
  windowMinutes: number | null;
  /** resetsAt − windowMinutes, or null when either is unknown. */
  startsAt: string | null;
  resetsAt: string | null;
  /** True for the instance in progress now. */
  current: boolean;
  /** Oldest first. */
  points: HistoryLimitPoint[];
}

export interface HistoryProjectTokens {
  /** null: sessions with no project. Ignored projects are never recorded. */
  project: string | null;
  tokens: number;
  cachedInput: number;
}

export interface HistoryDay {
  /** Local calendar day, YYYY-MM-DD. */
  day: string;
  tokens: number;
  cachedInput: number;
  /** Largest first. */
  projects: HistoryProjectTokens[];
}

export interface HistorySession {
  id: string;
  project: string | null;
  model: string | null;
  /** Tokens this session used on the queried day (its own growth: forks and sub-agents counted once). */
  tokens: number;
  cachedInput: number;
}

export type BackfillPhase = 'idle' | 'running' | 'done' | 'error';

/** Building history from existing rollouts on first start (runs behind the live snapshot). */
export interface BackfillState {
  phase: BackfillPhase;
  filesDone: number;
  filesTotal: number;
  /** One line for the user when phase is 'error'. */
  message: string | null;
}

export interface HistoryQuery {
  /** How many local days of token usage, 1 to 400 (the UI offers 7, 30 and 90). */
  days: number;
  /** The day whose top sessions to list (YYYY-MM-DD); default today. */
  day?: string;
}

export interface HistoryView {
  generatedAt: string;
  /** Exactly `query.days` entries, oldest first, ending today; days without use are zeros. */
  days: HistoryDay[];
  /** Every family's current windows, then past windows, newest first (at most 8 past per family and kind). */
  windows: HistoryWindow[];
  /** The queried day's sessions, most tokens first, at most 10. */
  topSessions: HistorySession[];
  backfill: BackfillState;
}

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
  openSettings(): Promise<void>;
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
