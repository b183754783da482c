import type {
  IdleBehaviour,
  PresenceButton,
  PrivacyPreset,
  Settings,
  StateLineMode,
  Theme,
} from '../contract/index.js';
import { validateTemplate } from '../settings/template.js';
import { globProblem } from '../settings/glob.js';

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

export const CLIENT_ID_RE = /^\d{17,20}$/;
const PRESETS: readonly PrivacyPreset[] = ['minimal', 'standard', 'detailed'];
const STATE_LINES: readonly StateLineMode[] = ['limits', 'tokens', 'combined'];
const IDLE: readonly IdleBehaviour[] = ['clear', 'show'];
const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

/** Field errors keyed by dotted Settings path (what the settings window shows next to each field). */
export type FieldErrors = Record<string, string>;

/** Checks what a user typed. Returns an empty object when everything is valid. */
export function validateSettings(s: Settings): FieldErrors {
  const errors: FieldErrors = {};
  const id = s.discordClientId.trim();
  if (id !== '' && !CLIENT_ID_RE.test(id)) {
    errors.discordClientId =
      'A Discord application id is 17 to 20 digits (Developer Portal → your app → Application ID).';
  }
  if (!PRESETS.includes(s.privacy.preset)) errors['privacy.preset'] = 'Choose minimal, standard or detailed.';
  for (const [field, value] of [
    ['display.detailsTemplate', s.display.detailsTemplate],
    ['display.stateTemplate', s.display.stateTemplate],
  ] as const) {
    const problem = validateTemplate(value);
    if (problem !== null) errors[field] = problem;
  }
  if (!STATE_LINES.includes(s.display.stateLine)) errors['display.stateLine'] = 'Choose limits, tokens or combined.';
  for (const [field, value] of [
    ['display.largeImageKey', s.display.largeImageKey],
    ['display.smallImageKey', s.display.smallImageKey],
  ] as const) {
    const problem = imageKeyProblem(value);
    if (problem !== null) errors[field] = problem;
  }
  const cd = s.display.countdownBelowPercent;
  if (cd !== null && !(Number.isInteger(cd) && cd >= 1 && cd <= 100)) {
    errors['display.countdownBelowPercent'] = 'A whole percentage from 1 to 100, or off.';
  }
  if (!(Number.isInteger(s.idle.afterMinutes) && s.idle.afterMinutes >= 1 && s.idle.afterMinutes <= 1440)) {
    errors['idle.afterMinutes'] = 'Between 1 and 1440 minutes.';
  }
  if (!IDLE.includes(s.idle.behaviour)) errors['idle.behaviour'] = 'Choose clear or show.';
  if (s.buttons.length > 2) errors.buttons = 'Discord shows at most 2 buttons.';
  s.buttons.forEach((b, i) => {
    const label = [...new Intl.Segmenter().segment(b.label.trim())].length;
    if (label < 1 || label > 32) errors[`buttons.${i}.label`] = 'A label of 1 to 32 characters.';
    if (!isHttpsUrl(b.url)) errors[`buttons.${i}.url`] = 'An https:// link.';
  });
  s.ignoreProjects.forEach((g, i) => {
    const problem = globProblem(g);
    if (problem !== null) errors[`ignoreProjects.${i}`] = problem;
  });
  const t = s.notifications.thresholds;
  if (!t.every((v) => Number.isInteger(v) && v >= 1 && v <= 99) || new Set(t).size !== t.length) {
    errors['notifications.thresholds'] = 'Whole, different percentages from 1 to 99.';
  }
  if (!THEMES.includes(s.general.theme)) errors['general.theme'] = 'Choose system, light or dark.';
  if (!(Number.isInteger(s.general.staleMinutes) && s.general.staleMinutes >= 1 && s.general.staleMinutes <= 1440)) {
    errors['general.staleMinutes'] = 'Between 1 and 1440 minutes.';
  }
  return errors;
}

export function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function imageKeyProblem(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  if (/^https?:\/\//i.test(v)) return isHttpsUrl(v) ? null : 'Image links must be https://.';
  if (v.length > 256) return 'At most 256 characters.';
  return /^[a-z0-9_.-]+$/i.test(v) ? null : 'An asset key uses letters, digits, - _ and . only.';
}

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
      check_updates: s.general.checkUpdates ?? base.general.check_updates,
    },
  };
}
