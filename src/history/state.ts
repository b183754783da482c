import { localDay, oldestKeptDay } from './day.js';
import {
  encodeRecord,
  FORMAT,
  FORMAT_VERSION,
  cursorOf,
  type BackfillRecord,
  type DayTokens,
  type FileCursor,
  type HeaderRecord,
  type HistoryRecord,
  type LimitRecord,
} from './records.js';

/** What the history file holds, folded into memory. Pure data and pure functions. */
export interface HistoryState {
  createdAt: number;
  clearedAt: number | null;
  files: Map<string, FileCursor>;
  /** Per rollout path, per local day: `[tokens, cachedInput]`. */
  usage: Map<string, Map<string, [number, number]>>;
  /** Observations in the order they were recorded. */
  limits: LimitRecord[];
  /** The newest observation per family and window kind, to record only changes. */
  lastLimit: Map<string, LimitRecord>;
  backfill: BackfillRecord | null;
}

export interface Bounds {
  /** Local days kept, today included. */
  maxDays: number;
  /** Largest compacted file, in bytes; the oldest days go first. */
  maxBytes: number;
}

export const DEFAULT_BOUNDS: Bounds = { maxDays: 400, maxBytes: 50 * 1024 * 1024 };
/** Two resets this close are the same window instance (the headers' reset moves by a second or so). */
export const SAME_WINDOW_MS = 2 * 60 * 1000;
/** A finished window keeps at most this many points after compaction: enough for any chart. */
export const MAX_POINTS_PER_PAST_WINDOW = 120;

export function emptyState(now: number, clearedAt: number | null = null): HistoryState {
  return {
    createdAt: now,
    clearedAt,
    files: new Map(),
    usage: new Map(),
    limits: [],
    lastLimit: new Map(),
    backfill: null,
  };
}

export const limitKey = (r: { id: string; kind: string }): string => `${r.id}\u0000${r.kind}`;

export function applyRecord(state: HistoryState, record: HistoryRecord): void {
  switch (record.k) {
    case 'header':
      state.createdAt = record.createdAt;
      state.clearedAt = record.clearedAt;
      return;
    case 'limit': {
      state.limits.push(record);
      const key = limitKey(record);
      const last = state.lastLimit.get(key);
      if (last === undefined || record.at >= last.at) state.lastLimit.set(key, record);
      return;
    }
    case 'file': {
      state.files.set(record.path, cursorOf(record));
      if (record.add.length > 0) {
        let days = state.usage.get(record.path);
        if (days === undefined) state.usage.set(record.path, (days = new Map()));
        for (const [day, tokens, cached] of record.add) {
          const cell = days.get(day);
          if (cell === undefined) days.set(day, [tokens, cached]);
          else {
            cell[0] += tokens;
            cell[1] += cached;
          }
        }
      }
      return;
    }
    case 'backfill':
      state.backfill = record;
      return;
  }
}

/** False when `record` says nothing the newest observation of its window did not (record only changes). */
export function isChange(state: HistoryState, record: LimitRecord): boolean {
  const last = state.lastLimit.get(limitKey(record));
  if (last === undefined) return true;
  return !sameReading(last, record);
}

function sameReading(a: LimitRecord, b: LimitRecord): boolean {
  const sameReset = a.reset === null || b.reset === null ? a.reset === b.reset : Math.abs(a.reset - b.reset) <= 1000;
  return a.used === b.used && sameReset && a.minutes === b.minutes && a.name === b.name;
}

export function headerOf(state: HistoryState): HeaderRecord {
  return {
    k: 'header',
    format: FORMAT,
    version: FORMAT_VERSION,
    createdAt: state.createdAt,
    clearedAt: state.clearedAt,
  };
}

/**
 * The smallest file that says the same, within `bounds`: one line per rollout
 * with its usage per day, limit observations in time order with repeats
 * removed and finished windows thinned, then, while the file is too large,
 * the oldest day dropped. Returns the records and the state they describe.
 */
export function compact(
  state: HistoryState,
  now: number,
  bounds: Bounds,
): { records: HistoryRecord[]; state: HistoryState } {
  let cutoff = oldestKeptDay(now, bounds.maxDays);
  const limits = thinLimits(
    [...state.limits].sort((a, b) => a.at - b.at).filter((l) => localDay(l.at) >= cutoff),
    now,
  );
  const usage = new Map<string, Map<string, [number, number]>>();
  for (const [path, days] of state.usage) {
    const kept = new Map([...days].filter(([day, cell]) => day >= cutoff && (cell[0] > 0 || cell[1] > 0)));
    if (kept.size > 0) usage.set(path, kept);
  }
  const build = (): HistoryRecord[] => {
    const out: HistoryRecord[] = [headerOf(state)];
    for (const cursor of state.files.values()) {
      const days = usage.get(cursor.path);
      const add: DayTokens[] = days === undefined ? [] : [...days].sort().map(([d, [t, c]]) => [d, t, c]);
      out.push({ k: 'file', ...cursor, add });
    }
    out.push(...limits);
    if (state.backfill !== null) out.push(state.backfill);
    return out;
  };
  let records = build();
  let size = sizeOf(records);
  if (size > bounds.maxBytes) {
    // What each day costs in the file: its limit lines and its `[day, tokens, cached],` entries.
    const perDay = new Map<string, number>();
    const addTo = (day: string, bytes: number): void => void perDay.set(day, (perDay.get(day) ?? 0) + bytes);
    for (const l of limits) addTo(localDay(l.at), Buffer.byteLength(encodeRecord(l)));
    for (const days of usage.values()) {
      for (const [day, [t, c]] of days) addTo(day, JSON.stringify([day, t, c]).length + 1);
    }
    for (const day of [...perDay.keys()].sort()) {
      if (size <= bounds.maxBytes) break;
      size -= perDay.get(day) ?? 0;
      cutoff = nextDay(day);
    }
    for (const [path, days] of usage) {
      for (const day of [...days.keys()]) if (day < cutoff) days.delete(day);
      if (days.size === 0) usage.delete(path);
    }
    let drop = 0;
    while (drop < limits.length && localDay((limits[drop] as LimitRecord).at) < cutoff) drop += 1;
    limits.splice(0, drop);
    records = build();
  }
  const next = emptyState(state.createdAt, state.clearedAt);
  for (const r of records) applyRecord(next, r);
  return { records, state: next };
}

function sizeOf(records: HistoryRecord[]): number {
  let n = 0;
  for (const r of records) n += Buffer.byteLength(encodeRecord(r));
  return n;
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return localDay(new Date(y, m - 1, d + 1, 12).getTime());
}

/**
 * Repeats removed (per family and kind, in time order), and each finished
 * window instance cut to MAX_POINTS_PER_PAST_WINDOW evenly spaced points,
 * its first and last kept. `limits` is sorted by time.
 */
export function thinLimits(limits: LimitRecord[], now: number): LimitRecord[] {
  const byKey = new Map<string, LimitRecord[]>();
  for (const l of limits) {
    const key = limitKey(l);
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    const last = list[list.length - 1];
    if (last !== undefined && sameReading(last, l)) continue;
    list.push(l);
  }
  const kept: LimitRecord[] = [];
  for (const list of byKey.values()) {
    let run: LimitRecord[] = [];
    const flush = (): void => {
      const first = run[0];
      const finished = first !== undefined && first.reset !== null && first.reset <= now;
      kept.push(...(finished ? evenly(run, MAX_POINTS_PER_PAST_WINDOW) : run));
      run = [];
    };
    for (const l of list) {
      const head = run[0];
      if (head !== undefined && !sameInstance(head, l)) flush();
      run.push(l);
    }
    flush();
  }
  return kept.sort((a, b) => a.at - b.at);
}

export function sameInstance(a: LimitRecord, b: LimitRecord): boolean {
  if (a.reset === null || b.reset === null) return a.reset === b.reset;
  return Math.abs(a.reset - b.reset) <= SAME_WINDOW_MS;
}

function evenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i += 1) out.push(items[Math.round(i * step)] as T);
  return out;
}
