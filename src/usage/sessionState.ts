import { addUsage, blendedTotal, subtractUsage, ZERO_USAGE } from '../rollout/decode/tokenUsage.js';
import { inheritedBy, replayedBy, usageStep } from '../rollout/growth.js';
import type { Activity, ModelTokens } from '../contract/index.js';
import { addModelTokens } from '../cost/rule.js';
import type { RateLimitObservation, RolloutEvent, SubagentSource, TokenUsage } from '../rollout/types.js';

/** Everything the session model accumulates from one rollout file's events. */
export interface SessionState {
  id: string | null;
  cwd: string | null;
  cliVersion: string | null;
  originator: string | null;
  startedAt: number | null;
  /** From the file's own (first) session_meta: set when this thread is a sub-agent. */
  subagent: SubagentSource | null;
  legacy: boolean;
  model: string | null;
  effort: string | null;
  contextWindow: number | null;
  /** The file writes task_started, so user_message is not a turn boundary. */
  hasTaskEvents: boolean;
  inTurn: boolean;
  waiting: boolean;
  activity: Activity;
  lastEventAt: number | null;
  /** `forked_from_id` of the file's own session_meta: its totals start from the parent's. */
  forkedFrom: string | null;
  /** True once the file's own session_meta was read (a sub-agent file also holds a copy of its parent's). */
  metaSeen: boolean;
  /** True once a `token_usage_record` of this thread was read (see `replayedBy`). */
  ownRecordSeen: boolean;
  /** Latest cumulative usage as written (info.total_token_usage), inherited part included. */
  total: TokenUsage | null;
  /**
   * The part of `total` a fork inherited from its parent (null: nothing). Codex
   * starts a fork's running total from the parent's, so its first usage line
   * holds the parent's total plus its own first request: inherited = that
   * line's total − its last_token_usage (SCHEMA.md §11).
   */
  inherited: TokenUsage | null;
  /** Latest per-request usage (info.last_token_usage), for the context gauge. */
  lastRequest: TokenUsage | null;
  /** Growth of the displayed total (Codex's blended figure) at the last usage update. */
  delta: number;
  /** The most recent turn that used tokens (raw counters, summed). */
  lastTurn: TokenUsage | null;
  /** The same turn in Codex's display figure. */
  lastTurnShown: number;
  turns: number;
  turn: TurnAccumulator;
  /**
   * What each usage line added (the `usageStep` rule usage history counts by),
   * by the model the last turn_context named: what a cost is priced from
   * (issue 24 §1). A fork's inherited tokens are never in it.
   */
  byModel: ModelTokens[];
  /**
   * What the first usage line read counted, inside `byModel`. Read from the
   * start it is the first request; read from a large file's end it is every
   * earlier turn at once, whose models were not read (see `ownByModel`).
   */
  firstCounted: ModelTokens | null;
}

interface TurnAccumulator {
  /** Sum of last_token_usage over this turn's requests. */
  summed: TokenUsage;
  /** Sum of each request's display figure (blendedTotal) over this turn. */
  summedShown: number;
  /** token_usage_record.turn_token_usage, when Codex writes it (0.169+). */
  recorded: TokenUsage | null;
  usedTokens: boolean;
}

/** What this session used itself: the written total less anything a fork inherited. */
export function ownUsage(s: SessionState): TokenUsage | null {
  if (s.total === null) return null;
  return s.inherited === null ? s.total : subtractUsage(s.total, s.inherited);
}

/**
 * What the session added itself, in Codex's display figure: its total less
 * anything a fork inherited. Deltas and every sum of sessions count this, so
 * a fork's inherited tokens count once, in its parent.
 */
export function shownTotal(s: SessionState): number {
  const own = ownUsage(s);
  return own === null ? 0 : blendedTotal(own);
}

/**
 * The session total as Codex's `/status` prints it ("N total"): the file's
 * cumulative figure, a fork's inherited part included, and 0 before its first
 * usage line (issue 24 §2: a fork shows "0 total" until its first turn).
 */
export function statusTotal(s: SessionState): number {
  return s.total === null ? 0 : blendedTotal(s.total);
}

export function newSessionState(): SessionState {
  return {
    id: null,
    cwd: null,
    cliVersion: null,
    originator: null,
    startedAt: null,
    subagent: null,
    legacy: false,
    model: null,
    effort: null,
    contextWindow: null,
    forkedFrom: null,
    metaSeen: false,
    ownRecordSeen: false,
    hasTaskEvents: false,
    inTurn: false,
    waiting: false,
    activity: 'idle',
    lastEventAt: null,
    total: null,
    inherited: null,
    lastRequest: null,
    delta: 0,
    lastTurn: null,
    lastTurnShown: 0,
    turns: 0,
    turn: newTurn(),
    byModel: [],
    firstCounted: null,
  };
}

function newTurn(): TurnAccumulator {
  return { summed: { ...ZERO_USAGE }, summedShown: 0, recorded: null, usedTokens: false };
}

/**
 * Folds one event into the session. Returns the rate-limit observation the
 * event carried, if any; limits belong to the account, not the session, so
 * the caller stores them elsewhere.
 */
export function applyEvent(s: SessionState, e: RolloutEvent): RateLimitObservation | null {
  if (e.at !== null && (s.lastEventAt === null || e.at > s.lastEventAt)) s.lastEventAt = e.at;
  switch (e.kind) {
    case 'meta':
      // A sub-agent's file copies its parent's session_meta (with the parent's
      // id) after its own (SCHEMA §11): the file's identity is its first meta.
      if (s.id !== null && e.id !== null && e.id !== s.id) return null;
      if (s.id === null) s.subagent = e.subagent;
      s.id ??= e.id;
      s.startedAt ??= e.startedAt;
      s.cwd = e.cwd ?? s.cwd;
      s.cliVersion = e.cliVersion ?? s.cliVersion;
      s.originator = e.originator ?? s.originator;
      s.contextWindow ??= e.contextWindow;
      // Only the file's own (first) session_meta says whether it is a fork.
      if (!s.metaSeen) s.forkedFrom = e.forkedFromId;
      s.metaSeen = true;
      return null;
    case 'legacy':
      s.legacy = true;
      s.id ??= e.id;
      s.startedAt ??= e.at;
      return null;
    case 'turnContext':
      s.model = e.model ?? s.model;
      s.effort = e.effort ?? s.effort;
      s.cwd = e.cwd ?? s.cwd;
      return null;
    case 'turnStarted':
      startTurn(s, e.boundary, e.contextWindow);
      return null;
    case 'turnEnded':
      s.inTurn = false;
      s.waiting = false;
      s.activity = 'idle';
      return null;
    case 'tokenCount':
      if (e.contextWindow !== null) s.contextWindow = e.contextWindow;
      if (e.total !== null) countTokens(s, e.total, e.last);
      return e.rateLimits;
    case 'turnUsage':
      // Only this thread's own records count, never a copied parent's.
      if (e.threadId !== null && s.id !== null && e.threadId !== s.id) return null;
      if (e.threadId !== null && !s.ownRecordSeen) {
        s.ownRecordSeen = true;
        if (replayedBy(s.forkedFrom !== null, s.total !== null)) dropReplayed(s);
      }
      if (e.turnTotal !== null && e.turnTotal.total > 0) {
        s.turn.recorded = e.turnTotal;
        markTurnUsed(s);
      }
      return null;
    case 'activity':
      s.waiting = false;
      s.activity = e.activity;
      if (!s.hasTaskEvents) s.inTurn = true;
      return null;
    case 'approval':
      s.waiting = true;
      s.activity = 'waiting';
      return null;
  }
}

/**
 * The usage counted before a fork's first own record was its parent's,
 * replayed (growth.ts `replayedBy`): all of it is inherited, and none of
 * it was this session's turns.
 */
function dropReplayed(s: SessionState): void {
  s.inherited = s.total;
  s.delta = 0;
  s.turns = 0;
  s.lastTurn = null;
  s.lastTurnShown = 0;
  s.turn = newTurn();
  s.byModel = [];
  s.firstCounted = null;
}

/**
 * The session's own usage by model. `partial`: only the end of the file was
 * read, so its first usage line counted every earlier turn at once: those
 * tokens are of models not read, and priced as an unknown model's, never as
 * the model that happened to be named then.
 */
export function ownByModel(s: SessionState, partial: boolean): ModelTokens[] {
  const first = s.firstCounted;
  if (!partial || first === null || first.model === null) return s.byModel.map((m) => ({ ...m }));
  const out: ModelTokens[] = [];
  for (const m of s.byModel) {
    const left =
      m.model === first.model
        ? {
            ...m,
            input: m.input - first.input,
            cachedInput: m.cachedInput - first.cachedInput,
            output: m.output - first.output,
          }
        : { ...m };
    if (left.input > 0 || left.cachedInput > 0 || left.output > 0) out.push(left);
  }
  addModelTokens(out, { ...first, model: null });
  return out;
}

/** True once a fork read from its start has reached its own usage: what it inherited is then known. */
export function forkBaseKnown(s: SessionState): boolean {
  return s.ownRecordSeen && s.total !== null && s.total !== s.inherited;
}

function startTurn(s: SessionState, boundary: 'task' | 'userMessage', contextWindow: number | null): void {
  if (boundary === 'task') s.hasTaskEvents = true;
  else if (s.hasTaskEvents) return; // task_started already marked this turn
  if (contextWindow !== null) s.contextWindow = contextWindow;
  s.turn = newTurn();
  s.inTurn = true;
  s.waiting = false;
  s.activity = 'thinking';
}

/**
 * One usage line, counted by the rule usage history counts by (usageStep).
 * The raw last request always feeds the context gauge, even when the total
 * did not move (after /compact Codex writes the same total with a smaller
 * request).
 */
function countTokens(s: SessionState, total: TokenUsage, last: TokenUsage | null): void {
  // A fork's first line (unless the engine found it first, reading a large file from its end).
  if (s.total === null && s.forkedFrom !== null && s.inherited === null) s.inherited = inheritedBy(total, last);
  const step = usageStep(s.total, total, last, s.inherited);
  if (step.kind === 'unchanged') {
    if (last !== null) s.lastRequest = last;
    return;
  }
  if (step.kind === 'restarted') s.inherited = null;
  s.total = total;
  s.delta = step.shown;
  s.lastRequest = step.request;
  s.turn.summed = addUsage(s.turn.summed, step.request);
  s.turn.summedShown += blendedTotal(step.request);
  const counted: ModelTokens = { model: s.model, input: step.input, cachedInput: step.cached, output: step.output };
  addModelTokens(s.byModel, counted);
  if (step.kind === 'first') s.firstCounted = counted;
  markTurnUsed(s);
}

function markTurnUsed(s: SessionState): void {
  if (!s.turn.usedTokens) {
    s.turn.usedTokens = true;
    s.turns += 1;
  }
  s.lastTurn = s.turn.recorded ?? s.turn.summed;
  s.lastTurnShown = s.turn.recorded === null ? s.turn.summedShown : blendedTotal(s.turn.recorded);
}
