import { inheritedBy, replayedBy, usageStep } from '../rollout/growth.js';
import type { RolloutEvent, TokenCountEvent, TokenUsage } from '../rollout/types.js';
import type { ModelTokens } from '../contract/index.js';
import { localDay } from './day.js';
import {
  toSplit,
  type DayTokens,
  type FileCursor,
  type LimitRecord,
  type Totals,
  type WindowMark,
  type WindowTokens,
} from './records.js';
import { addSplit, type DayCell } from './tally.js';
import {
  addRequest,
  addToWindow,
  markWindow,
  newestWindows,
  sameReset,
  windowTokens,
  type WindowCell,
} from './windowCells.js';

/**
 * Usage history's fold of one rollout (issue 15 §1): from a file's events,
 * the tokens its new lines add per local day, its limit observations, and
 * where its cursor moves. Pure: events in, figures out, no file and no
 * store, so the same figures can be computed from the logs alone.
 *
 * Tokens count by the session model's own rule (`usageStep`, Codex's display
 * figure, cached input apart), so each file's own growth counts every request
 * once: a fork's first total counts only its own request, and a sub-agent's
 * usage is only in its own file.
 *
 * Each usage step also counts in the rate-limit window instances it was
 * made in (windowCells.ts): those its own line's limit reading names, else
 * the rollout's last reading of a family and kind, until that one resets.
 *
 * The project of a cwd takes a look at the disk (its git folder): the fold
 * keeps the tokens apart by cwd and is told the projects at the end
 * (`settle`), and drops those of an ignored project.
 */

/** The event kinds the fold reads: lines of every other kind are skipped unread. */
export const FOLD_KINDS: ReadonlySet<RolloutEvent['kind']> = new Set([
  'meta',
  'turnContext',
  'tokenCount',
  'turnUsage',
]);

export interface FoldOptions {
  /** Observations older than this are not kept (a backfill reads more history than charts show). */
  limitsSince?: number;
  /**
   * false: tokens are split neither by model nor by window (no cost). Only
   * `npm run bench` sets it, to measure what the splits add to a backfill
   * (issue 24 §1).
   */
  byModel?: boolean;
}

export interface FoldResult {
  cursor: FileCursor;
  add: DayTokens[];
  /** The same tokens by window instance (absent: none counted in a window). */
  win?: WindowTokens[];
  limits: LimitRecord[];
}

/** Tokens per day and per window, of lines read while one cwd held (undefined: the cwd the cursor had before this read). */
interface Stretch {
  cwd: string | undefined;
  days: Map<string, DayCell>;
  windows: WindowCell[];
}

/** What a fork's read counted before its first own record, to take back if that record says it was its parent's. */
interface Counted {
  days: Map<string, DayCell>;
  day: string;
  windows: WindowCell[];
  marks: WindowMark[];
  counted: ModelTokens;
}

export class DayFold {
  readonly limits: LimitRecord[] = [];
  private readonly stretches: Stretch[] = [{ cwd: undefined, days: new Map(), windows: [] }];
  private readonly seen = new Set<string>();
  /** What this read counted for a fork before its first own record: its parent's, if that record comes (growth.ts). */
  private readonly pending: Counted[] = [];

  /** `cursor` is where this read starts (see `startCursor`); the fold moves it on. */
  constructor(
    readonly cursor: FileCursor,
    private readonly opts: FoldOptions = {},
  ) {}

  apply(e: RolloutEvent): void {
    if (e.kind === 'turnUsage') {
      if (e.threadId === null || this.cursor.ownRecord === true || !this.cursor.fork) return;
      if (e.threadId !== this.cursor.session) return;
      this.cursor.ownRecord = true;
      if (replayedBy(this.cursor.fork, this.cursor.prev !== null)) this.dropReplayed();
      return;
    }
    if (e.kind !== 'meta' && e.kind !== 'turnContext' && e.kind !== 'tokenCount') return;
    if (e.at !== null) this.cursor.lastAt = Math.max(this.cursor.lastAt ?? e.at, e.at);
    if (e.kind === 'meta') {
      // A sub-agent's file also carries a copy of its parent's session_meta: only the first is its own.
      if (this.cursor.meta) return;
      this.cursor.meta = true;
      this.cursor.session = e.id;
      this.cursor.fork = e.forkedFromId !== null;
      this.setCwd(e.cwd);
    } else if (e.kind === 'turnContext') {
      this.cursor.model = e.model ?? this.cursor.model;
      this.setCwd(e.cwd);
    } else this.tokenCount(e);
  }

  /** The cwds whose projects decide where this read's tokens go. */
  cwds(): ReadonlySet<string> {
    return this.seen;
  }

  /** The read's figures, once the project of each of `cwds()` is known. */
  settle(project: (cwd: string) => string | null, ignored: (project: string | null) => boolean): FoldResult {
    const days = new Map<string, DayCell>();
    const windows: WindowCell[] = [];
    for (const stretch of this.stretches) {
      if (stretch.cwd !== undefined) {
        const p = project(stretch.cwd);
        this.cursor.ignored = ignored(p);
        this.cursor.project = this.cursor.ignored ? null : p;
      }
      if (this.cursor.ignored) continue;
      for (const [day, [tokens, cached, models]] of stretch.days) {
        const cell = days.get(day);
        if (cell === undefined) days.set(day, [tokens, cached, models.map((m) => ({ ...m }))]);
        else {
          cell[0] += tokens;
          cell[1] += cached;
          addSplit(cell[2], models);
        }
      }
      // Owned: a stretch's cells are this read's alone, and settling is its end.
      for (const w of stretch.windows)
        addToWindow(windows, w.id, w.kind, w.reset, w.cell[0], w.cell[1], w.cell[2], true);
    }
    const add = [...days].map(([day, [t, c, models]]): DayTokens => {
      const split = toSplit(models);
      return split === null ? [day, t, c] : [day, t, c, split];
    });
    const win = newestWindows(windows).map(windowTokens);
    return { cursor: this.cursor, add, ...(win.length === 0 ? {} : { win }), limits: this.limits };
  }

  private setCwd(cwd: string | null): void {
    const current = this.stretches[this.stretches.length - 1];
    if (cwd === null || current === undefined || cwd === current.cwd) return;
    this.stretches.push({ cwd, days: new Map(), windows: [] });
    this.seen.add(cwd);
  }

  private tokenCount(e: TokenCountEvent): void {
    const limits = e.rateLimits;
    if (limits !== null) {
      for (const kind of ['primary', 'secondary'] as const) {
        const reset = limits[kind]?.resetsAt ?? null;
        if (reset !== null) this.cursor.marks = markWindow(this.cursor.marks, limits.limitId, kind, reset);
      }
    }
    if (limits !== null && (this.opts.limitsSince === undefined || limits.observedAt >= this.opts.limitsSince)) {
      for (const kind of ['primary', 'secondary'] as const) {
        const w = limits[kind];
        if (w === null) continue;
        this.limits.push({
          k: 'limit',
          at: limits.observedAt,
          id: limits.limitId,
          name: limits.limitName,
          kind,
          minutes: w.windowMinutes,
          used: w.usedPercent,
          reset: w.resetsAt,
          src: 'log',
        });
      }
    }
    if (e.total === null) return;
    const previous = this.cursor.prev === null ? null : usageOf(this.cursor.prev);
    const inherited = previous === null && this.cursor.fork ? inheritedBy(e.total, e.last) : null;
    const step = usageStep(previous, e.total, e.last, inherited);
    this.cursor.prev = totalsOf(e.total);
    if (step.kind === 'unchanged' || e.at === null) return;
    if (this.cursor.after !== null && e.at <= this.cursor.after) return;
    if (step.shown === 0 && step.cached === 0) return;
    const day = localDay(e.at);
    const stretch = this.stretches[this.stretches.length - 1] as Stretch;
    const days = stretch.days;
    const cell = days.get(day);
    if (cell === undefined) days.set(day, [step.shown, step.cached, []]);
    else {
      cell[0] += step.shown;
      cell[1] += step.cached;
    }
    // By the model of the turn_context before it, as the session model prices it (issue 24 §1). In
    // place: this runs for every usage line of a backfill.
    const model = this.cursor.model;
    const counted: ModelTokens = { model, input: step.input, cachedInput: step.cached, output: step.output };
    if (this.opts.byModel !== false) {
      const models = (cell ?? (days.get(day) as DayCell))[2];
      const m = models.find((x) => x.model === model);
      if (m === undefined) models.push({ ...counted });
      else {
        m.input += step.input;
        m.cachedInput += step.cached;
        m.output += step.output;
      }
    }
    // In each window instance not reset by then; only those a chart can show (a backfill reads older ones).
    const since = this.opts.byModel === false ? Infinity : (this.opts.limitsSince ?? -Infinity);
    const fork = this.cursor.fork && this.cursor.ownRecord !== true;
    const marks: WindowMark[] | null = fork ? [] : null;
    for (const m of this.cursor.marks ?? []) {
      if (m[2] <= e.at || m[2] < since) continue;
      addRequest(stretch.windows, m, step.shown, step.cached, counted);
      marks?.push(m);
    }
    if (marks !== null) this.pending.push({ days, day, windows: stretch.windows, marks, counted });
  }

  /**
   * A fork's first own record found usage counted: its parent's lines,
   * replayed (growth.ts `replayedBy`). What this read added for them is taken
   * back; the next total then adds only the fork's own request. (Lines a
   * read before this one counted stay: Codex writes the record a moment
   * after the copy, so a read falls between them only by chance.)
   */
  private dropReplayed(): void {
    for (const p of this.pending) {
      const cell = p.days.get(p.day);
      if (cell !== undefined) {
        takeBack(cell, p.counted);
        if (cell[0] === 0 && cell[1] === 0) p.days.delete(p.day);
      }
      for (const [id, kind, reset] of p.marks) {
        const w = p.windows.find((x) => x.id === id && x.kind === kind && sameReset(x.reset, reset));
        if (w !== undefined) takeBack(w.cell, p.counted);
      }
    }
    this.pending.length = 0;
  }
}

export function freshCursor(path: string, ino: number, after: number | null): FileCursor {
  return {
    path,
    ino,
    offset: 0,
    lastAt: null,
    session: null,
    project: null,
    model: null,
    fork: false,
    ignored: false,
    meta: false,
    prev: null,
    after,
  };
}

/**
 * Where a read of `path` starts: where the last one stopped (`previous`), or
 * from the top for a new, replaced or truncated file, then counting only
 * lines newer than what was counted. For a compressed rollout `previous` may
 * be its plain form's, the file Codex compressed it from.
 */
export function startCursor(
  path: string,
  ino: number,
  size: number,
  previous: FileCursor | null,
  countAfter: number | null,
): FileCursor {
  if (previous === null) return freshCursor(path, ino, countAfter);
  if (previous.path === path && previous.ino === ino && size >= previous.offset) return { ...previous };
  const seen = Math.max(previous.lastAt ?? -Infinity, previous.after ?? -Infinity, countAfter ?? -Infinity);
  return freshCursor(path, ino, Number.isFinite(seen) ? seen : null);
}

/** Takes `c` (counted into `cell` a moment ago) back out of it. */
function takeBack(cell: DayCell, c: ModelTokens): void {
  cell[0] -= c.input + c.output;
  cell[1] -= c.cachedInput;
  const m = cell[2].find((x) => x.model === c.model);
  if (m !== undefined) {
    m.input -= c.input;
    m.cachedInput -= c.cachedInput;
    m.output -= c.output;
  }
}

function usageOf(t: Totals): TokenUsage {
  return { input: t[0], cachedInput: t[1], output: t[2], reasoningOutput: 0, total: t[3] };
}

function totalsOf(u: TokenUsage): Totals {
  return [u.input, u.cachedInput, u.output, u.total];
}
