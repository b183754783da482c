import type { BackfillPhase, HistoryWindowKind, LimitSource, ModelTokens } from '../contract/index.js';

/**
 * The lines of the history file (docs/history.md, "The data file"): one JSON
 * object per line, a header first. The record kinds and their pure
 * conversions; `schema.ts` ranges a parsed line into one by one schema
 * (`rangeRecord`), `codec.ts` writes and reads a line.
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
  /**
   * Usage per rate-limit window is counted from this time on; null: from the
   * first line folded. Absent in a file written before windows had usage
   * (state.ts `windowsSinceOf` then takes the last line it folded).
   */
  windowsSince?: number | null;
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
  /** A fork's own `token_usage_record` was read (src/rollout/growth.ts `replayedBy`); absent: not yet. */
  ownRecord?: true;
  /**
   * The window instances this rollout's limit readings named last, one per
   * family and kind: its next usage counts in each that has not reset by
   * then (fold.ts). Absent: none read yet.
   */
  marks?: WindowMark[];
}

/** A rate-limit window instance a rollout read: `[limitId, kind, resetsAt]` (epoch ms). */
export type WindowMark = [string, HistoryWindowKind, number];

/** At most this many window instances in one cursor or one file line: more is not a Codex session's. */
export const MAX_WINDOW_ENTRIES = 64;

/**
 * One model's share of a day's tokens: `[model, input, cachedInput, output]`
 * (`input` non-cached, `output` with reasoning: what a price applies to,
 * src/cost/rule.ts). `input + output` over a day's splits is its `tokens`.
 */
export type ModelSplit = [string | null, number, number, number];

/**
 * A day's share of one rollout's usage: `[day, tokens, cachedInput]`, and
 * since the cost (issue 24 §1) the same by model as a fourth element. A line
 * written before then has three: its tokens have no model, and their cost is
 * unavailable (docs/cost.md).
 */
export type DayTokens = [string, number, number] | [string, number, number, ModelSplit[]];

/** At most this many models in one day entry: more is not a Codex session's. */
export const MAX_MODELS_PER_DAY = 64;

/**
 * A window instance's share of one rollout's usage: its mark, then as a
 * day's (`DayTokens`): `[limitId, kind, resetsAt, tokens, cachedInput]`, by
 * model as a sixth element when split.
 */
export type WindowTokens =
  | [string, HistoryWindowKind, number, number, number]
  | [string, HistoryWindowKind, number, number, number, ModelSplit[]];

/** A cursor moved, with the tokens the lines it passed added (appended in one line: both or neither). */
export interface FileRecord extends FileCursor {
  k: 'file';
  add: DayTokens[];
  /** The same tokens by the window instances they counted in (fold.ts); absent: none. */
  win?: WindowTokens[];
}

export interface BackfillRecord {
  k: 'backfill';
  at: number;
  phase: BackfillPhase;
  done: number;
  total: number;
  message: string | null;
}

/** A day's tokens by project: `[day, project, tokens, cachedInput]`, and by model as in `DayTokens`. */
export type RecentTokens =
  [string, string | null, number, number] | [string, string | null, number, number, ModelSplit[]];

/**
 * The tokens of the last days by project and the backfill's phase, written
 * by the store at the end of every compaction and after every few hundred
 * kilobytes of appends (docs/history.md, "The data file"): with the lines
 * after it, all that `status` needs for its Tokens row, found in the file's
 * last few hundred kilobytes (issue 21 §4). Folding the whole file passes
 * over it.
 */
export interface RecentRecord {
  k: 'recent';
  at: number;
  phase: BackfillPhase;
  days: RecentTokens[];
}

/**
 * One window instance's tokens of one project, as a compaction sums them
 * from the rollouts' `win` (so a file holds one line per instance and
 * project, not one entry per rollout): `add` is `[tokens, cachedInput]`,
 * and by model as a third element when split.
 */
export interface WindowRecord {
  k: 'window';
  id: string;
  kind: HistoryWindowKind;
  reset: number;
  /** null: sessions with no project. Ignored projects are never recorded. */
  project: string | null;
  add: [number, number] | [number, number, ModelSplit[]];
}

export type HistoryRecord = HeaderRecord | LimitRecord | FileRecord | BackfillRecord | RecentRecord | WindowRecord;

/** A day's split as the cost rule reads it. */
export function splitTokens(split: readonly ModelSplit[]): ModelTokens[] {
  return split.map(([model, input, cachedInput, output]) => ({ model, input, cachedInput, output }));
}

/** The cost rule's figures as a day's split (null: none to write). */
export function toSplit(models: readonly ModelTokens[]): ModelSplit[] | null {
  const kept = models.filter((m) => m.input > 0 || m.cachedInput > 0 || m.output > 0);
  return kept.length === 0 ? null : kept.map((m) => [m.model, m.input, m.cachedInput, m.output]);
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
    ...(record.ownRecord === true ? { ownRecord: true as const } : {}),
    ...(record.marks === undefined ? {} : { marks: record.marks }),
  };
}
