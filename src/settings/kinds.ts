import type { SettingsTabId } from '../contract/index.js';
import { quotedJson } from '../format/quoted.js';

/**
 * The kinds of setting the table (fields.ts) is made of: a switch, a choice,
 * a whole number in a range, a text with a rule, a list. Each kind knows the
 * shape of its value (what the IPC guard accepts), its rules (what the
 * validator reports), its tidy form (what a save stores) and how it is read
 * from the file (valid: kept; invalid: the default, and a problem saying so).
 */

/** [where below the field ('' for the field itself, `1.label` for part of a list entry), message]. */
export type Problem = [at: string, message: string];

/** A tab that holds settings (the window's tabs but History: src/contract SETTINGS_TABS). */
export type SettingsTab = Exclude<SettingsTabId, 'history'>;

/** Where the settings window shows a field: its tab, its row there (from 1) and the control an error focuses. */
export interface Control {
  tab: SettingsTab;
  row: number;
  id: string;
}

/** What reading the file found so far: the problems to report, and whether a privacy value failed closed. */
export interface Reading {
  problems: string[];
  closed: boolean;
}

export interface Field<V> {
  /** Where the file keeps it: `key` or `section.key`, snake_case, as the earlier Rust tool named it. */
  readonly key: string;
  readonly default: V;
  /** The shape of a value (the IPC guard): its type and size bounds, not its rules. */
  shape(value: unknown): value is V;
  /** What is wrong with a value of that shape; empty when it is valid. */
  problems(value: V): Problem[];
  /** The form a save stores (text trimmed, thresholds largest first); the value itself when absent. */
  tidy?(value: V): V;
  /** Reading the file's value when it is not done the plain way (`plain`: keep it if valid, else the default). */
  read?(value: unknown, reading: Reading, plain: () => V): V;
  /** Privacy fails closed: what an invalid value in the file stands for, and how the problem words what is expected. */
  readonly closed?: { value: V; expected: string };
  /** Written as no key at all when null: the Rust tool reads the key as a plain boolean. */
  readonly absentWhenNull?: boolean;
  readonly control?: Control;
}

type Extra<V> = Pick<Field<V>, 'tidy' | 'read' | 'closed' | 'absentWhenNull' | 'control'>;

/** Strings and lists crossing IPC are bounded: a settings window never sends more. */
const MAX_TEXT = 4096;

export const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
export const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const noProblems = (): Problem[] => [];
const problem = (message: string | null): Problem[] => (message === null ? [] : [['', message]]);

/** The words every privacy value that failed closed ends with. */
export function closedProblem(what: string): string {
  return `${what}; using the most private preset, "minimal", until it is fixed`;
}

/** A value from the file as it is, when valid; otherwise the default (or, for privacy, the closed value) and why. */
export function readValue<V>(field: Field<V>, value: unknown, reading: Reading): V {
  const plain = (): V => {
    if (value === undefined) return structuredClone(field.default);
    if (field.shape(value) && field.problems(value).length === 0) return value;
    if (field.closed !== undefined) {
      reading.problems.push(closedProblem(`${field.key} was ${quotedJson(value)}${field.closed.expected}`));
      reading.closed = true;
      return field.closed.value;
    }
    reading.problems.push(`${field.key} was ${quotedJson(value)}; using ${JSON.stringify(field.default)}`);
    return structuredClone(field.default);
  };
  return field.read === undefined ? plain() : field.read(value, reading, plain);
}

export function bool(key: string, fallback: boolean, extra: Extra<boolean> = {}): Field<boolean> {
  return { key, default: fallback, shape: (v) => typeof v === 'boolean', problems: noProblems, ...extra };
}

/** true, false, or null: follow the preset. */
export function tristate(key: string, extra: Extra<boolean | null> = {}): Field<boolean | null> {
  return { key, default: null, shape: (v) => v === null || typeof v === 'boolean', problems: noProblems, ...extra };
}

export function choice<T extends string>(
  key: string,
  values: readonly T[],
  fallback: T,
  message: string,
  extra: Extra<T> = {},
): Field<T> {
  return {
    key,
    default: fallback,
    shape: (v): v is T => isText(v),
    problems: (v) => problem((values as readonly string[]).includes(v) ? null : message),
    ...extra,
  };
}

export function wholeNumber(
  key: string,
  range: { min: number; max: number; default: number },
  message: string,
  extra: Extra<number> = {},
): Field<number> {
  return {
    key,
    default: range.default,
    shape: isWhole,
    problems: (v) => problem(v >= range.min && v <= range.max ? null : message),
    ...extra,
  };
}

/** A whole number in a range, or null: off. */
export function optionalWholeNumber(
  key: string,
  range: { min: number; max: number },
  message: string,
  extra: Extra<number | null> = {},
): Field<number | null> {
  return {
    key,
    default: null,
    shape: (v): v is number | null => v === null || isWhole(v),
    problems: (v) => problem(v === null || (v >= range.min && v <= range.max) ? null : message),
    ...extra,
  };
}

export function text(
  key: string,
  fallback: string,
  rules: { check?: (v: string) => string | null; trim?: boolean } & Extra<string> = {},
): Field<string> {
  const { check, trim, ...extra } = rules;
  return {
    key,
    default: fallback,
    shape: isText,
    problems: (v) => problem(check === undefined ? null : check(v)),
    ...(trim === true ? { tidy: (v: string) => v.trim() } : {}),
    ...extra,
  };
}

/** A list of at most `maxItems` entries of one shape (a bound on what crosses IPC, not a rule). */
export function list<T>(
  key: string,
  items: { item: (v: unknown) => v is T; maxItems: number; default?: T[] },
  problems: (v: T[]) => Problem[],
  extra: Extra<T[]> = {},
): Field<T[]> {
  return {
    key,
    default: items.default ?? [],
    shape: (v): v is T[] => Array.isArray(v) && v.length <= items.maxItems && v.every(items.item),
    problems,
    ...extra,
  };
}
