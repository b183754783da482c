import { quotedJson } from '../format/quoted.js';
import { closedProblem, isObject, type Reading } from './kinds.js';
import type { SettingPath } from './paths.js';
import { CLIENT_ID_RE } from './rules.js';

/**
 * The config file is the earlier Rust tool's (`$CODEX_HOME/discord-presence-config.json`,
 * same file, same keys), so its users keep their settings. What reading it
 * takes beyond the table (fields.ts): whose file it is, the Rust tool's own
 * keys that mean one of ours, and the values a migration takes out of use
 * but keeps in the file.
 */

/** Our schema version: every file this app writes carries it (`CONFIG_VERSION_KEY`). */
export const CONFIG_SCHEMA_VERSION = 7;
/**
 * Our schema version lives in its own key. `schema_version` belongs to the
 * earlier Rust tool, which shares this file and is at 13 and counting: we read
 * it to know what to migrate, and never write it, so the two tools cannot
 * fight over one number (issue 11).
 */
export const CONFIG_VERSION_KEY = 'presence_schema_version';

/**
 * Application ids the earlier Rust tool wrote into every config as its
 * default. They belong to that project, not to the user, so a migrated file
 * does not publish under them; the value is kept as `legacy_discord_client_id`.
 */
export const RUST_TOOL_DEFAULT_CLIENT_IDS = new Set(['1470480085453770854', '1478395304624652345']);

/** Top-level keys a migration or repair adds to keep a value it had to take out of use. */
export const KEPT_KEYS = ['legacy_discord_client_id', 'invalid_discord_client_id'] as const;
export type Kept = Partial<Record<(typeof KEPT_KEYS)[number], string>>;

/** The Rust tool's privacy mode: `true` shows only `Coding with Codex`. Not a setting of ours, but we honour it. */
export const PRIVACY_MODE_KEY = 'privacy.enabled';

type Obj = Record<string, unknown>;

/** Reading one file: the table's reading, plus what the Rust tool's keys need. */
export interface FileReading extends Reading {
  raw: Obj;
  /** The file is the Rust tool's (its schema version, when a write would migrate it), or null when it is ours. */
  migratedFrom: number | null;
  kept: Kept;
}

/**
 * Which tool's file this is. Ours carries `presence_schema_version`; our first
 * release wrote `schema_version: 6` instead (so a 6 without our key is ours).
 * Anything else is the Rust tool's: `schema_version` 1 (absent) to 13 and beyond.
 */
export function rustSchemaVersion(raw: Obj): number | null {
  if (typeof raw[CONFIG_VERSION_KEY] === 'number') return null;
  const version = typeof raw.schema_version === 'number' ? raw.schema_version : 1;
  return version === 6 ? null : version;
}

type SpecialRead = (value: unknown, reading: FileReading, plain: () => unknown) => unknown;

/** The Rust tool wrote these as image texts; ours are generated from the session when empty. */
const rustImageText =
  (theirs: string): SpecialRead =>
  (_value, reading, plain) => {
    const text = plain();
    return reading.migratedFrom !== null && text === theirs ? '' : text;
  };

/** Settings read from the file in their own way (the table's reading happens in `plain`). */
export const SPECIAL_READS: Partial<Record<SettingPath, SpecialRead>> = {
  discordClientId: readClientId,
  // The Rust tool's own on/off switch (schema 9+) means the same thing when ours is not set.
  discordEnabled: (value, reading, plain) =>
    value === undefined && typeof reading.raw.presence_enabled === 'boolean' ? reading.raw.presence_enabled : plain(),
  'display.largeText': rustImageText('Codex'),
  'display.smallText': rustImageText('OpenAI'),
};

/**
 * An id that is not the user's is not published under, and not lost either:
 * the Rust tool's own application id is kept as `legacy_discord_client_id`,
 * an id that is not 17 to 20 digits as `invalid_discord_client_id`.
 */
function readClientId(value: unknown, reading: FileReading, plain: () => unknown): unknown {
  if (typeof value !== 'string') return value === null ? '' : plain();
  const id = value.trim();
  if (RUST_TOOL_DEFAULT_CLIENT_IDS.has(id)) {
    reading.kept.legacy_discord_client_id = id;
    reading.problems.push(
      `discord_client_id ${id} is the earlier Rust tool's own application, not yours; ` +
        'create your own Discord application and set its id (kept as legacy_discord_client_id)',
    );
    return '';
  }
  if (id !== '' && !CLIENT_ID_RE.test(id)) {
    reading.problems.push(
      `discord_client_id ${quotedJson(id)} is not 17 to 20 digits; presence stays disabled until it is fixed`,
    );
    reading.kept.invalid_discord_client_id = id;
    return '';
  }
  return id;
}

/**
 * Whether the file's privacy mode is on. Privacy fails closed (issue 11):
 * `"enabled": "true"` or any value that is not a boolean means on.
 */
export function readPrivacyMode(privacy: unknown, reading: Reading): boolean {
  if (!isObject(privacy) || privacy.enabled === undefined) return false;
  if (typeof privacy.enabled === 'boolean') return privacy.enabled;
  reading.problems.push(closedProblem(`privacy.enabled was ${quotedJson(privacy.enabled)}, not true or false`));
  reading.closed = true;
  return true;
}
