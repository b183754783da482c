import { LineCheck, MAX_TOKENS } from '../ranges/ranges.js';
import {
  FORMAT,
  FORMAT_VERSION,
  cursorOf,
  type BackfillRecord,
  type FileCursor,
  type HeaderRecord,
  type HistoryRecord,
  type LimitRecord,
  splitTokens,
} from './records.js';
import { rangeRecord } from './schema.js';
import { addSplit, type DayCell } from './tally.js';

/** What the history file holds, folded into memory. Pure data and pure functions. */
export interface HistoryState {
  createdAt: number;
  clearedAt: number | null;
  files: Map<string, FileCursor>;
  /** Per rollout path, per local day: `[tokens, cachedInput, byModel]`. */
  usage: Map<string, Map<string, DayCell>>;
  /** Observations in the order they were recorded. */
  limits: LimitRecord[];
  /** The newest observation per family and window kind, to record only changes. */
  lastLimit: Map<string, LimitRecord>;
  backfill: BackfillRecord | null;
}

/** Two resets this close are the same window instance (the headers' reset moves by a second or so). */
export const SAME_WINDOW_MS = 2 * 60 * 1000;

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

/**
 * Folds one record into the state. Sums saturate at MAX_TOKENS, so a day's
 * cell is always a count the file's schema accepts when compaction writes it.
 */
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
        for (const [day, tokens, cached, split] of record.add) {
          const models = split === undefined ? [] : splitTokens(split);
          const cell = days.get(day);
          if (cell === undefined) days.set(day, [tokens, cached, models]);
          else {
            cell[0] = Math.min(MAX_TOKENS, cell[0] + tokens);
            cell[1] = Math.min(MAX_TOKENS, cell[1] + cached);
            addSplit(cell[2], models);
          }
        }
      }
      return;
    }
    case 'backfill':
      state.backfill = record;
      return;
    case 'recent':
      // A summary of what the lines before it hold: nothing new for a whole fold.
      return;
  }
}

/**
 * Ranges `record` by the file's one schema (records.ts) and folds it in, as
 * the file will hold it; the stored record, or null when it cannot be stored
 * (or is a summary: appended, it would stand for lines it does not sum). The
 * store's appends and a reader's in-memory catch-up both go through here, so
 * what a reader computes is what the publisher's next start reads back.
 */
export function applyStored(state: HistoryState, record: HistoryRecord): HistoryRecord | null {
  const stored = rangeRecord(record, new LineCheck(0));
  if (stored === null || stored.k === 'recent') return null;
  applyRecord(state, stored);
  return stored;
}

/**
 * False when `record` says nothing the newest observation of its window did
 * not (record only changes), or cannot be stored at all. Compared as it would
 * be stored: a name cut to length matches the cut name recorded before.
 */
export function isChange(state: HistoryState, record: LimitRecord): boolean {
  const stored = rangeRecord(record, new LineCheck(0));
  if (stored === null || stored.k !== 'limit') return false;
  const last = state.lastLimit.get(limitKey(stored));
  if (last === undefined) return true;
  return !sameReading(last, stored);
}

export function sameReading(a: LimitRecord, b: LimitRecord): boolean {
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

export function sameInstance(a: LimitRecord, b: LimitRecord): boolean {
  if (a.reset === null || b.reset === null) return a.reset === b.reset;
  return Math.abs(a.reset - b.reset) <= SAME_WINDOW_MS;
}
