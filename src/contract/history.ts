/**
 * Usage history (issue 15): the recorded series, as the app's `getHistory`
 * answers and `history --json` prints them (docs/api/history-json.md).
 * Recorded locally by the publishing process only, never sent to Discord.
 * Token figures are Codex's display figure (`blendedTotal`: non-cached input
 * + output), cached input kept apart. Types only.
 */
import type { CostFigure, CostInfo } from './cost.js';
import type { EpochMs, LimitSource } from './snapshot.js';

export type HistoryWindowKind = 'primary' | 'secondary';

/** One observation of a window's used share. */
export interface HistoryLimitPoint {
  /** When it was observed. */
  at: EpochMs;
  usedPercent: number;
  source: LimitSource;
}

/** One instance of a rate-limit window: from its start (reset − length) to its reset. */
export interface HistoryWindow {
  limitId: string;
  limitName: string | null;
  kind: HistoryWindowKind;
  /** The same label as the live rows (`5h`, `weekly`…). */
  label: string;
  windowMinutes: number | null;
  /** resetsAt − windowMinutes, or null when either is unknown. */
  startsAt: EpochMs | null;
  resetsAt: EpochMs | null;
  /** True for the instance in progress now. */
  current: boolean;
  /** Oldest first. */
  points: HistoryLimitPoint[];
  /**
   * The tokens used in this instance and what they cost (docs/cost.md, "Per
   * window"); null when it has no known reset, or ended before history
   * counted window usage.
   */
  usage: HistoryWindowUsage | null;
}

/**
 * A window instance's tokens: each request counted in the instance its own
 * limit reading names (every session's, ignored projects left out; forks and
 * sub-agents once, as the days count them).
 */
export interface HistoryWindowUsage {
  tokens: number;
  cachedInput: number;
  /** What they cost; `partial` (a lower bound) also when `complete` is false. */
  cost: CostFigure;
  /** False: counting began after the window started, at `countingStartedAt`; the figures are at least these. */
  complete: boolean;
  /** When counting began, if after the window's start (a clear, or a history from before window usage); else null. */
  countingStartedAt: EpochMs | null;
}

export interface HistoryProjectTokens {
  /** null: sessions with no project. Ignored projects are never recorded. */
  project: string | null;
  tokens: number;
  cachedInput: number;
  /** What these tokens cost at API prices (docs/cost.md); its meaning is `HistoryView.cost.basis`. */
  cost: CostFigure;
}

/**
 * Where a day's figures come from: `recorded`, all in the history file;
 * `logs`, computed from the rollouts by a reader because the publisher has
 * not recorded them yet (issue 23 §2: `history` before any publisher ran).
 */
export type HistoryDaySource = 'recorded' | 'logs';

export interface HistoryDay {
  /** Local calendar day, YYYY-MM-DD. */
  day: string;
  tokens: number;
  cachedInput: number;
  /** The day's cost: every project's, each token once. Tokens recorded before the split by model are unpriced. */
  cost: CostFigure;
  /** Largest first. */
  projects: HistoryProjectTokens[];
  source: HistoryDaySource;
}

export interface HistorySession {
  id: string;
  project: string | null;
  model: string | null;
  /** Tokens this session used on the queried day (its own growth: forks and sub-agents counted once). */
  tokens: number;
  cachedInput: number;
  /** What those tokens cost. */
  cost: CostFigure;
}

export type BackfillPhase = 'idle' | 'running' | 'done' | 'error';

/** Building history from existing rollouts on first start (runs behind the live snapshot). */
export interface BackfillState {
  phase: BackfillPhase;
  filesDone: number;
  filesTotal: number;
  /** One line for the user when phase is 'error'. */
  message: string | null;
}

export interface HistoryQuery {
  /** How many local days of token usage, 1 to 400 (the UI offers 7, 30 and 90). */
  days: number;
  /** The day whose top sessions to list (YYYY-MM-DD); default today. */
  day?: string;
}

export interface HistoryView {
  generatedAt: EpochMs;
  /** Exactly `query.days` entries, oldest first, ending today; days without use are zeros. */
  days: HistoryDay[];
  /** Every family's current windows, then past windows, newest first (at most 8 past per family and kind). */
  windows: HistoryWindow[];
  /** The queried day's sessions, most tokens first, at most 10. */
  topSessions: HistorySession[];
  /** The cost of every day (`days[].cost`) together, and how costs are to be read. */
  cost: CostInfo & { total: CostFigure };
  backfill: BackfillState;
}
