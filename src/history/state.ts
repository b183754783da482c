import type { CostFigure, ModelTokens } from '../contract/index.js';
import { ratesFor, type PricingConfig } from '../cost/pricing.js';
import { costOf } from '../cost/rule.js';
import { LineCheck, MAX_TOKENS } from '../codex/ranges.js';
import { lastDays, localDay, oldestKeptDay } from './day.js';
import {
  encodeRecord,
  FORMAT,
  FORMAT_VERSION,
  cursorOf,
  rangeRecord,
  type BackfillRecord,
  type DayTokens,
  type FileCursor,
  type HeaderRecord,
  type HistoryRecord,
  type LimitRecord,
  type RecentRecord,
  type RecentTokens,
  MAX_MODELS_PER_DAY,
  splitTokens,
  toSplit,
} from './records.js';

/**
 * A rollout's usage on one day: `[tokens, cachedInput, byModel]`. `byModel`
 * holds what of it is known by model; what of `tokens` it does not hold
 * (lines written before the split) has no model (`unsplitTokens`).
 */
export type DayCell = [number, number, ModelTokens[]];

/** The tokens of a cell (or a day's sum of cells) that no model is known for. */
export function unsplitTokens(tokens: number, cached: number, models: readonly ModelTokens[]): ModelTokens | null {
  let shown = 0;
  let c = 0;
  for (const m of models) {
    shown += m.input + m.output;
    c += m.cachedInput;
  }
  const rest = Math.max(0, tokens - shown);
  const restCached = Math.max(0, cached - c);
  return rest === 0 && restCached === 0 ? null : { model: null, input: rest, cachedInput: restCached, output: 0 };
}

/** Adds `add`'s models into `into` (saturating as the cells do). */
export function addSplit(into: ModelTokens[], add: readonly ModelTokens[]): void {
  for (const m of add) {
    const cell = into.find((x) => x.model === m.model);
    if (cell === undefined) into.push({ ...m });
    else {
      cell.input = Math.min(MAX_TOKENS, cell.input + m.input);
      cell.cachedInput = Math.min(MAX_TOKENS, cell.cachedInput + m.cachedInput);
      cell.output = Math.min(MAX_TOKENS, cell.output + m.output);
    }
  }
}

/** Tokens summed with their split by model; what is not split has no model, and no price. */
export class Tally {
  tokens = 0;
  cachedInput = 0;
  readonly models: ModelTokens[] = [];

  add([tokens, cached, models]: DayCell): void {
    this.tokens += tokens;
    this.cachedInput += cached;
    addSplit(this.models, models);
  }

  cost(pricing: PricingConfig): CostFigure {
    const rest = unsplitTokens(this.tokens, this.cachedInput, this.models);
    return costOf(rest === null ? this.models : [...this.models, rest], (m) => ratesFor(m, pricing));
  }
}

/** A cell's `DayTokens` entry: the split written only when it has one. */
function dayTokens(day: string, [t, c, models]: DayCell): DayTokens {
  const split = toSplit(models);
  // Written only when it adds up to the day's figures, as the reader requires (records.ts): sums that
  // saturated at MAX_TOKENS, or more models than an entry holds, leave the day's tokens without a model.
  if (split === null || split.length > MAX_MODELS_PER_DAY) return [day, t, c];
  let shown = 0;
  let cached = 0;
  for (const [, input, cachedInput, output] of split) {
    shown += input + output;
    cached += cachedInput;
  }
  return shown === t && cached === c ? [day, t, c, split] : [day, t, c];
}

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

export interface Bounds {
  /** Local days kept, today included. */
  maxDays: number;
  /** Largest file, in bytes, appends included: a compaction drops the oldest days to stay under it. */
  maxBytes: number;
}

export const DEFAULT_BOUNDS: Bounds = { maxDays: 400, maxBytes: 50 * 1024 * 1024 };

/**
 * What is appended between two compactions, at most: a compaction leaves the
 * file this far under `maxBytes`, so the appends after it keep it under the
 * cap (issue 21 §4: the cap is a cap).
 */
export function appendRoom(bounds: Bounds): number {
  return Math.max(1, Math.floor(bounds.maxBytes / 16));
}

/**
 * True when appending `next` more bytes should compact first: past the
 * append room, and for a file under 16 times the room, once the appends reach
 * a quarter of it (at least 256 KB): a compaction costs what the file holds,
 * so this keeps it cheap per byte appended.
 */
export function compactionDue(baseBytes: number, appended: number, next: number, bounds: Bounds): boolean {
  const room = appendRoom(bounds);
  return appended + next > Math.min(room, Math.max(256 * 1024, baseBytes / 4));
}

/**
 * Appended bytes between two `recent` lines, at most: a summary follows the
 * write that passes this, so `status` finds one in the file's last
 * summaryEvery + MAX_RECENT_BYTES bytes.
 */
export function summaryEvery(bounds: Bounds): number {
  return Math.max(1, Math.min(256 * 1024, Math.floor(appendRoom(bounds) / 4)));
}

/** Days the `recent` line holds: the Tokens row's seven, and one for a reader whose day is a zone behind. */
export const RECENT_DAYS = 8;
/** A `recent` line larger than this (thousands of projects) is left out: readers then fold the whole file. */
export const MAX_RECENT_BYTES = 256 * 1024;
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
 * removed and finished windows thinned, the `recent` summary; then, while the
 * file is larger than the cap less the append room, the oldest day dropped.
 * Returns the lines to write and the state they describe. The size is that of
 * the lines themselves, so the cap holds to the byte. Rollout cursors are
 * never dropped (they keep rollouts from being counted again): a home of
 * hundreds of thousands of rollouts is the one case that can pass the cap.
 */
export function compact(
  state: HistoryState,
  now: number,
  bounds: Bounds,
): { lines: string[]; bytes: number; state: HistoryState } {
  let cutoff = oldestKeptDay(now, bounds.maxDays);
  const limits = thinLimits(
    [...state.limits].sort((a, b) => a.at - b.at).filter((l) => localDay(l.at) >= cutoff),
    now,
  );
  const usage = new Map<string, Map<string, DayCell>>();
  for (const [path, days] of state.usage) {
    const kept = new Map([...days].filter(([day, cell]) => day >= cutoff && (cell[0] > 0 || cell[1] > 0)));
    if (kept.size > 0) usage.set(path, kept);
  }
  const build = (): HistoryRecord[] => {
    const out: HistoryRecord[] = [headerOf(state)];
    for (const cursor of state.files.values()) {
      const days = usage.get(cursor.path);
      const add: DayTokens[] = days === undefined ? [] : [...days].sort().map(([d, cell]) => dayTokens(d, cell));
      out.push({ k: 'file', ...cursor, add });
    }
    // A loop, not push(...limits): spread arguments overflow the stack past some 100,000 readings.
    for (const l of limits) out.push(l);
    const recent = recentLine(state, usage, now);
    if (recent !== null) out.push(recent.record);
    if (state.backfill !== null) out.push(state.backfill);
    return out;
  };
  const target = bounds.maxBytes - appendRoom(bounds);
  let records = build();
  let lines = records.map(encodeRecord);
  let bytes = sizeOf(lines);
  if (bytes > target) {
    // What each day costs in the file: its limit lines and its `[day, tokens, cached],` entries.
    const perDay = new Map<string, number>();
    const addTo = (day: string, n: number): void => void perDay.set(day, (perDay.get(day) ?? 0) + n);
    for (const l of limits) addTo(localDay(l.at), Buffer.byteLength(encodeRecord(l)));
    for (const days of usage.values()) {
      for (const [day, cell] of days) addTo(day, JSON.stringify(dayTokens(day, cell)).length + 1);
    }
    const order = [...perDay.keys()].sort();
    let estimate = bytes;
    let next = 0;
    for (; next < order.length && estimate > target; next += 1) estimate -= perDay.get(order[next] as string) ?? 0;
    // The estimate counts a comma per entry, one too many for a file's last: check the real size, a day more while over.
    for (;;) {
      cutoff = next < order.length ? (order[next] as string) : nextDay(order.at(-1) ?? cutoff);
      dropBefore(cutoff, usage, limits);
      records = build();
      lines = records.map(encodeRecord);
      bytes = sizeOf(lines);
      if (bytes <= target || next >= order.length) break;
      next += 1;
    }
  }
  const compacted = emptyState(state.createdAt, state.clearedAt);
  for (const r of records) applyRecord(compacted, r);
  return { lines, bytes, state: compacted };
}

/** Drops every day before `cutoff` from `usage` and `limits` (sorted by time), in place. */
function dropBefore(cutoff: string, usage: Map<string, Map<string, DayCell>>, limits: LimitRecord[]): void {
  for (const [path, days] of usage) {
    for (const day of [...days.keys()]) if (day < cutoff) days.delete(day);
    if (days.size === 0) usage.delete(path);
  }
  let drop = 0;
  while (drop < limits.length && localDay((limits[drop] as LimitRecord).at) < cutoff) drop += 1;
  limits.splice(0, drop);
}

/**
 * The `recent` summary of `usage` (the state's, or what a compaction keeps of
 * it) and its line, or null when the line would pass MAX_RECENT_BYTES.
 */
export function recentLine(
  state: HistoryState,
  usage: Map<string, Map<string, DayCell>>,
  now: number,
): { record: RecentRecord; line: string } | null {
  const record = recentOf(state, usage, now);
  const line = encodeRecord(record);
  return line.length <= MAX_RECENT_BYTES ? { record, line } : null;
}

/** The last RECENT_DAYS days' tokens by project, ignored rollouts left out (as the view leaves them out). */
function recentOf(state: HistoryState, usage: Map<string, Map<string, DayCell>>, now: number): RecentRecord {
  const wanted = new Set(lastDays(now, RECENT_DAYS));
  const cells = new Map<string, { day: string; project: string | null; cell: DayCell }>();
  for (const [path, days] of usage) {
    const cursor = state.files.get(path);
    if (cursor?.ignored === true) continue;
    const project = cursor?.project ?? null;
    for (const [day, [tokens, cached, models]] of days) {
      if (!wanted.has(day)) continue;
      const key = `${day}\u0000${project ?? '\u0000'}`;
      const sum = cells.get(key);
      if (sum === undefined) cells.set(key, { day, project, cell: [tokens, cached, models.map((m) => ({ ...m }))] });
      else {
        sum.cell[0] = Math.min(MAX_TOKENS, sum.cell[0] + tokens);
        sum.cell[1] = Math.min(MAX_TOKENS, sum.cell[1] + cached);
        addSplit(sum.cell[2], models);
      }
    }
  }
  const days: RecentTokens[] = [...cells.values()]
    .sort((a, b) => a.day.localeCompare(b.day) || (a.project ?? '').localeCompare(b.project ?? ''))
    .map(({ day, project, cell }) => {
      const [, t, c, split] = dayTokens(day, cell);
      return split === undefined ? [day, project, t, c] : [day, project, t, c, split];
    });
  return { k: 'recent', at: now, phase: state.backfill?.phase ?? 'idle', days };
}

function sizeOf(lines: string[]): number {
  let n = 0;
  for (const l of lines) n += Buffer.byteLength(l);
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
      for (const l of finished ? evenly(run, MAX_POINTS_PER_PAST_WINDOW) : run) kept.push(l);
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
