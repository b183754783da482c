import { inheritedBy, replayedBy, usageStep } from '../rollout/growth.js';
import type { RolloutEvent, TokenCountEvent, TokenUsage } from '../rollout/types.js';
import type { ModelTokens } from '../contract/index.js';
import { localDay } from './day.js';
import { toSplit, type DayTokens, type FileCursor, type LimitRecord, type Totals } from './records.js';
import { addSplit, type DayCell } from './tally.js';

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
   * false: tokens are not split by model (no cost). Only `npm run bench`
   * sets it, to measure what the split adds to a backfill (issue 24 §1).
   */
  byModel?: boolean;
}

export interface FoldResult {
  cursor: FileCursor;
  add: DayTokens[];
  limits: LimitRecord[];
}

/** Tokens per day, of lines read while one cwd held (undefined: the cwd the cursor had before this read). */
interface Stretch {
  cwd: string | undefined;
  days: Map<string, DayCell>;
}

export class DayFold {
  readonly limits: LimitRecord[] = [];
  private readonly stretches: Stretch[] = [{ cwd: undefined, days: new Map() }];
  private readonly seen = new Set<string>();
  /** What this read counted for a fork before its first own record: its parent's, if that record comes (growth.ts). */
  private readonly pending: Array<{ days: Map<string, DayCell>; day: string; counted: ModelTokens }> = [];

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
    }
    const add = [...days].map(([day, [t, c, models]]): DayTokens => {
      const split = toSplit(models);
      return split === null ? [day, t, c] : [day, t, c, split];
    });
    return { cursor: this.cursor, add, limits: this.limits };
  }

  private setCwd(cwd: string | null): void {
    const current = this.stretches[this.stretches.length - 1];
    if (cwd === null || current === undefined || cwd === current.cwd) return;
    this.stretches.push({ cwd, days: new Map() });
    this.seen.add(cwd);
  }

  private tokenCount(e: TokenCountEvent): void {
    const limits = e.rateLimits;
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
    const days = (this.stretches[this.stretches.length - 1] as Stretch).days;
    const cell = days.get(day);
    if (cell === undefined) days.set(day, [step.shown, step.cached, []]);
    else {
      cell[0] += step.shown;
      cell[1] += step.cached;
    }
    // By the model of the turn_context before it, as the session model prices it (issue 24 §1). In
    // place: this runs for every usage line of a backfill.
    const model = this.cursor.model;
    if (this.opts.byModel !== false) {
      const models = (cell ?? (days.get(day) as DayCell))[2];
      const m = models.find((x) => x.model === model);
      if (m === undefined) models.push({ model, input: step.input, cachedInput: step.cached, output: step.output });
      else {
        m.input += step.input;
        m.cachedInput += step.cached;
        m.output += step.output;
      }
    }
    if (this.cursor.fork && this.cursor.ownRecord !== true) {
      this.pending.push({
        days,
        day,
        counted: { model, input: step.input, cachedInput: step.cached, output: step.output },
      });
    }
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
      if (cell === undefined) continue;
      const c = p.counted;
      cell[0] -= c.input + c.output;
      cell[1] -= c.cachedInput;
      const m = cell[2].find((x) => x.model === c.model);
      if (m !== undefined) {
        m.input -= c.input;
        m.cachedInput -= c.cachedInput;
        m.output -= c.output;
      }
      if (cell[0] === 0 && cell[1] === 0) p.days.delete(p.day);
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

function usageOf(t: Totals): TokenUsage {
  return { input: t[0], cachedInput: t[1], output: t[2], reasoningOutput: 0, total: t[3] };
}

function totalsOf(u: TokenUsage): Totals {
  return [u.input, u.cachedInput, u.output, u.total];
}
