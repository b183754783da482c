import type {
  IdleBehaviour,
  PresenceButton,
  PrivacyPreset,
  Settings,
  StateLineMode,
  Theme,
} from '../contract/index.js';

/**
 * The config file, `$CODEX_HOME/discord-presence-config.json`: the same file
 * and the same key names the earlier Rust tool used, so its users keep their
 * settings. snake_case on disk; `Settings` (camelCase) is what the UI edits.
 * Keys this app does not use are kept on every write.
 */
export const CONFIG_SCHEMA_VERSION = 7;
/**
 * Our schema version lives in its own key. `schema_version` belongs to the
 * earlier Rust tool, which shares this file and is at 13 and counting: we read
 * it to know what to migrate, and never write it, so the two tools cannot
 * fight over one number (issue 11).
 */
export const CONFIG_VERSION_KEY = 'presence_schema_version';
export const CONFIG_FILE_NAME = 'discord-presence-config.json';

export interface PrivacyConfig {
  preset: PrivacyPreset;
  /** The Rust tool's "privacy mode": when true, only `Coding with Codex` is shown. */
  enabled: boolean;
  /** Per-field overrides of the preset; null follows the preset. */
  show_project_name: boolean | null;
  show_git_branch: boolean | null;
  show_model: boolean | null;
  show_tokens: boolean | null;
  show_limits: boolean | null;
  show_activity: boolean | null;
}

export interface PresenceConfig {
  presence_schema_version: number;
  discord_client_id: string;
  discord_enabled: boolean;
  privacy: PrivacyConfig;
  display: {
    large_image_key: string;
    large_text: string;
    small_image_key: string;
    small_text: string;
    details_template: string;
    state_template: string;
    state_line: StateLineMode;
    /** Show a countdown to the 5h reset when less than this share is left (null: never). */
    countdown_below_percent: number | null;
  };
  idle: { after_minutes: number; behaviour: IdleBehaviour };
  buttons: PresenceButton[];
  ignore_projects: string[];
  notifications: { thresholds: number[]; on_reset: boolean };
  general: {
    codex_home: string;
    theme: Theme;
    stale_minutes: number;
    tray_title: boolean;
    /** The tray app checks GitHub Releases for updates (at start and every 6 h). */
    check_updates: boolean;
  };
  /** `ask_codex`: ask `codex app-server` for the account's limits (at start, every 10 min, on popover open). */
  limits: { ask_codex: boolean };
  /** Everything else found in the file (Rust-tool keys such as pricing, openai_plan). */
  [unknown: string]: unknown;
}

export function defaultConfig(): PresenceConfig {
  return {
    presence_schema_version: CONFIG_SCHEMA_VERSION,
    discord_client_id: '',
    discord_enabled: true,
    privacy: {
      preset: 'standard',
      enabled: false,
      show_project_name: null,
      show_git_branch: null,
      show_model: null,
      show_tokens: null,
      show_limits: null,
      show_activity: null,
    },
    display: {
      large_image_key: 'codex-logo',
      large_text: '',
      small_image_key: 'openai',
      small_text: '',
      details_template: '',
      state_template: '',
      state_line: 'limits',
      countdown_below_percent: null,
    },
    idle: { after_minutes: 10, behaviour: 'show' },
    buttons: [],
    ignore_projects: [],
    notifications: { thresholds: [25, 10, 5], on_reset: false },
    general: { codex_home: '', theme: 'system', stale_minutes: 30, tray_title: false, check_updates: true },
    limits: { ask_codex: true },
  };
}

export { CLIENT_ID_RE, isHttpsUrl } from '../settings/rules.js';
export { validateSettings, type FieldErrors } from '../settings/settings.js';

export function toSettings(c: PresenceConfig): Settings {
  return {
    discordClientId: c.discord_client_id,
    discordEnabled: c.discord_enabled,
    privacy: {
      preset: c.privacy.enabled ? 'minimal' : c.privacy.preset,
      showProjectName: c.privacy.show_project_name,
      showGitBranch: c.privacy.show_git_branch,
      showModel: c.privacy.show_model,
      showTokens: c.privacy.show_tokens,
      showLimits: c.privacy.show_limits,
      showActivity: c.privacy.show_activity,
    },
    display: {
      largeImageKey: c.display.large_image_key,
      largeText: c.display.large_text,
      smallImageKey: c.display.small_image_key,
      smallText: c.display.small_text,
      detailsTemplate: c.display.details_template,
      stateTemplate: c.display.state_template,
      stateLine: c.display.state_line,
      countdownBelowPercent: c.display.countdown_below_percent,
    },
    idle: { afterMinutes: c.idle.after_minutes, behaviour: c.idle.behaviour },
    buttons: c.buttons.map((b) => ({ ...b })),
    ignoreProjects: [...c.ignore_projects],
    notifications: { thresholds: [...c.notifications.thresholds], onReset: c.notifications.on_reset },
    general: {
      codexHome: c.general.codex_home,
      theme: c.general.theme,
      staleMinutes: c.general.stale_minutes,
      trayTitle: c.general.tray_title,
      checkUpdates: c.general.check_updates,
    },
    limits: { askCodex: c.limits.ask_codex },
  };
}

/** Applies validated settings onto a config, keeping every key the settings do not cover. */
export function applySettings(base: PresenceConfig, s: Settings): PresenceConfig {
  return {
    ...base,
    presence_schema_version: Math.max(base.presence_schema_version, CONFIG_SCHEMA_VERSION),
    discord_client_id: s.discordClientId.trim(),
    discord_enabled: s.discordEnabled,
    privacy: {
      ...base.privacy,
      preset: s.privacy.preset,
      // Choosing a preset in the UI replaces the Rust tool's privacy-mode switch.
      enabled: false,
      show_project_name: s.privacy.showProjectName,
      show_git_branch: s.privacy.showGitBranch,
      show_model: s.privacy.showModel,
      show_tokens: s.privacy.showTokens,
      show_limits: s.privacy.showLimits,
      show_activity: s.privacy.showActivity,
    },
    display: {
      ...base.display,
      large_image_key: s.display.largeImageKey.trim(),
      large_text: s.display.largeText,
      small_image_key: s.display.smallImageKey.trim(),
      small_text: s.display.smallText,
      details_template: s.display.detailsTemplate,
      state_template: s.display.stateTemplate,
      state_line: s.display.stateLine,
      countdown_below_percent: s.display.countdownBelowPercent,
    },
    idle: { after_minutes: s.idle.afterMinutes, behaviour: s.idle.behaviour },
    buttons: s.buttons.map((b) => ({ label: b.label.trim(), url: b.url.trim() })),
    ignore_projects: s.ignoreProjects.map((g) => g.trim()),
    notifications: {
      thresholds: [...s.notifications.thresholds].sort((a, b) => b - a),
      on_reset: s.notifications.onReset,
    },
    general: {
      ...base.general,
      codex_home: s.general.codexHome.trim(),
      theme: s.general.theme,
      stale_minutes: s.general.staleMinutes,
      tray_title: s.general.trayTitle,
      check_updates: s.general.checkUpdates,
    },
    limits: { ...base.limits, ask_codex: s.limits.askCodex },
  };
}
