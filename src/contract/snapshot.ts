import type { CostFigure, CostInfo, ModelTokens } from './cost.js';

/**
 * The usage snapshot: what the engine publishes and the app sends to its
 * windows, and what `status --json` prints (docs/api/status-json.md). These
 * names are a documented, stable contract. Types only.
 *
 * Every time is an `EpochMs`, in a field named `at` or ending in `At`. The
 * engine maps its state into this shape once (`toWire`, src/usage/aggregate.ts);
 * `status --json` and `history --json` print those fields as ISO 8601 strings
 * (`toJsonDates`, src/cli/jsonDates.ts), so their documented output keeps its form.
 */

/** A time: whole milliseconds since 1970-01-01T00:00:00Z, within what a JavaScript Date holds. */
export type EpochMs = number;

/** What a session is doing, as a kind only (never a path or a command). */
export type Activity = 'thinking' | 'reading' | 'editing' | 'running' | 'searching' | 'waiting' | 'idle';

/** The account's credits, from the freshest observation that carried them. */
export interface Credits {
  hasCredits: boolean;
  unlimited: boolean;
  balance: string | null;
}

export type SessionStatus = 'working' | 'waiting' | 'idle' | 'ended';

/**
 * A session's tokens. `total`, `own`, `last` and `delta` are Codex's display
 * figure, `max(0, input − cachedInput) + output` (`TokenUsage::blended_total`,
 * what `/status` prints as "N total"); cached input is in none of them. `total`
 * and the raw counters are the file's cumulative usage as Codex shows it, so a
 * fork's include what it inherited from its parent; `own`, `last` and `delta`
 * never do (issue 24 §2).
 */
export interface SessionTokens {
  /** Cumulative session total, as Codex's /status shows it: 0 until a fork's first turn, then inherited part included. */
  total: number;
  /** What this session used itself: `total` less what a fork inherited (equal to `total` for any other session). */
  own: number;
  /** The most recent turn that used tokens (prompt to answer). */
  last: number;
  /** Growth of `own` at the last usage update: what that request added. */
  delta: number;
  input: number;
  cachedInput: number;
  output: number;
  reasoningOutput: number;
  /** Raw `total_tokens` (input + output, cached input included): what the model processed. */
  processed: number;
}

export interface SessionContext {
  window: number | null;
  used: number;
  /** Codex's "N% context left", or null when the window is unknown. */
  percentLeft: number | null;
}

export interface CodexSessionSnapshot {
  id: string;
  file: string;
  cwd: string | null;
  project: string | null;
  branch: string | null;
  model: string | null;
  effort: string | null;
  cliVersion: string | null;
  originator: string | null;
  name: string | null;
  status: SessionStatus;
  activity: Activity;
  startedAt: EpochMs | null;
  lastActivityAt: EpochMs | null;
  tokens: SessionTokens;
  /**
   * `tokens.own` by model, what `cost` is priced from: non-cached input,
   * cached input and output (reasoning included). `model` null: tokens whose
   * model was not read (the start of a very large file, see `partial`).
   */
  byModel: ModelTokens[];
  /** What `byModel` costs at API prices (docs/cost.md); its meaning is `UsageSnapshot.cost.basis`. */
  cost: CostFigure;
  context: SessionContext;
  turns: number;
  /** The session this one was forked from (`forked_from_id`); `tokens.own` is the fork's own growth. */
  forkedFrom: string | null;
  /** True when only the recent end of a very large file was read; `turns` then counts only that part. */
  partial: boolean;
  /** Set when this thread is a sub-agent of another (Codex 0.169 `multi_agent`); null for a session of its own. */
  subagent: SubagentInfo | null;
  /** The sub-agent threads folded under this row (issue 12 §4). Their tokens are never in `tokens`. */
  agents: SessionAgents;
}

/** Who spawned a sub-agent thread, from its own `session_meta` (`source.subagent.thread_spawn`). */
export interface SubagentInfo {
  /** The spawning thread's id; null when Codex named none (a review or other built-in sub-agent). */
  parentId: string | null;
  /** 1 for an agent of a session, 2 for an agent of an agent, …; null when not given. */
  depth: number | null;
  /** Codex's `agent_role` and `agent_nickname`, when present (never sent to Discord). */
  role: string | null;
  nickname: string | null;
}

export interface SessionAgents {
  /** Sub-agent threads folded here: every descendant, live or finished, while this row is live. */
  count: number;
  /** Those not ended (written to within the stale threshold). */
  live: number;
  /** Those working or waiting for an approval now. */
  working: number;
  /** The sum of their `tokens.own`: shown apart, never added to this row's total. */
  tokens: number;
  /** The folded threads, newest activity first (their own `agents` are empty: all are folded here). */
  threads: CodexSessionSnapshot[];
}

export interface Pace {
  /** Share of the window used if usage were spread evenly over it. */
  expectedUsedPercent: number;
  /** Positive: under an even burn by this many points. Negative: ahead of it. */
  reservePercent: number;
  /** Projected exhaustion at the recent burn rate, or null if it lasts to the reset. */
  runsOutAt: EpochMs | null;
}

/** Where a window's figures came from: a rollout line, or Codex's account read (issue 12 §3). */
export type LimitSource = 'log' | 'account';

export interface UsageWindow {
  label: string;
  usedPercent: number;
  remainingPercent: number;
  windowMinutes: number | null;
  resetsAt: EpochMs | null;
  observedAt: EpochMs;
  stale: boolean;
  rolledOver: boolean;
  pace: Pace | null;
  source: LimitSource;
}

export interface LimitFamily {
  limitId: string;
  limitName: string | null;
  primary: UsageWindow | null;
  secondary: UsageWindow | null;
}

export interface UsageLimits {
  primary: UsageWindow | null;
  secondary: UsageWindow | null;
  others: LimitFamily[];
  credits: Credits | null;
  planType: string | null;
  /** Why the last ask to `codex app-server` failed (null when it worked, or was never made). */
  accountError: string | null;
}

export interface CodexHomeInfo {
  path: string;
  found: boolean;
  sessionsDirFound: boolean;
}

/** A file-system entry where a rollout or the session index belongs that could not be read as a file. */
export interface SkippedEntry {
  path: string;
  /** What it is: `a symlink loop`, `a directory`, `a FIFO`, … */
  reason: string;
}

export interface ReadDiagnostics {
  filesRead: number;
  bytesRead: number;
  malformedLines: number;
  invalidUtf8Lines: number;
  oversizedLines: number;
  /** Lines read with a value out of range (made unknown or clamped). */
  suspiciousLines: number;
  /** Special entries skipped: how many, and the first few. */
  skippedEntries: { count: number; entries: SkippedEntry[] };
  /**
   * Rollout files (or the home / sessions folder) that exist but could not be
   * read (mode 000, owned by root after `sudo codex`): limits may be older.
   */
  unreadable: { count: number; newest: string | null };
  /** Limit families dropped because a file named more than 16 (the freshest are kept). */
  familiesDropped: number;
  /** Answers from `codex app-server` that held a value out of range (made unknown, clamped or cut), since start. */
  suspiciousAnswers: number;
}

export interface UsageSnapshot {
  generatedAt: EpochMs;
  codexHome: CodexHomeInfo;
  sessions: CodexSessionSnapshot[];
  current: string | null;
  limits: UsageLimits;
  /** Whether the sessions' costs are a bill or an API-equivalent value, and the prices' date. */
  cost: CostInfo;
  diagnostics: ReadDiagnostics;
}
