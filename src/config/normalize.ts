import type { PresenceButton } from '../contract/index.js';
import { CLIENT_ID_RE, CONFIG_SCHEMA_VERSION, defaultConfig, isHttpsUrl, type PresenceConfig } from './schema.js';

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
  /** The schema version the file had, when it was migrated. */
  migratedFrom: number | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Brings any config (ours, or the Rust tool's schema 2–5) to the current
 * schema. Valid values are kept, invalid ones are replaced by defaults and
 * reported, and keys this app does not know are carried over untouched.
 */
export function normalizeConfig(raw: unknown): Normalized {
  const d = defaultConfig();
  if (!isObj(raw)) return { config: d, problems: ['the file is not a JSON object'], migratedFrom: null };
  const problems: string[] = [];
  const version = typeof raw.schema_version === 'number' ? raw.schema_version : 1;
  const migratedFrom = version < CONFIG_SCHEMA_VERSION ? version : null;
  const fromRust = migratedFrom !== null;

  const pick = <T>(path: string, value: unknown, ok: (v: unknown) => v is T, fallback: T): T => {
    if (value === undefined) return fallback;
    if (ok(value)) return value;
    problems.push(`${path} was ${JSON.stringify(value)}; using ${JSON.stringify(fallback)}`);
    return fallback;
  };
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
  const isBoolOrNull = (v: unknown): v is boolean | null => v === null || typeof v === 'boolean';
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

  let clientId = pick('discord_client_id', raw.discord_client_id ?? '', isStr, '').trim();
  if (fromRust && RUST_TOOL_DEFAULT_CLIENT_IDS.has(clientId)) {
    config.legacy_discord_client_id = clientId;
    problems.push(
      `discord_client_id ${clientId} is the earlier Rust tool's own application, not yours; ` +
        'create your own Discord application and set its id (kept as legacy_discord_client_id)',
    );
    clientId = '';
  } else if (clientId !== '' && !CLIENT_ID_RE.test(clientId)) {
    problems.push(`discord_client_id "${clientId}" is not 17 to 20 digits; presence stays disabled until it is fixed`);
    config.invalid_discord_client_id = clientId;
    clientId = '';
  }
  config.discord_client_id = clientId;
  config.discord_enabled = pick('discord_enabled', raw.discord_enabled, isBool, d.discord_enabled);

  const p = isObj(raw.privacy) ? raw.privacy : {};
  config.privacy = {
    ...p,
    preset: pick('privacy.preset', p.preset, oneOf(['minimal', 'standard', 'detailed'] as const), d.privacy.preset),
    enabled: pick('privacy.enabled', p.enabled, isBool, false),
    show_project_name: pick('privacy.show_project_name', p.show_project_name, isBoolOrNull, null),
    show_git_branch: pick('privacy.show_git_branch', p.show_git_branch, isBoolOrNull, null),
    show_model: pick('privacy.show_model', p.show_model, isBoolOrNull, null),
    show_tokens: pick('privacy.show_tokens', p.show_tokens, isBoolOrNull, null),
    show_limits: pick('privacy.show_limits', p.show_limits, isBoolOrNull, null),
    show_activity: pick('privacy.show_activity', p.show_activity, isBoolOrNull, null),
  };

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
  config.ignore_projects = pick(
    'ignore_projects',
    raw.ignore_projects,
    (v: unknown): v is string[] => Array.isArray(v) && v.every((g) => typeof g === 'string' && g.trim() !== ''),
    [],
  );

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
  config.schema_version = CONFIG_SCHEMA_VERSION;
  return { config, problems, migratedFrom };
}
