import type { BackfillPhase } from '../contract/index.js';
import { isObject, type JsonObject } from '../ranges/json.js';
import { LineCheck, MAX_PATH_CHARS, storedTime } from '../ranges/ranges.js';
import { isDay } from './day.js';
import {
  FORMAT,
  MAX_MODELS_PER_DAY,
  MAX_WINDOW_ENTRIES,
  type BackfillRecord,
  type DayTokens,
  type FileRecord,
  type HeaderRecord,
  type HistoryRecord,
  type LimitRecord,
  type ModelSplit,
  type RecentRecord,
  type RecentTokens,
  type Totals,
  type WindowMark,
  type WindowRecord,
  type WindowTokens,
} from './records.js';

/**
 * The one schema of the file, for both directions (issue 21 §2): the reader
 * applies it to every parsed line, and the store to every record before it
 * applies and appends it, so what is written is always what is read back.
 * Values are ranged by the rollout reader's rules (src/ranges/ranges.ts):
 * strings cut to MAX_ID_CHARS or MAX_TEXT_CHARS and cleaned, percentages
 * clamped, window lengths and optional times out of range made unknown, a
 * day entry that is not a real `YYYY-MM-DD` day or whose counts are out of
 * range left out; each of these marks `check` suspicious. A value the record
 * cannot do without (its time, its kind, a cursor's offset or totals) that
 * is out of range rejects it: null. Idempotent: a ranged record ranges to
 * an equal one, unflagged.
 */
export function rangeRecord(v: unknown, check: LineCheck): HistoryRecord | null {
  if (!isObject(v)) return null;
  switch (v.k) {
    case 'header':
      return rangeHeader(v);
    case 'limit':
      return rangeLimit(v, check);
    case 'file':
      return rangeFile(v, check);
    case 'backfill':
      return rangeBackfill(v, check);
    case 'recent':
      return rangeRecent(v, check);
    case 'window':
      return rangeWindow(v, check);
    default:
      return null;
  }
}

/** A whole number ≥ 0 that JSON holds exactly (an offset, a count, a version). */
const count = (v: unknown): number | null =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v + 0 : null;
/** A time that may be unknown: null stays null, out of range becomes null (flagged). */
function optionalTime(v: unknown, check: LineCheck): number | null {
  if (v === null || v === undefined) return null;
  return storedTime(v) ?? check.flag(null);
}
/**
 * A time that may be null but, when given, must be valid (undefined: reject):
 * a clear's or a cursor's `after`, which made unknown would count lines again.
 */
function strictOptionalTime(v: unknown): number | null | undefined {
  if (v === null || v === undefined) return null;
  return storedTime(v) ?? undefined;
}
/** A token count that must be there (LineCheck.tokens: whole, 0 to MAX_TOKENS). */
const tokens = (v: unknown, check: LineCheck): number | null =>
  v === undefined || v === null ? null : check.tokens(v);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function rangeHeader(v: JsonObject): HeaderRecord | null {
  const version = count(v.version);
  const createdAt = storedTime(v.createdAt);
  const clearedAt = strictOptionalTime(v.clearedAt);
  if (v.format !== FORMAT || version === null || createdAt === null || clearedAt === undefined) return null;
  // Absent (a file from before window usage) or not a time: window usage is not known to count from the
  // start, and the reader takes the last line folded instead (state.ts `windowsSinceOf`).
  const windowsSince = v.windowsSince === undefined ? undefined : strictOptionalTime(v.windowsSince);
  return {
    k: 'header',
    format: FORMAT,
    version,
    createdAt,
    clearedAt,
    ...(windowsSince === undefined ? {} : { windowsSince }),
  };
}

function rangeLimit(v: JsonObject, check: LineCheck): LimitRecord | null {
  const at = storedTime(v.at);
  const id = check.id(v.id);
  const used = check.percent(v.used);
  const kind = v.kind === 'primary' || v.kind === 'secondary' ? v.kind : null;
  const src = v.src === 'log' || v.src === 'account' ? v.src : null;
  if (at === null || id === null || used === null || kind === null || src === null) return null;
  return {
    k: 'limit',
    at,
    id,
    name: check.text(v.name),
    kind,
    minutes: check.windowMinutes(v.minutes),
    // -0 is clamped as is; + 0 makes it the 0 that JSON reads back.
    used: used + 0,
    reset: optionalTime(v.reset, check),
    src,
  };
}

function rangeFile(v: JsonObject, check: LineCheck): FileRecord | null {
  const path = check.path(v.path);
  // An inode can pass 2^53 on some file systems; it is only compared, so any whole number will do.
  const ino = typeof v.ino === 'number' && Number.isInteger(v.ino) && v.ino >= 0 ? v.ino + 0 : null;
  const offset = count(v.offset);
  const fork = bool(v.fork);
  const ignored = bool(v.ignored);
  const meta = bool(v.meta);
  const after = strictOptionalTime(v.after);
  const prev = totals(v.prev, check);
  const ownRecord = v.ownRecord === undefined ? false : bool(v.ownRecord);
  if (path === null || ino === null || offset === null || fork === null || ignored === null || meta === null) {
    return null;
  }
  if (after === undefined || prev === undefined || ownRecord === null || !Array.isArray(v.add)) return null;
  const add: DayTokens[] = [];
  for (const a of v.add as unknown[]) {
    const entry = dayEntry(a, check);
    if (entry === null) check.flag(null);
    else add.push(entry);
  }
  const marks = windowEntries(v.marks, check, windowMark);
  const win = windowEntries(v.win, check, windowEntry);
  return {
    k: 'file',
    path,
    ino,
    offset,
    lastAt: optionalTime(v.lastAt, check),
    session: check.id(v.session),
    project: check.text(v.project),
    model: check.text(v.model),
    fork,
    ignored,
    meta,
    prev,
    after,
    ...(ownRecord ? { ownRecord: true as const } : {}),
    ...(marks === undefined ? {} : { marks }),
    add,
    ...(win === undefined ? {} : { win }),
  };
}

/**
 * A cursor's `marks` or a line's `win`: absent or empty stays absent; more
 * than MAX_WINDOW_ENTRIES is left out whole, an entry out of range alone
 * (flagged). Without its window entries a line's tokens still count by day:
 * they only count in no window.
 */
function windowEntries<T>(
  v: unknown,
  check: LineCheck,
  entry: (a: unknown, check: LineCheck) => T | null,
): T[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > MAX_WINDOW_ENTRIES) return check.flag(undefined);
  const out: T[] = [];
  for (const a of v as unknown[]) {
    const e = entry(a, check);
    if (e === null) check.flag(null);
    else out.push(e);
  }
  return out.length === 0 ? undefined : out;
}

function rangeWindow(v: JsonObject, check: LineCheck): WindowRecord | null {
  const mark = windowMark([v.id, v.kind, v.reset], check);
  const add = Array.isArray(v.add) ? counts(v.add as unknown[], check) : null;
  if (mark === null || add === null) return null;
  // The project by the rule a `file` line's has.
  return { k: 'window', id: mark[0], kind: mark[1], reset: mark[2], project: check.text(v.project), add };
}

/** `[limitId, kind, resetsAt]`, or null. */
function windowMark(a: unknown, check: LineCheck): WindowMark | null {
  if (!Array.isArray(a) || a.length !== 3) return null;
  const id = check.id(a[0]);
  const kind = a[1] === 'primary' || a[1] === 'secondary' ? a[1] : null;
  const reset = storedTime(a[2]);
  return id === null || kind === null || reset === null ? null : [id, kind, reset];
}

/** A window instance's entry: its mark, then a day entry's counts and split (`dayEntry`'s rules), or null. */
function windowEntry(a: unknown, check: LineCheck): WindowTokens | null {
  if (!Array.isArray(a) || (a.length !== 5 && a.length !== 6)) return null;
  const mark = windowMark(a.slice(0, 3), check);
  const c = mark === null ? null : counts(a.slice(3), check);
  return mark === null || c === null ? null : [...mark, ...c];
}

/** A cursor's last totals: null, or four valid counts (undefined: reject; unknown totals would count again). */
function totals(v: unknown, check: LineCheck): Totals | null | undefined {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v) || v.length !== 4) return undefined;
  const t = v.map((n) => tokens(n, check));
  return t.every((n): n is number => n !== null) ? (t as Totals) : undefined;
}

/**
 * `[day, tokens, cachedInput]` with its split by model if it has one, or
 * null when any of the first three is out of range. A split that is out of
 * range or does not add up to the day's figures is left out (flagged): the
 * day's tokens stay, without a model.
 */
function dayEntry(a: unknown, check: LineCheck): DayTokens | null {
  if (!Array.isArray(a) || !isDay(a[0])) return null;
  const c = counts(a.slice(1), check);
  return c === null ? null : [a[0], ...c];
}

/** `[tokens, cachedInput]` and a split by model, by `dayEntry`'s rules. */
function counts(a: unknown[], check: LineCheck): [number, number] | [number, number, ModelSplit[]] | null {
  if (a.length !== 2 && a.length !== 3) return null;
  const t = tokens(a[0], check);
  const c = tokens(a[1], check);
  if (t === null || c === null) return null;
  if (a.length === 2) return [t, c];
  const split = modelSplits(a[2], t, c, check);
  return split === null ? check.flag([t, c]) : [t, c, split];
}

function modelSplits(v: unknown, dayTokens: number, dayCached: number, check: LineCheck): ModelSplit[] | null {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_MODELS_PER_DAY) return null;
  const out: ModelSplit[] = [];
  let shown = 0;
  let cached = 0;
  for (const m of v as unknown[]) {
    if (!Array.isArray(m) || m.length !== 4 || (m[0] !== null && typeof m[0] !== 'string')) return null;
    const model = m[0] === null ? null : check.text(m[0]);
    const [i, ci, o] = [tokens(m[1], check), tokens(m[2], check), tokens(m[3], check)];
    if (i === null || ci === null || o === null) return null;
    out.push([model, i, ci, o]);
    shown += i + o;
    cached += ci;
  }
  return shown === dayTokens && cached === dayCached ? out : null;
}

function rangeBackfill(v: JsonObject, check: LineCheck): BackfillRecord | null {
  const at = storedTime(v.at);
  const done = count(v.done);
  const total = count(v.total);
  const phase = backfillPhase(v.phase);
  if (at === null || done === null || total === null || phase === null) return null;
  // A message names a path (`history could not be written to …`): a path's length, not a name's.
  return { k: 'backfill', at, phase, done, total, message: check.text(v.message, MAX_PATH_CHARS) };
}

function rangeRecent(v: JsonObject, check: LineCheck): RecentRecord | null {
  const at = storedTime(v.at);
  const phase = backfillPhase(v.phase);
  if (at === null || phase === null || !Array.isArray(v.days)) return null;
  const days: RecentTokens[] = [];
  for (const d of v.days as unknown[]) {
    const ok = Array.isArray(d) && (d.length === 4 || d.length === 5);
    const entry = ok ? dayEntry([d[0], d[2], d[3], ...(d.length === 5 ? [d[4]] : [])], check) : null;
    const project = Array.isArray(d) && (d[1] === null || typeof d[1] === 'string') ? check.text(d[1]) : undefined;
    if (entry === null || project === undefined) check.flag(null);
    else
      days.push(
        entry.length === 4
          ? [entry[0], project, entry[1], entry[2], entry[3]]
          : [entry[0], project, entry[1], entry[2]],
      );
  }
  return { k: 'recent', at, phase, days };
}

function backfillPhase(v: unknown): BackfillPhase | null {
  return v === 'idle' || v === 'running' || v === 'done' || v === 'error' ? v : null;
}
