import type { Settings } from '../contract/index.js';
import type { Field } from './kinds.js';

/** What a setting holds: a value, or a list (a list is one setting, not a section). */
type Leaf = string | number | boolean | null | readonly unknown[];

type PathsOf<T, P extends string = ''> = {
  [K in keyof T & string]-?: T[K] extends Leaf ? `${P}${K}` : PathsOf<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every setting's path in code: `discordClientId`, `privacy.preset`, `display.largeImageKey`… */
export type SettingPath = PathsOf<Settings>;

/** The type of the setting at `P`. */
export type ValueAt<P extends string, T = Settings> = P extends `${infer H}.${infer R}`
  ? H extends keyof T
    ? ValueAt<R, T[H]>
    : never
  : P extends keyof T
    ? T[P]
    : never;

/** One row per setting, each typed by its value: TypeScript refuses a table that misses one. */
export type SettingsTable = { [P in SettingPath]: Field<ValueAt<P>> };

/** The table's rows, in its order, as [path, field]. */
export function rows(table: SettingsTable): Array<[SettingPath, Field<unknown>]> {
  return Object.entries(table) as Array<[SettingPath, Field<unknown>]>;
}

type Tree = Record<string, unknown>;

/** The value at a dotted path (`display.stateLine`), or undefined where the path does not lead. */
export function getAt(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = Object.hasOwn(at, part) ? (at as Tree)[part] : undefined;
  }
  return at;
}

/** Sets the value at a dotted path, making the objects on the way. */
export function setAt(root: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop() ?? '';
  let at = root;
  for (const part of parts) {
    const next = at[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[part] = {};
    at = at[part] as Tree;
  }
  at[last] = value;
}

/** Settings built from one value per path (`value(path, field)`): every path of the table, nothing else. */
export function buildSettings(
  table: SettingsTable,
  value: (path: SettingPath, field: Field<unknown>) => unknown,
): Settings {
  const out: Tree = {};
  for (const [path, field] of rows(table)) setAt(out, path, value(path, field));
  // Complete by construction: the table has a row for every path of Settings (SettingsTable).
  return out as unknown as Settings;
}
