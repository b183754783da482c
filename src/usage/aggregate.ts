import type { Activity } from '../codex/types.js';
import { ownUsage, shownTotal, type SessionState } from './sessionState.js';
import type {
  CodexHomeInfo,
  CodexSessionSnapshot,
  GitInfo,
  ReadDiagnostics,
  SessionContext,
  SessionStatus,
  UsageLimits,
  UsageSnapshot,
} from './types.js';
import { isoOrNull } from './windows.js';

/** Codex reserves this much of the window for the system prompt and tools (SCHEMA.md §8). */
export const CONTEXT_BASELINE_TOKENS = 12_000;

/** Without task events, a session counts as working this long after its last write. */
const LEGACY_WORKING_MS = 2 * 60 * 1000;

export interface SessionInput {
  file: string;
  state: SessionState;
  /** File mtime at the last read: any write, even a line we did not parse. */
  lastWriteAt: number;
  git: GitInfo;
  name: string | null;
  partial: boolean;
}

export interface AggregateOptions {
  now: number;
  /** A session with no writes for this long has ended. */
  sessionStaleMs: number;
}

/** Codex's `percent_of_context_window_remaining`, rounded as /status prints it. */
export function contextLeft(window: number | null, lastRequestTokens: number): SessionContext {
  if (window === null || window <= 0) return { window, used: lastRequestTokens, percentLeft: null };
  if (window <= CONTEXT_BASELINE_TOKENS) return { window, used: lastRequestTokens, percentLeft: 0 };
  const effective = window - CONTEXT_BASELINE_TOKENS;
  const used = Math.max(0, lastRequestTokens - CONTEXT_BASELINE_TOKENS);
  const left = Math.min(100, Math.max(0, ((effective - used) / effective) * 100));
  return { window, used: lastRequestTokens, percentLeft: Math.round(left) };
}

export function sessionStatus(input: SessionInput, opts: AggregateOptions): SessionStatus {
  const { state } = input;
  const lastActivity = Math.max(state.lastEventAt ?? 0, input.lastWriteAt);
  const quiet = opts.now - lastActivity;
  if (quiet > opts.sessionStaleMs) return 'ended';
  if (state.waiting) return 'waiting';
  if (state.hasTaskEvents) return state.inTurn ? 'working' : 'idle';
  return state.inTurn && quiet <= LEGACY_WORKING_MS ? 'working' : 'idle';
}

function sessionActivity(status: SessionStatus, activity: Activity): Activity {
  if (status === 'waiting') return 'waiting';
  if (status === 'idle' || status === 'ended') return 'idle';
  return activity === 'idle' || activity === 'waiting' ? 'thinking' : activity;
}

export function toSessionSnapshot(input: SessionInput, opts: AggregateOptions): CodexSessionSnapshot {
  const { state } = input;
  const status = sessionStatus(input, opts);
  const lastActivity = Math.max(state.lastEventAt ?? 0, input.lastWriteAt);
  const own = ownUsage(state);
  return {
    id: state.id ?? idFromFile(input.file),
    file: input.file,
    cwd: state.cwd,
    project: input.git.project,
    branch: input.git.branch,
    model: state.model,
    effort: state.effort,
    cliVersion: state.cliVersion,
    originator: state.originator,
    name: input.name,
    status,
    activity: sessionActivity(status, state.activity),
    startedAt: iso(state.startedAt),
    lastActivityAt: iso(lastActivity > 0 ? lastActivity : null),
    tokens: {
      total: shownTotal(state),
      last: state.lastTurnShown,
      delta: state.delta,
      input: own?.input ?? 0,
      cachedInput: own?.cachedInput ?? 0,
      output: own?.output ?? 0,
      reasoningOutput: own?.reasoningOutput ?? 0,
      processed: own?.total ?? 0,
    },
    // Occupancy is the raw size of the last request (Codex's context gauge, SCHEMA.md §8).
    context: contextLeft(state.contextWindow, state.lastRequest?.total ?? 0),
    turns: state.turns,
    forkedFrom: state.forkedFrom,
    partial: input.partial,
  };
}

/** Prefer a session that is working or waiting; among equals, the most recent activity. */
export function pickCurrent(sessions: readonly CodexSessionSnapshot[]): string | null {
  const busy = sessions.filter((s) => s.status === 'working' || s.status === 'waiting');
  const pool = busy.length > 0 ? busy : sessions;
  return pool[0]?.id ?? null;
}

export function buildSnapshot(
  inputs: readonly SessionInput[],
  limits: UsageLimits,
  home: CodexHomeInfo,
  diagnostics: ReadDiagnostics,
  opts: AggregateOptions,
): UsageSnapshot {
  const sessions = inputs
    .filter((i) => !i.state.legacy)
    .map((i) => toSessionSnapshot(i, opts))
    .filter((s) => s.status !== 'ended')
    .sort((a, b) => Date.parse(b.lastActivityAt ?? '0') - Date.parse(a.lastActivityAt ?? '0'));
  return {
    generatedAt: new Date(opts.now).toISOString(),
    codexHome: home,
    sessions,
    current: pickCurrent(sessions),
    limits,
    diagnostics,
  };
}

const iso = isoOrNull;

const UUID_IN_NAME = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

function idFromFile(file: string): string {
  return UUID_IN_NAME.exec(file)?.[1] ?? file;
}
