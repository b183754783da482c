import type { PresenceButton } from '../contract/index.js';
import { loadedTemplate } from '../settings/template.js';
import { quotedJson } from '../format/quoted.js';
import { globProblem } from '../settings/glob.js';
import {
  CLIENT_ID_RE,
  CONFIG_SCHEMA_VERSION,
  CONFIG_VERSION_KEY,
  defaultConfig,
  isHttpsUrl,
  type PresenceConfig,
  type PrivacyConfig,
} from './schema.js';

/**
 * Application ids the earlier Rust tool wrote into every config as its
 * default. They belong to that project, not to the user, so a migrated file
 * does not publish under them; the value is kept as `legacy_discord_client_id`.
 */
export const RUST_TOOL_DEFAULT_CLIENT_IDS = new Set(['1470480085453770854', '1478395304624652345']);

export interface Normalized {
  config: PresenceConfig;
  /** Human-readable reasons a value was replaced by its default. */
  problems: string[];
  /** The Rust tool's schema version, when the file is that tool's and a write would migrate it. */
  migratedFrom: number | null;
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Which tool's file this is. Ours carries `presence_schema_version`; our first
 * release wrote `schema_version: 6` instead (so a 6 without our key is ours).
 * Anything else is the Rust tool's: `schema_version` 1 (absent) to 13 and beyond.
 */
function rustSchemaVersion(raw: Obj): number | null {
  if (typeof raw[CONFIG_VERSION_KEY] === 'number') return null;
  const version = typeof raw.schema_version === 'number' ? raw.schema_version : 1;
  return version === 6 ? null : version;
}

/**
 * Brings any config (ours, or the Rust tool's of any schema) to the current
 * schema. Valid values are kept, invalid ones are replaced by defaults and
 * reported, and keys this app does not know are carried over untouched.
 * Privacy fails closed: an invalid privacy value means the most private
 * preset, never the default one.
 */
export function normalizeConfig(raw: unknown): Normalized {
  const d = defaultConfig();
  if (!isObj(raw)) return { config: d, problems: ['the file is not a JSON object'], migratedFrom: null };
  const problems: string[] = [];
  const migratedFrom = rustSchemaVersion(raw);
  const fromRust = migratedFrom !== null;

  const pick = <T>(path: string, value: unknown, ok: (v: unknown) => v is T, fallback: T): T => {
    if (value === undefined) return fallback;
    if (ok(value)) return value;
    problems.push(`${path} was ${quotedJson(value)}; using ${JSON.stringify(fallback)}`);
    return fallback;
  };
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
  const isStr = (v: unknown): v is string => typeof v === 'string';
  const oneOf =
    <T extends string>(values: readonly T[]) =>
    (v: unknown): v is T =>
      typeof v === 'string' && (values as readonly string[]).includes(v);
  const intIn =
    (lo: number, hi: number) =>
    (v: unknown): v is number =>
      typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

  const config: PresenceConfig = { ...raw, ...d } as PresenceConfig;
  // Unknown top-level keys survive; known ones are rebuilt below.
  for (const [k, v] of Object.entries(raw)) if (!(k in d)) config[k] = v;
  const ours = raw[CONFIG_VERSION_KEY];
  // A newer release of this app may have written a higher version: never lower it.
  config[CONFIG_VERSION_KEY] =
    typeof ours === 'number' && Number.isInteger(ours) && ours > CONFIG_SCHEMA_VERSION ? ours : CONFIG_SCHEMA_VERSION;

  let clientId = pick('discord_client_id', raw.discord_client_id ?? '', isStr, '').trim();
  if (RUST_TOOL_DEFAULT_CLIENT_IDS.has(clientId)) {
    config.legacy_discord_client_id = clientId;
    problems.push(
      `discord_client_id ${clientId} is the earlier Rust tool's own application, not yours; ` +
        'create your own Discord application and set its id (kept as legacy_discord_client_id)',
    );
    clientId = '';
  } else if (clientId !== '' && !CLIENT_ID_RE.test(clientId)) {
    problems.push(
      `discord_client_id ${quotedJson(clientId)} is not 17 to 20 digits; presence stays disabled until it is fixed`,
    );
    config.invalid_discord_client_id = clientId;
    clientId = '';
  }
  config.discord_client_id = clientId;
  // The Rust tool's own on/off switch (schema 9+) means the same thing when ours is not set.
  const enabled =
    raw.discord_enabled === undefined && isBool(raw.presence_enabled) ? raw.presence_enabled : raw.discord_enabled;
  config.discord_enabled = pick('discord_enabled', enabled, isBool, d.discord_enabled);

  config.privacy = normalizePrivacy(raw.privacy, problems);

  const disp = isObj(raw.display) ? raw.display : {};
  config.display = {
    ...disp,
    large_image_key: pick('display.large_image_key', disp.large_image_key, isStr, d.display.large_image_key),
    large_text: pick('display.large_text', disp.large_text, isStr, d.display.large_text),
    small_image_key: pick('display.small_image_key', disp.small_image_key, isStr, d.display.small_image_key),
    small_text: pick('display.small_text', disp.small_text, isStr, d.display.small_text),
    details_template: pick('display.details_template', disp.details_template, isStr, ''),
    state_template: pick('display.state_template', disp.state_template, isStr, ''),
    state_line: pick('display.state_line', disp.state_line, oneOf(['limits', 'tokens', 'combined'] as const), 'limits'),
    countdown_below_percent: pick(
      'display.countdown_below_percent',
      disp.countdown_below_percent,
      (v: unknown): v is number | null => v === null || intIn(1, 100)(v),
      null,
    ),
  };
  // Templates from the file are validated like those saved from the settings window (issue #10 §2).
  for (const key of ['details_template', 'state_template'] as const) {
    const checked = loadedTemplate(`display.${key}`, config.display[key]);
    config.display[key] = checked.template;
    if (checked.problem !== null) problems.push(checked.problem);
  }
  // The Rust tool wrote "Codex"/"OpenAI" as image texts; ours are generated from the session when empty.
  if (fromRust) {
    if (config.display.large_text === 'Codex') config.display.large_text = '';
    if (config.display.small_text === 'OpenAI') config.display.small_text = '';
  }

  const idle = isObj(raw.idle) ? raw.idle : {};
  config.idle = {
    ...idle,
    after_minutes: pick('idle.after_minutes', idle.after_minutes, intIn(1, 1440), d.idle.after_minutes),
    behaviour: pick('idle.behaviour', idle.behaviour, oneOf(['clear', 'show'] as const), d.idle.behaviour),
  };

  config.buttons = pick(
    'buttons',
    raw.buttons,
    (v: unknown): v is PresenceButton[] =>
      Array.isArray(v) &&
      v.length <= 2 &&
      v.every(
        (b) =>
          isObj(b) &&
          typeof b.label === 'string' &&
          b.label.trim() !== '' &&
          typeof b.url === 'string' &&
          isHttpsUrl(b.url),
      ),
    [],
  );
  // Each bad entry is dropped on its own: the others keep hiding their
  // projects. Replacing the whole list would publish every project the user
  // meant to hide because of one typo.
  const ignoreRaw = Array.isArray(raw.ignore_projects)
    ? (raw.ignore_projects as unknown[])
    : pick('ignore_projects', raw.ignore_projects, (v: unknown): v is unknown[] => Array.isArray(v), []);
  config.ignore_projects = ignoreRaw.filter((g): g is string => {
    const shown = typeof g === 'string' && g.length > 40 ? `${g.slice(0, 40)}…` : g;
    const problem =
      typeof g !== 'string' ? 'a pattern must be text' : g.trim() === '' ? 'the pattern is empty' : globProblem(g);
    if (problem !== null) problems.push(`ignore_projects ${quotedJson(shown)} is not used: ${problem}`);
    return problem === null;
  });

  const n = isObj(raw.notifications) ? raw.notifications : {};
  config.notifications = {
    ...n,
    thresholds: pick(
      'notifications.thresholds',
      n.thresholds,
      (v: unknown): v is number[] => Array.isArray(v) && v.every(intIn(1, 99)),
      d.notifications.thresholds,
    ),
    on_reset: pick('notifications.on_reset', n.on_reset, isBool, false),
  };

  const g = isObj(raw.general) ? raw.general : {};
  config.general = {
    ...g,
    codex_home: pick('general.codex_home', g.codex_home, isStr, ''),
    theme: pick('general.theme', g.theme, oneOf(['system', 'light', 'dark'] as const), 'system'),
    stale_minutes: pick('general.stale_minutes', g.stale_minutes, intIn(1, 1440), d.general.stale_minutes),
    tray_title: pick('general.tray_title', g.tray_title, isBool, d.general.tray_title),
    check_updates: pick('general.check_updates', g.check_updates, isBool, d.general.check_updates),
  };
  const lim = isObj(raw.limits) ? raw.limits : {};
  config.limits = { ...lim, ask_codex: pick('limits.ask_codex', lim.ask_codex, isBool, d.limits.ask_codex) };
  return { config, problems, migratedFrom };
}

const PRIVACY_FIELDS = [
  'show_project_name',
  'show_git_branch',
  'show_model',
  'show_tokens',
  'show_limits',
  'show_activity',
] as const;

/**
 * Privacy fails closed (issue 11): `"preset": "Minimal"`, `"enabled": "true"`
 * or any other invalid privacy value selects the most private preset, and an
 * invalid per-field override hides its field. A typo must never share more.
 */
function normalizePrivacy(value: unknown, problems: string[]): PrivacyConfig {
  const d = defaultConfig().privacy;
  if (value === undefined) return d;
  const closed = (what: string): void => {
    problems.push(`${what}; using the most private preset, "minimal", until it is fixed`);
  };
  if (!isObj(value)) {
    closed(`privacy was ${quotedJson(value)}, not an object`);
    return { ...d, preset: 'minimal' };
  }
  const out: PrivacyConfig = { ...value, ...d };
  let invalid = false;
  const preset = value.preset;
  if (preset === 'minimal' || preset === 'standard' || preset === 'detailed') out.preset = preset;
  else if (preset !== undefined) {
    closed(`privacy.preset was ${quotedJson(preset)}; it is one of "minimal", "standard", "detailed" (lower case)`);
    invalid = true;
  }
  if (typeof value.enabled === 'boolean') out.enabled = value.enabled;
  else if (value.enabled !== undefined) {
    closed(`privacy.enabled was ${quotedJson(value.enabled)}, not true or false`);
    out.enabled = true;
    invalid = true;
  }
  for (const field of PRIVACY_FIELDS) {
    const v = value[field];
    if (v === undefined || v === null || typeof v === 'boolean') out[field] = v ?? null;
    else {
      closed(`privacy.${field} was ${quotedJson(v)}, not true, false or null`);
      out[field] = false;
      invalid = true;
    }
  }
  if (invalid) out.preset = 'minimal';
  return out;
}
