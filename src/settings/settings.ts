import type { Settings } from '../contract/index.js';
import { FIELDS } from './fields.js';
import { isObject } from './kinds.js';
import { buildSettings, getAt, rows, setAt } from './paths.js';

/**
 * What the code does with settings, each derived from the one table
 * (fields.ts): the defaults, the validator the settings window and main
 * run, the shape main's IPC guard accepts, the tidy form a save stores, and
 * the merge of a save with the file as it is now.
 */

export function defaultSettings(): Settings {
  return buildSettings(FIELDS, (_path, field) => structuredClone(field.default));
}

/** Field errors keyed by dotted Settings path (what the settings window shows next to each field). */
export type FieldErrors = Record<string, string>;

/** Checks what a user chose (of the right shape: `isSettings`). Returns an empty object when everything is valid. */
export function validateSettings(s: Settings): FieldErrors {
  const errors: FieldErrors = {};
  for (const [path, field] of rows(FIELDS)) {
    for (const [at, message] of field.problems(getAt(s, path))) errors[at === '' ? path : `${path}.${at}`] = message;
  }
  return errors;
}

/** The shape of Settings, each value's type and size (its rules are `validateSettings`'): what IPC lets through. */
export function isSettings(v: unknown): v is Settings {
  if (!isObject(v)) return false;
  // A missing section, or one that is not an object, leaves its values undefined: no shape takes that.
  return rows(FIELDS).every(([path, field]) => field.shape(getAt(v, path)));
}

/** The form a save stores: text trimmed, thresholds largest first. */
export function tidySettings(s: Settings): Settings {
  return buildSettings(FIELDS, (path, field) => {
    const value = structuredClone(getAt(s, path));
    return field.tidy === undefined ? value : field.tidy(value);
  });
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Three-way merge: what the settings window changed (`ours` against the
 * `base` it loaded) wins; everything it left alone takes what the file holds
 * now (`theirs`), so an edit made in the meantime, by hand or by another
 * process, is not undone by an unrelated save.
 */
export function mergeSettings(base: Settings, ours: Settings, theirs: Settings): Settings {
  const out = structuredClone(theirs);
  for (const [path] of rows(FIELDS)) {
    const mine = getAt(ours, path);
    if (!same(mine, getAt(base, path))) setAt(out as unknown as Record<string, unknown>, path, structuredClone(mine));
  }
  return out;
}
