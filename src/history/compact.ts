import { MAX_TOKENS } from '../ranges/ranges.js';
import { dayStart, lastDays, localDay, oldestKeptDay } from './day.js';
import { encodeRecord } from './codec.js';
import {
  type DayTokens,
  type HistoryRecord,
  type LimitRecord,
  type RecentRecord,
  type RecentTokens,
} from './records.js';
import { appendRoom, MAX_RECENT_BYTES, RECENT_DAYS, type Bounds } from './bounds.js';
import { applyRecord, emptyState, headerOf, sameInstance, sameReading, type HistoryState } from './state.js';
import { addToWindow, isKept, limitKey, oldestKept, windowRecord, type WindowCell } from './windowCells.js';
import { addSplit, dayTokens, type DayCell } from './tally.js';

/** A finished window keeps at most this many points after compaction: enough for any chart. */
export const MAX_POINTS_PER_PAST_WINDOW = 120;

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
  const windows = windowTotals(state, cutoff);
  const build = (): HistoryRecord[] => {
    const out: HistoryRecord[] = [headerOf(state)];
    for (const cursor of state.files.values()) {
      const days = usage.get(cursor.path);
      const add: DayTokens[] = days === undefined ? [] : [...days].sort().map(([d, cell]) => dayTokens(d, cell));
      out.push({ k: 'file', ...cursor, add });
    }
    for (const [project, cells] of windows) for (const c of cells) out.push(windowRecord(project, c));
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
    for (const [project, cells] of windows) {
      for (const c of cells) addTo(localDay(c.reset), Buffer.byteLength(encodeRecord(windowRecord(project, c))));
    }
    const order = [...perDay.keys()].sort();
    let estimate = bytes;
    let next = 0;
    for (; next < order.length && estimate > target; next += 1) estimate -= perDay.get(order[next] as string) ?? 0;
    // The estimate counts a comma per entry, one too many for a file's last: check the real size, a day more while over.
    for (;;) {
      cutoff = next < order.length ? (order[next] as string) : nextDay(order.at(-1) ?? cutoff);
      dropBefore(cutoff, usage, limits, windows);
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

/**
 * The window usage a compaction writes: the totals so far and every
 * rollout's cells since (by its project; an ignored rollout records none),
 * summed per project and instance, of the instances that can still be shown
 * (windowCells.ts `oldestKept`) and did not reset before `cutoff`. One line
 * per instance and project, however many rollouts ran in it.
 */
function windowTotals(state: HistoryState, cutoff: string): Map<string | null, WindowCell[]> {
  const sums = new Map<string | null, WindowCell[]>();
  const add = (project: string | null, cells: readonly WindowCell[]): void => {
    let into = sums.get(project);
    if (into === undefined) sums.set(project, (into = []));
    for (const c of cells) addToWindow(into, c.id, c.kind, c.reset, c.cell[0], c.cell[1], c.cell[2]);
  };
  for (const [project, cells] of state.windowTotals) add(project, cells);
  for (const [path, cells] of state.windowUsage) {
    const cursor = state.files.get(path);
    if (cursor?.ignored !== true) add(cursor?.project ?? null, cells);
  }
  const kept = oldestKept(sums.values());
  const from = dayStart(cutoff);
  const out = new Map<string | null, WindowCell[]>();
  for (const [project, cells] of [...sums].sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))) {
    const list = cells.filter((c) => isKept(c, kept) && c.reset >= from).sort((a, b) => b.reset - a.reset);
    if (list.length > 0) out.set(project, list);
  }
  return out;
}

/** Drops every day before `cutoff` from `usage`, `limits` (sorted by time) and `windows` (by their reset), in place. */
function dropBefore(
  cutoff: string,
  usage: Map<string, Map<string, DayCell>>,
  limits: LimitRecord[],
  windows: Map<string | null, WindowCell[]>,
): void {
  for (const [path, days] of usage) {
    for (const day of [...days.keys()]) if (day < cutoff) days.delete(day);
    if (days.size === 0) usage.delete(path);
  }
  const from = dayStart(cutoff);
  for (const [project, cells] of windows) {
    const kept = cells.filter((c) => c.reset >= from);
    if (kept.length > 0) windows.set(project, kept);
    else windows.delete(project);
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

function evenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i += 1) out.push(items[Math.round(i * step)] as T);
  return out;
}
