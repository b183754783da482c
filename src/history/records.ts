import type { BackfillPhase, HistoryWindowKind, LimitSource } from '../contract/index.js';

/**
 * The lines of the history file (docs/history.md, "The data file"): one JSON
 * object per line, a header first. Pure encoding and strict decoding: a line
 * that is not exactly one of these shapes is rejected (null), never guessed at.
 */

export const FORMAT = 'codex-discord-presence/history';
export const FORMAT_VERSION = 1;

export interface HeaderRecord {
  k: 'header';
  format: typeof FORMAT;
  version: number;
  createdAt: number;
  /** Set by "Clear history": lines of rollouts written before it are never counted again. */
  clearedAt: number | null;
}

/** One observation of a limit window's used share. */
export interface LimitRecord {
  k: 'limit';
  at: number;
  id: string;
  name: string | null;
  kind: HistoryWindowKind;
  minutes: number | null;
  used: number;
  reset: number | null;
  src: LimitSource;
}

/** A session's cumulative usage, as `[input, cachedInput, output, total]`. */
export type Totals = [number, number, number, number];

/** How far a rollout has been read, and what its next lines are measured against. */
export interface FileCursor {
  path: string;
  ino: number;
  /** Byte offset just past the last complete line read. */
  offset: number;
  /** Timestamp of the last line read (epoch ms). */
  lastAt: number | null;
  session: string | null;
  /** null for a session with no project, and always for an ignored one. */
  project: string | null;
  model: string | null;
  /** Its session_meta had `forked_from_id`: its first total includes the parent's. */
  fork: boolean;
  /** The project is on the ignore list: its usage is never recorded. */
  ignored: boolean;
  /** The first session_meta was seen (a sub-agent's second one is the parent's copy). */
  meta: boolean;
  prev: Totals | null;
  /** Only lines later than this count (after a clear, or when the file was replaced). */
  after: number | null;
}

/** A day's share of one rollout's usage: `[day, tokens, cachedInput]`. */
export type DayTokens = [string, number, number];

/** A cursor moved, with the tokens the lines it passed added (appended in one line: both or neither). */
export interface FileRecord extends FileCursor {
  k: 'file';
  add: DayTokens[];
}

export interface BackfillRecord {
  k: 'backfill';
  at: number;
  phase: BackfillPhase;
  done: number;
  total: number;
  message: string | null;
}

export type HistoryRecord = HeaderRecord | LimitRecord | FileRecord | BackfillRecord;

export function encodeRecord(record: HistoryRecord): string {
  return `${JSON.stringify(record)}\n`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => isNum(v) && Number.isInteger(v) && v >= 0;
const isStrOrNull = (v: unknown): v is string | null => v === null || (typeof v === 'string' && v.length <= 4096);
const isNumOrNull = (v: unknown): v is number | null => v === null || isNum(v);
const isDayStr = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

export function decodeRecord(line: string): HistoryRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObj(v)) return null;
  switch (v.k) {
    case 'header':
      return v.format === FORMAT && isCount(v.version) && isNum(v.createdAt) && isNumOrNull(v.clearedAt ?? null)
        ? {
            k: 'header',
            format: FORMAT,
            version: v.version,
            createdAt: v.createdAt,
            clearedAt: (v.clearedAt as number | null | undefined) ?? null,
          }
        : null;
    case 'limit':
      return isNum(v.at) &&
        typeof v.id === 'string' &&
        v.id.length > 0 &&
        v.id.length <= 200 &&
        isStrOrNull(v.name) &&
        (v.kind === 'primary' || v.kind === 'secondary') &&
        isNumOrNull(v.minutes) &&
        isNum(v.used) &&
        v.used >= 0 &&
        v.used <= 100 &&
        isNumOrNull(v.reset) &&
        (v.src === 'log' || v.src === 'account')
        ? {
            k: 'limit',
            at: v.at,
            id: v.id,
            name: v.name,
            kind: v.kind,
            minutes: v.minutes,
            used: v.used,
            reset: v.reset,
            src: v.src,
          }
        : null;
    case 'file':
      return decodeFile(v);
    case 'backfill':
      return isNum(v.at) &&
        (v.phase === 'idle' || v.phase === 'running' || v.phase === 'done' || v.phase === 'error') &&
        isCount(v.done) &&
        isCount(v.total) &&
        isStrOrNull(v.message)
        ? { k: 'backfill', at: v.at, phase: v.phase, done: v.done, total: v.total, message: v.message }
        : null;
    default:
      return null;
  }
}

function decodeFile(v: Obj): FileRecord | null {
  if (
    typeof v.path !== 'string' ||
    v.path.length === 0 ||
    !isCount(v.ino) ||
    !isCount(v.offset) ||
    !isNumOrNull(v.lastAt) ||
    !isStrOrNull(v.session) ||
    !isStrOrNull(v.project) ||
    !isStrOrNull(v.model) ||
    typeof v.fork !== 'boolean' ||
    typeof v.ignored !== 'boolean' ||
    typeof v.meta !== 'boolean' ||
    !isNumOrNull(v.after) ||
    !Array.isArray(v.add)
  ) {
    return null;
  }
  let prev: Totals | null = null;
  if (v.prev !== null) {
    if (!Array.isArray(v.prev) || v.prev.length !== 4 || !v.prev.every(isCount)) return null;
    prev = [v.prev[0], v.prev[1], v.prev[2], v.prev[3]] as Totals;
  }
  const add: DayTokens[] = [];
  for (const a of v.add as unknown[]) {
    if (!Array.isArray(a) || a.length !== 3 || !isDayStr(a[0]) || !isCount(a[1]) || !isCount(a[2])) return null;
    add.push([a[0], a[1], a[2]]);
  }
  return {
    k: 'file',
    path: v.path,
    ino: v.ino,
    offset: v.offset,
    lastAt: v.lastAt,
    session: v.session,
    project: v.project,
    model: v.model,
    fork: v.fork,
    ignored: v.ignored,
    meta: v.meta,
    prev,
    after: v.after,
    add,
  };
}

export function cursorOf(record: FileRecord): FileCursor {
  return {
    path: record.path,
    ino: record.ino,
    offset: record.offset,
    lastAt: record.lastAt,
    session: record.session,
    project: record.project,
    model: record.model,
    fork: record.fork,
    ignored: record.ignored,
    meta: record.meta,
    prev: record.prev,
    after: record.after,
  };
}
