import { isDeepStrictEqual } from 'node:util';
import type { Settings } from '../contract/index.js';
import { FIELDS } from '../settings/fields.js';
import { normalizeFile, showsPrivacyMode } from '../settings/fromFile.js';
import { isObject } from '../settings/kinds.js';
import { CONFIG_SCHEMA_VERSION, CONFIG_VERSION_KEY, KEPT_KEYS, PRIVACY_MODE_KEY } from '../settings/migrations.js';
import { getAt, rows } from '../settings/paths.js';
import { detectStyle, editJson, JsonEditError, type JsonEdit, type JsonStyle } from './jsonEdit.js';

type Obj = Record<string, unknown>;

/**
 * Every key this app writes, as [section, key] (section null: top level), in
 * the order a new file has them: our schema version, each setting's file key
 * (src/settings/fields.ts), and the Rust tool's privacy mode after the preset.
 */
export function ownedPaths(): [string | null, string][] {
  const keys = rows(FIELDS).flatMap(([, field]) =>
    field.key === 'privacy.preset' ? [field.key, PRIVACY_MODE_KEY] : [field.key],
  );
  return [CONFIG_VERSION_KEY, ...keys].map((key): [string | null, string] => {
    const dot = key.indexOf('.');
    return dot === -1 ? [null, key] : [key.slice(0, dot), key.slice(dot + 1)];
  });
}

/** Nothing at this key: the key is removed, or not written. */
const ABSENT = Symbol('absent');

const FIELDS_BY_KEY = new Map(rows(FIELDS).map(([, field]) => [field.key, field]));

/** A value as the file keeps it at `key`: an override that follows the preset is no key at all. */
function fileValue(key: string, value: unknown): unknown {
  return value === null && FIELDS_BY_KEY.get(key)?.absentWhenNull === true ? ABSENT : value;
}

/**
 * What each owned key holds once `settings` are written over a file that
 * read as `raw` (null: a new file). The Rust tool's privacy mode stays on,
 * with the file's privacy keys as they are, while the settings still say
 * what it stands for; any other privacy choice turns it off.
 */
function ownedValues(raw: Obj | null, settings: Settings): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const [path, field] of rows(FIELDS)) values.set(field.key, fileValue(field.key, getAt(settings, path)));
  values.set(PRIVACY_MODE_KEY, false);
  const read = raw === null ? null : normalizeFile(raw);
  if (read !== null && read.privacyMode !== null && showsPrivacyMode(settings)) {
    for (const [key, value] of Object.entries(read.privacyMode)) values.set(key, fileValue(key, value));
  }
  const onDisk = raw?.[CONFIG_VERSION_KEY];
  values.set(
    CONFIG_VERSION_KEY,
    Math.max(CONFIG_SCHEMA_VERSION, typeof onDisk === 'number' && Number.isInteger(onDisk) ? onDisk : 0),
  );
  for (const key of KEPT_KEYS) {
    const kept = read?.kept[key];
    if (kept !== undefined) values.set(key, kept);
  }
  return values;
}

/** The file as it was read: its text (without a byte order mark) and what JSON.parse made of it. */
export interface ConfigText {
  text: string;
  raw: Obj;
}

/**
 * The file's text: the file (`original`, what it holds now) with the keys
 * this app owns set from `settings`. Every other key, at any depth, stays as it
 * is and where it is (issue 11: the file is shared with the Rust tool, whose
 * `schema_version`, `pricing`, `presence_layout`… are not ours to touch), and
 * so does its text (issue 21 §6): the file is edited in place, member by
 * member (`jsonEdit.ts`), so numbers, spacing, key order and line endings
 * that are not ours come back byte for byte. A new file is written whole.
 */
export function serializeConfig(original: ConfigText | null, settings: Settings): string {
  const want = wantedObject(original?.raw ?? null, settings);
  // Nothing of the file to keep (no file, or `{}`): written whole, in its line ending if it has one.
  if (original === null || Object.keys(original.raw).length === 0) return wholeFile(want, original?.text ?? null);
  try {
    const style = detectStyle(original.text);
    const edited = editJson(original.text, editsFor(original.raw, want), style);
    // The edit must read back as exactly what is meant; anything the editor did not foresee
    // fails this, and the whole file is written instead.
    if (isDeepStrictEqual(JSON.parse(edited), want)) return edited;
  } catch (error) {
    if (!(error instanceof JsonEditError || error instanceof SyntaxError)) throw error;
  }
  return wholeFile(want, original.text);
}

/** The whole document, laid out like `text` (its line ending and indentation) when there is one. */
function wholeFile(want: Obj, text: string | null): string {
  const style = text === null ? null : detectStyleOrNull(text);
  const eol = style?.eol ?? '\n';
  return `${JSON.stringify(want, null, style?.unit ?? 2)
    .split('\n')
    .join(eol)}${eol}`;
}

function detectStyleOrNull(text: string): JsonStyle | null {
  try {
    return detectStyle(text);
  } catch {
    return null;
  }
}

/** What the file must hold once written: `raw` with the keys this app owns set from `settings`. */
function wantedObject(raw: Obj | null, settings: Settings): Obj {
  const out: Obj = { ...(raw ?? {}) };
  const values = ownedValues(raw, settings);
  for (const [section, key] of ownedPaths()) {
    const value = values.get(section === null ? key : `${section}.${key}`);
    if (section === null) {
      out[key] = value;
      continue;
    }
    const target: Obj = isObject(out[section]) ? { ...out[section] } : {};
    if (value === ABSENT) delete target[key];
    else target[key] = value;
    out[section] = target;
  }
  for (const key of KEPT_KEYS) if (values.has(key)) out[key] = values.get(key);
  return out;
}

/**
 * The edits that turn `raw` into `want`, touching only the keys this app
 * owns, and among those only the ones whose value changes: `10.0` where 10 is
 * meant stays `10.0`. New keys go at the end of their object, in the order a
 * whole write would put them.
 */
function editsFor(raw: Obj, want: Obj): JsonEdit[] {
  const edits: JsonEdit[] = [];
  const top = (key: string): void => {
    if (!sameValue(raw, want, key)) edits.push({ path: [key], value: want[key] });
  };
  const done = new Set<string>();
  for (const [section, key] of ownedPaths()) {
    if (section === null) {
      top(key);
      continue;
    }
    const had = raw[section];
    if (!isObject(had)) {
      if (!done.has(section)) edits.push({ path: [section], value: want[section] });
      done.add(section);
      continue;
    }
    const target = want[section] as Obj;
    if (!Object.hasOwn(target, key)) {
      if (Object.hasOwn(had, key)) edits.push({ path: [section, key], remove: true });
    } else if (!sameValue(had, target, key)) edits.push({ path: [section, key], value: target[key] });
  }
  for (const key of KEPT_KEYS) top(key);
  return edits;
}

function sameValue(a: Obj, b: Obj, key: string): boolean {
  return Object.hasOwn(a, key) === Object.hasOwn(b, key) && isDeepStrictEqual(a[key], b[key]);
}
