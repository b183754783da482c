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
import { addToWindow, limitKey, sameReset, type WindowCell } from './windowCells.js';

/** What the history file holds, folded into memory. Pure data and pure functions. */
export interface HistoryState {
  createdAt: number;
  clearedAt: number | null;
  files: Map<string, FileCursor>;
  /** Per rollout path, per local day: `[tokens, cachedInput, byModel]`. */
  usage: Map<string, Map<string, DayCell>>;
  /**
   * Per rollout path, the same tokens by the rate-limit window instances they
   * counted in (windowCells.ts), since the last compaction; it sums them into
   * `windowTotals`.
   */
  windowUsage: Map<string, WindowCell[]>;
  /** Per project (null: none), window instances' tokens as compactions summed them (`window` lines). */
  windowTotals: Map<string | null, WindowCell[]>;
  /**
   * Window usage is counted from this time on (null: from the first line).
   * Undefined only while a file from before window usage is read: its last
   * folded line's time once read (`windowsSinceOf`).
   */
  windowsSince: number | null | undefined;
  /** Observations in the order they were recorded. */
  limits: LimitRecord[];
  /** The newest observation per family and window kind, to record only changes. */
  lastLimit: Map<string, LimitRecord>;
  backfill: BackfillRecord | null;
}

export function emptyState(now: number, clearedAt: number | null = null): HistoryState {
  return {
    createdAt: now,
    clearedAt,
    files: new Map(),
    usage: new Map(),
    windowUsage: new Map(),
    windowTotals: new Map(),
    windowsSince: null,
    limits: [],
    lastLimit: new Map(),
    backfill: null,
  };
}

/**
 * Folds one record into the state. Sums saturate at MAX_TOKENS, so a day's
 * cell is always a count the file's schema accepts when compaction writes it.
 */
export function applyRecord(state: HistoryState, record: HistoryRecord): void {
  switch (record.k) {
    case 'header':
      state.createdAt = record.createdAt;
      state.clearedAt = record.clearedAt;
      state.windowsSince = record.windowsSince;
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
      if (record.win !== undefined && record.win.length > 0) {
        let cells = state.windowUsage.get(record.path);
        if (cells === undefined) state.windowUsage.set(record.path, (cells = []));
        for (const [id, kind, reset, tokens, cached, split] of record.win) {
          addToWindow(cells, id, kind, reset, tokens, cached, split === undefined ? [] : splitTokens(split), true);
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
    case 'window': {
      let cells = state.windowTotals.get(record.project);
      if (cells === undefined) state.windowTotals.set(record.project, (cells = []));
      const [tokens, cached, split] = record.add;
      addToWindow(
        cells,
        record.id,
        record.kind,
        record.reset,
        tokens,
        cached,
        split === undefined ? [] : splitTokens(split),
        true,
      );
      return;
    }
  }
}

/**
 * Ranges `record` by the file's one schema (records.ts) and folds it in, as
 * the file will hold it; the stored record, or null when it cannot be stored
 * (or is a summary: appended, it would stand for lines it does not sum; or a
 * header, which only a compaction writes, first: one appended without
 * `windowsSince` would stand for lines it does not describe). The
 * store's appends and a reader's in-memory catch-up both go through here, so
 * what a reader computes is what the publisher's next start reads back.
 */
export function applyStored(state: HistoryState, record: HistoryRecord): HistoryRecord | null {
  const stored = rangeRecord(record, new LineCheck(0));
  if (stored === null || stored.k === 'recent' || stored.k === 'header') return null;
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
    windowsSince: windowsSinceOf(state),
  };
}

/**
 * Resolves a file from before window usage (its header has no
 * `windowsSince`): every line it folded counted in no window, so window
 * usage counts from the last of them, the newest cursor's `lastAt`. Call
 * once the whole file is folded (read.ts settles it there).
 */
export function windowsSinceOf(state: HistoryState): number | null {
  if (state.windowsSince !== undefined) return state.windowsSince;
  let last: number | null = null;
  for (const c of state.files.values()) if (c.lastAt !== null && (last === null || c.lastAt > last)) last = c.lastAt;
  return last;
}

export function sameInstance(a: LimitRecord, b: LimitRecord): boolean {
  if (a.reset === null || b.reset === null) return a.reset === b.reset;
  return sameReset(a.reset, b.reset);
}
