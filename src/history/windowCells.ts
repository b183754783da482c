import type { HistoryWindowKind, ModelTokens } from '../contract/index.js';
import { MAX_TOKENS } from '../ranges/ranges.js';
import { SAME_WINDOW_MS } from '../usage/windows.js';
import { MAX_WINDOW_ENTRIES, type WindowMark, type WindowRecord, type WindowTokens } from './records.js';
import { addSplit, checkedSplit, type DayCell } from './tally.js';

/**
 * Usage per rate-limit window instance (issue 24 §1, "per window"): which
 * instance a request counted in is what its own `token_count` line's limit
 * reading names (the response headers of that very request), else the
 * rollout's last reading of that family and kind, while it has not reset. A
 * rollout's share of an instance is a cell like a day's. Pure.
 */

/** The newest this many instances per family and kind are kept: the view's 8 past windows, the current one, and one to spare. */
export const WINDOWS_KEPT_PER_KIND = 10;

/** A rollout's usage in one window instance. */
export interface WindowCell {
  id: string;
  kind: HistoryWindowKind;
  /** The instance's reset (epoch ms): the first its rollout read, as the headers' reset moves by a second or so. */
  reset: number;
  cell: DayCell;
}

/** One key per limit family and window kind (a limit reading, a window cell). */
export const limitKey = (r: { id: string; kind: string }): string => `${r.id}\u0000${r.kind}`;

export const sameReset = (a: number, b: number): boolean => Math.abs(a - b) <= SAME_WINDOW_MS;

/**
 * `marks` with the reading `[id, kind, reset]` in: an instance already
 * marked keeps its first reset; another replaces its family and kind's.
 * At most MAX_WINDOW_ENTRIES, the soonest to reset dropped first.
 */
export function markWindow(
  marks: readonly WindowMark[] | undefined,
  id: string,
  kind: HistoryWindowKind,
  reset: number,
): WindowMark[] {
  const list = marks ?? [];
  const at = list.findIndex(([i, k]) => i === id && k === kind);
  const old = list[at];
  if (old !== undefined && sameReset(old[2], reset)) return list as WindowMark[];
  const next = list.filter((_, i) => i !== at);
  next.push([id, kind, reset]);
  return next.length <= MAX_WINDOW_ENTRIES ? next : next.sort((a, b) => b[2] - a[2]).slice(0, MAX_WINDOW_ENTRIES);
}

/**
 * Adds `tokens` (shown, cached, by model) to the instance `[id, kind, reset]`
 * of `cells`. `models` is copied into a new cell unless `owned` (a split made
 * for this call alone): this runs for every request of a backfill.
 */
export function addToWindow(
  cells: WindowCell[],
  id: string,
  kind: HistoryWindowKind,
  reset: number,
  tokens: number,
  cached: number,
  models: readonly ModelTokens[],
  owned = false,
): void {
  let found: WindowCell | undefined;
  for (const c of cells) {
    if (c.id === id && c.kind === kind && sameReset(c.reset, reset)) {
      found = c;
      break;
    }
  }
  if (found === undefined) {
    const split = owned ? (models as ModelTokens[]) : models.map((m) => ({ ...m }));
    cells.push({ id, kind, reset, cell: [tokens, cached, split] });
    return;
  }
  found.cell[0] = Math.min(MAX_TOKENS, found.cell[0] + tokens);
  found.cell[1] = Math.min(MAX_TOKENS, found.cell[1] + cached);
  addSplit(found.cell[2], models);
}

/**
 * One request's tokens (`model`'s) into the instance `[id, kind, reset]`:
 * `addToWindow` for the fold's every request, allocating only for a new cell.
 */
export function addRequest(
  cells: WindowCell[],
  [id, kind, reset]: WindowMark,
  tokens: number,
  cached: number,
  model: ModelTokens,
): void {
  for (const c of cells) {
    if (c.id !== id || c.kind !== kind || !sameReset(c.reset, reset)) continue;
    c.cell[0] += tokens;
    c.cell[1] += cached;
    const m = c.cell[2].find((x) => x.model === model.model);
    if (m === undefined) c.cell[2].push({ ...model });
    else {
      m.input += model.input;
      m.cachedInput += model.cachedInput;
      m.output += model.output;
    }
    return;
  }
  cells.push({ id, kind, reset, cell: [tokens, cached, [{ ...model }]] });
}

/**
 * The oldest reset kept per family and kind (`limitKey`): that of
 * the WINDOWS_KEPT_PER_KIND-th newest instance among the cells of `lists`. What is older
 * can never be shown: an instance with that many newer ones of its kind is
 * past the view's last.
 */
export function oldestKept(lists: Iterable<readonly WindowCell[]>): Map<string, number> {
  const resets = new Map<string, number[]>();
  for (const cells of lists) {
    for (const c of cells) {
      const key = limitKey(c);
      let list = resets.get(key);
      if (list === undefined) resets.set(key, (list = []));
      list.push(c.reset);
    }
  }
  const out = new Map<string, number>();
  for (const [key, list] of resets) {
    // Newest first, each instance once: a reset within SAME_WINDOW_MS of the last instance counted is that one.
    // Sorted, not searched, as a compaction runs this over every rollout's cells.
    list.sort((a, b) => b - a);
    let instances = 0;
    let last = Infinity;
    for (const r of list) {
      if (sameReset(r, last)) continue;
      instances += 1;
      last = r;
      if (instances === WINDOWS_KEPT_PER_KIND) break;
    }
    out.set(key, (instances === WINDOWS_KEPT_PER_KIND ? last : -Infinity) - SAME_WINDOW_MS);
  }
  return out;
}

/** Whether `c` has tokens and is not older than `kept` keeps (`oldestKept`). */
export function isKept(c: WindowCell, kept: ReadonlyMap<string, number>): boolean {
  return (c.cell[0] > 0 || c.cell[1] > 0) && c.reset >= (kept.get(limitKey(c)) ?? -Infinity);
}

/** What of one rollout's `cells` its file line keeps: the instances `oldestKept` keeps, at most MAX_WINDOW_ENTRIES, newest first. */
export function newestWindows(cells: readonly WindowCell[]): WindowCell[] {
  // Most rollouts read a window or two: fewer cells than a kind keeps cannot pass it.
  const kept = cells.length <= WINDOWS_KEPT_PER_KIND ? new Map<string, number>() : oldestKept([cells]);
  return cells
    .filter((c) => isKept(c, kept))
    .sort((a, b) => b.reset - a.reset)
    .slice(0, MAX_WINDOW_ENTRIES);
}

/** A cell as the file's `win` entry: the split written only when it adds up (tally.ts `checkedSplit`). */
export function windowTokens({ id, kind, reset, cell }: WindowCell): WindowTokens {
  const split = checkedSplit(cell);
  return split === null ? [id, kind, reset, cell[0], cell[1]] : [id, kind, reset, cell[0], cell[1], split];
}

/** A project's cell as the `window` line a compaction writes (records.ts `WindowRecord`). */
export function windowRecord(project: string | null, { id, kind, reset, cell }: WindowCell): WindowRecord {
  const split = checkedSplit(cell);
  return {
    k: 'window',
    id,
    kind,
    reset,
    project,
    add: split === null ? [cell[0], cell[1]] : [cell[0], cell[1], split],
  };
}
