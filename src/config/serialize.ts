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

/**
 * The file's text: `raw` (what the file holds now) with the keys this app
 * owns set from `config`. Every other key, at any depth, stays as it is and
 * where it is (issue 11: the file is shared with the Rust tool, whose
 * `schema_version`, `pricing`, `presence_layout`… are not ours to touch).
 */
export function serializeConfig(raw: Obj | null, config: PresenceConfig): string {
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
  return `${JSON.stringify(out, null, 2)}\n`;
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
