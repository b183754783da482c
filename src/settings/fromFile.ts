import type { Settings } from '../contract/index.js';
import { quotedJson } from '../format/quoted.js';
import { FIELDS } from './fields.js';
import { closedProblem, isObject, readValue } from './kinds.js';
import {
  PRIVACY_MODE_KEY,
  readPrivacyMode,
  rustSchemaVersion,
  SPECIAL_READS,
  type FileReading,
  type Kept,
} from './migrations.js';
import { buildSettings, getAt, rows, setAt, type SettingPath } from './paths.js';
import { defaultSettings } from './settings.js';

/** What the file holds, as settings, and what reading it found. */
export interface FileSettings {
  settings: Settings;
  /** Human-readable reasons a value was replaced by its default. */
  problems: string[];
  /** The Rust tool's schema version, when the file is that tool's and a write would migrate it. */
  migratedFrom: number | null;
  /** Values a migration took out of use, kept in the file beside the settings (migrations.ts). */
  kept: Kept;
  /**
   * The Rust tool's privacy mode is on (`privacy.enabled`): the settings say
   * the most private preset, and these are the file's privacy keys as they
   * are (repaired), by file key, which a write keeps while the settings still
   * say so.
   */
  privacyMode: Record<string, unknown> | null;
}

/** An invalid privacy value selects the most private preset. */
const PRIVACY_PRESET = 'privacy.preset' satisfies SettingPath;
const MOST_PRIVATE = FIELDS[PRIVACY_PRESET].closed?.value ?? 'minimal';
const privacyRows = () => rows(FIELDS).filter(([path]) => path.startsWith('privacy.'));

/**
 * Brings a config file (ours, or the Rust tool's of any schema) to settings.
 * Valid values are kept, invalid ones are replaced by defaults and reported.
 * Privacy fails closed: an invalid privacy value means the most private
 * preset, never the default one, and an invalid override hides its field.
 * Pure: what a write keeps of the file (every key this app does not own) is
 * the serialiser's (src/config/serialize.ts).
 */
export function normalizeFile(raw: unknown): FileSettings {
  if (!isObject(raw)) {
    return {
      settings: defaultSettings(),
      problems: ['the file is not a JSON object'],
      migratedFrom: null,
      kept: {},
      privacyMode: null,
    };
  }
  const reading: FileReading = { raw, problems: [], closed: false, migratedFrom: rustSchemaVersion(raw), kept: {} };
  if (raw.privacy !== undefined && !isObject(raw.privacy)) {
    reading.problems.push(closedProblem(`privacy was ${quotedJson(raw.privacy)}, not an object`));
    reading.closed = true;
  }
  const settings = buildSettings(FIELDS, (path, field) => {
    const value = getAt(raw, field.key);
    const plain = () => readValue(field, value, reading);
    const special = SPECIAL_READS[path];
    return special === undefined ? plain() : special(value, reading, plain);
  });
  const tree = settings as unknown as Record<string, unknown>;
  const modeOn = readPrivacyMode(raw.privacy, reading);
  if (reading.closed) setAt(tree, PRIVACY_PRESET, MOST_PRIVATE);
  let privacyMode: Record<string, unknown> | null = null;
  if (modeOn) {
    // The file's own privacy keys, repaired, for a write to keep; the settings say what the mode means.
    privacyMode = { [PRIVACY_MODE_KEY]: true };
    for (const [path, field] of privacyRows()) {
      privacyMode[field.key] = getAt(settings, path);
      setAt(tree, path, path === PRIVACY_PRESET ? MOST_PRIVATE : field.default);
    }
  }
  return {
    settings,
    problems: reading.problems,
    migratedFrom: reading.migratedFrom,
    kept: reading.kept,
    privacyMode,
  };
}

/** True when the privacy settings are what the file's privacy mode stands for (nothing changed since it was read). */
export function showsPrivacyMode(settings: Settings): boolean {
  return privacyRows().every(
    ([path, field]) => getAt(settings, path) === (path === PRIVACY_PRESET ? MOST_PRIVATE : field.default),
  );
}
