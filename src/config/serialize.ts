import { isDeepStrictEqual } from 'node:util';
import { detectStyle, editJson, JsonEditError, type JsonEdit, type JsonStyle } from './jsonEdit.js';
import { isObj } from './normalize.js';
import { CONFIG_SCHEMA_VERSION, CONFIG_VERSION_KEY, defaultConfig, type PresenceConfig } from './schema.js';

type Obj = Record<string, unknown>;

/** Sections whose keys this app owns one by one; their other keys belong to someone else. */
const SECTIONS = ['privacy', 'display', 'idle', 'notifications', 'general', 'limits'] as const;
/** Keys a migration or repair adds to keep a value it had to take out of use. */
const KEPT_VALUES = ['legacy_discord_client_id', 'invalid_discord_client_id'] as const;
/** The Rust tool reads these as plain booleans: `null` ("follow the preset") is written as no key at all. */
const SHARED_BOOLEANS = new Set([
  'show_project_name',
  'show_git_branch',
  'show_model',
  'show_tokens',
  'show_limits',
  'show_activity',
]);

/** Every key path this app writes, as [section, key] (section null: top level). */
export function ownedPaths(): [string | null, string][] {
  const d = defaultConfig();
  const out: [string | null, string][] = [];
  for (const [k, v] of Object.entries(d)) {
    if ((SECTIONS as readonly string[]).includes(k) && isObj(v)) for (const sub of Object.keys(v)) out.push([k, sub]);
    else out.push([null, k]);
  }
  return out;
}

/** The file as it was read: its text (without a byte order mark) and what JSON.parse made of it. */
export interface ConfigText {
  text: string;
  raw: Obj;
}

/**
 * The file's text: the file (`original`, what it holds now) with the keys
 * this app owns set from `config`. Every other key, at any depth, stays as it
 * is and where it is (issue 11: the file is shared with the Rust tool, whose
 * `schema_version`, `pricing`, `presence_layout`… are not ours to touch), and
 * so does its text (issue 21 §6): the file is edited in place, member by
 * member (`jsonEdit.ts`), so numbers, spacing, key order and line endings
 * that are not ours come back byte for byte. A new file is written whole.
 */
export function serializeConfig(original: ConfigText | null, config: PresenceConfig): string {
  const want = wantedObject(original?.raw ?? null, config);
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

/** What the file must hold once written: `raw` with the keys this app owns set from `config`. */
function wantedObject(raw: Obj | null, config: PresenceConfig): Obj {
  const out: Obj = { ...(raw ?? {}) };
  for (const [section, key] of ownedPaths()) {
    if (section === null) {
      out[key] = config[key];
      continue;
    }
    const from = config[section] as Obj;
    const target: Obj = isObj(out[section]) ? { ...out[section] } : {};
    const value = from[key];
    if (section === 'privacy' && SHARED_BOOLEANS.has(key) && value === null) delete target[key];
    else target[key] = value;
    out[section] = target;
  }
  for (const key of KEPT_VALUES) if (config[key] !== undefined) out[key] = config[key];
  const onDisk = raw?.[CONFIG_VERSION_KEY];
  out[CONFIG_VERSION_KEY] = Math.max(
    CONFIG_SCHEMA_VERSION,
    typeof config[CONFIG_VERSION_KEY] === 'number' ? config[CONFIG_VERSION_KEY] : 0,
    typeof onDisk === 'number' && Number.isInteger(onDisk) ? onDisk : 0,
  );
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
    if (!isObj(had)) {
      if (!done.has(section)) edits.push({ path: [section], value: want[section] });
      done.add(section);
      continue;
    }
    const target = want[section] as Obj;
    if (!Object.hasOwn(target, key)) {
      if (Object.hasOwn(had, key)) edits.push({ path: [section, key], remove: true });
    } else if (!sameValue(had, target, key)) edits.push({ path: [section, key], value: target[key] });
  }
  for (const key of KEPT_VALUES) top(key);
  top(CONFIG_VERSION_KEY);
  return edits;
}

function sameValue(a: Obj, b: Obj, key: string): boolean {
  return Object.hasOwn(a, key) === Object.hasOwn(b, key) && isDeepStrictEqual(a[key], b[key]);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Three-way merge of the keys this app owns: what the settings window changed
 * (`ours` against the `base` it loaded) wins; everything it left alone takes
 * what the file holds now (`theirs`), so an edit made in the meantime, by hand
 * or by another process, is not undone by an unrelated save.
 */
export function mergeConfigs(base: PresenceConfig, ours: PresenceConfig, theirs: PresenceConfig): PresenceConfig {
  const out = structuredClone(theirs);
  for (const [section, key] of ownedPaths()) {
    const pick = (c: PresenceConfig): unknown => (section === null ? c[key] : (c[section] as Obj)[key]);
    if (same(pick(ours), pick(base))) continue;
    if (section === null) out[key] = structuredClone(pick(ours));
    else (out[section] as Obj)[key] = structuredClone(pick(ours));
  }
  for (const key of KEPT_VALUES) if (!same(ours[key], base[key])) out[key] = ours[key];
  return out;
}
