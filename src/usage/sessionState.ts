import { addUsage, ZERO_USAGE } from '../codex/tokenUsage.js';
import type { Activity, RateLimitObservation, RolloutEvent, SubagentSource, TokenUsage } from '../codex/types.js';

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
  /** Latest cumulative usage (info.total_token_usage). */
  total: TokenUsage | null;
  /** Latest per-request usage (info.last_token_usage), for the context gauge. */
  lastRequest: TokenUsage | null;
  delta: number;
  /** The most recent turn that used tokens. */
  lastTurn: TokenUsage | null;
  turns: number;
  turn: TurnAccumulator;
}

interface TurnAccumulator {
  /** Sum of last_token_usage over this turn's requests. */
  summed: TokenUsage;
  /** token_usage_record.turn_token_usage, when Codex writes it (0.169+). */
  recorded: TokenUsage | null;
  usedTokens: boolean;
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
    hasTaskEvents: false,
    inTurn: false,
    waiting: false,
    activity: 'idle',
    lastEventAt: null,
    total: null,
    lastRequest: null,
    delta: 0,
    lastTurn: null,
    turns: 0,
    turn: newTurn(),
  };
}

function newTurn(): TurnAccumulator {
  return { summed: { ...ZERO_USAGE }, recorded: null, usedTokens: false };
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

function startTurn(s: SessionState, boundary: 'task' | 'userMessage', contextWindow: number | null): void {
  if (boundary === 'task') s.hasTaskEvents = true;
  else if (s.hasTaskEvents) return; // task_started already marked this turn
  if (contextWindow !== null) s.contextWindow = contextWindow;
  s.turn = newTurn();
  s.inTurn = true;
  s.waiting = false;
  s.activity = 'thinking';
}

function countTokens(s: SessionState, total: TokenUsage, last: TokenUsage | null): void {
  const previous = s.total?.total ?? null;
  // An unchanged total is a rate-limit-only update: not a request, not a turn.
  if (previous !== null && total.total === previous) return;
  if (previous !== null && total.total < previous) {
    // Older Codex restarts the total on resume, and a context overflow can
    // reset it: re-baseline rather than show a negative delta.
    s.delta = Math.max(0, last?.total ?? 0);
  } else {
    s.delta = total.total - (previous ?? 0);
  }
  s.total = total;
  // Builds without last_token_usage: the growth of the total is the request.
  const request = last ?? { ...ZERO_USAGE, total: s.delta };
  s.lastRequest = request;
  s.turn.summed = addUsage(s.turn.summed, request);
  markTurnUsed(s);
}

function markTurnUsed(s: SessionState): void {
  if (!s.turn.usedTokens) {
    s.turn.usedTokens = true;
    s.turns += 1;
  }
  s.lastTurn = s.turn.recorded ?? s.turn.summed;
}
