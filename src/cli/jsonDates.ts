import type { HistoryView, UsageSnapshot } from '../contract/index.js';

/*
 * `status --json` and `history --json` are documented APIs whose times are
 * ISO 8601 strings in UTC (docs/api/status-json.md, history-json.md). The
 * contract carries times as epoch ms, each in a field named `at` or ending in
 * `At` (src/contract/snapshot.ts). This is the one mapping between the two:
 * every such number becomes its ISO string, everything else is kept as it is,
 * keys in their order, so the printed JSON is what it always was.
 */

type TimeKey = 'at' | `${string}At`;
type Iso<V> = V extends number ? string : V;

/** `T` with every time field (a number under an `at` / `…At` key) as an ISO 8601 string. */
export type JsonDates<T> = T extends readonly (infer U)[]
  ? JsonDates<U>[]
  : T extends object
    ? { [K in keyof T]: K extends TimeKey ? Iso<T[K]> : JsonDates<T[K]> }
    : T;

/** What `status --json` prints of the snapshot. */
export type SnapshotJson = JsonDates<UsageSnapshot>;
/** What `history --json` prints. */
export type HistoryViewJson = JsonDates<HistoryView>;

const isTimeKey = (key: string): boolean => key === 'at' || key.endsWith('At');

export function toJsonDates<T>(value: T): JsonDates<T> {
  return mapped(value, false) as JsonDates<T>;
}

function mapped(value: unknown, time: boolean): unknown {
  if (typeof value === 'number') return time ? new Date(value).toISOString() : value;
  if (Array.isArray(value)) return value.map((v) => mapped(v, false));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapped(v, isTimeKey(k))]));
}
