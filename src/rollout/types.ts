/**
 * Normalised shapes produced by the rollout parser. Everything downstream
 * (session model, aggregator, CLI, Discord) works on these, never on raw JSON,
 * so format drift between Codex versions is absorbed in one place.
 */
import type { Activity, Credits } from '../contract/index.js';

/** Codex's TokenUsage: cached input is part of input, reasoning is part of output. */
export interface TokenUsage {
  input: number;
  cachedInput: number;
  output: number;
  reasoningOutput: number;
  total: number;
}

/** One rate-limit window as observed on one line (times are epoch ms). */
export interface RawWindow {
  usedPercent: number;
  windowMinutes: number | null;
  resetsAt: number | null;
}

/** A `rate_limits` object from one token_count line, normalised across eras. */
export interface RateLimitObservation {
  /** `codex` for the main plan limits; other ids are separate families. */
  limitId: string;
  limitName: string | null;
  primary: RawWindow | null;
  secondary: RawWindow | null;
  credits: Credits | null;
  planType: string | null;
  /** Line timestamp (epoch ms). */
  observedAt: number;
}

export interface SessionMetaEvent {
  kind: 'meta';
  at: number | null;
  id: string | null;
  cwd: string | null;
  cliVersion: string | null;
  originator: string | null;
  startedAt: number | null;
  contextWindow: number | null;
  /** `forked_from_id`: this thread is a fork whose totals start from the parent's (SCHEMA.md §11). */
  forkedFromId: string | null;
  /** Set when this thread is a sub-agent (Codex 0.169 `multi_agent`, SCHEMA §11); null otherwise. */
  subagent: SubagentSource | null;
}

/**
 * `session_meta.payload.source.subagent.thread_spawn` (with the top-level
 * `parent_thread_id` as fallback). `parentId` is null for a sub-agent whose
 * parent Codex did not name (a review or other built-in sub-agent).
 */
export interface SubagentSource {
  parentId: string | null;
  depth: number | null;
  /** Codex's `agent_path`, `agent_role` and `agent_nickname`, when present. */
  path: string | null;
  role: string | null;
  nickname: string | null;
}

/** A file in the pre-September-2025 format: recognised, never used for usage. */
export interface LegacyEvent {
  kind: 'legacy';
  id: string | null;
  at: number | null;
}

export interface TurnContextEvent {
  kind: 'turnContext';
  at: number | null;
  model: string | null;
  effort: string | null;
  cwd: string | null;
}

export interface TurnStartedEvent {
  kind: 'turnStarted';
  at: number | null;
  /** `task` for task_started; `userMessage` for the boundary older files use. */
  boundary: 'task' | 'userMessage';
  contextWindow: number | null;
}

export interface TurnEndedEvent {
  kind: 'turnEnded';
  at: number | null;
  aborted: boolean;
}

export interface TokenCountEvent {
  kind: 'tokenCount';
  at: number | null;
  /** null when the line had `info: null` (rate limits only). */
  total: TokenUsage | null;
  last: TokenUsage | null;
  contextWindow: number | null;
  /** null when `rate_limits` was null or missing. */
  rateLimits: RateLimitObservation | null;
}

/** `token_usage_record` (0.169+): per-turn sums straight from Codex. */
export interface TurnUsageEvent {
  kind: 'turnUsage';
  at: number | null;
  /** The thread the record belongs to: a sub-agent's file can hold copies of its parent's lines. */
  threadId: string | null;
  turnId: string | null;
  turnTotal: TokenUsage | null;
}

export interface ActivityEvent {
  kind: 'activity';
  at: number | null;
  activity: Activity;
}

/** An approval request: the session waits for the user. */
export interface ApprovalEvent {
  kind: 'approval';
  at: number | null;
}

export type RolloutEvent =
  | SessionMetaEvent
  | LegacyEvent
  | TurnContextEvent
  | TurnStartedEvent
  | TurnEndedEvent
  | TokenCountEvent
  | TurnUsageEvent
  | ActivityEvent
  | ApprovalEvent;

/** Per-file counters of input that was skipped rather than understood. */
export interface ReadStats {
  linesRead: number;
  malformedLines: number;
  invalidUtf8Lines: number;
  oversizedLines: number;
  /** Lines that were read, but with a value out of range (made unknown or clamped; ranges.ts). */
  suspiciousLines: number;
  bytesRead: number;
}

export function emptyReadStats(): ReadStats {
  return { linesRead: 0, malformedLines: 0, invalidUtf8Lines: 0, oversizedLines: 0, suspiciousLines: 0, bytesRead: 0 };
}
