import type {
  Activity,
  CostFigure,
  ModelTokens,
  CodexHomeInfo,
  CodexSessionSnapshot,
  ReadDiagnostics,
  SessionContext,
  SessionStatus,
  UsageLimits,
  UsageSnapshot,
} from '../contract/index.js';
import { costInfo } from '../cost/basis.js';
import { UNKNOWN_MODEL } from '../cost/rule.js';
import { ownByModel, shownTotal, statusTotal, type SessionState } from './sessionState.js';
import { wireTime, wireTimeOrNull } from './wire.js';

/** Codex reserves this much of the window for the system prompt and tools (SCHEMA.md §8). */
export const CONTEXT_BASELINE_TOKENS = 12_000;

/** Without task events, a session counts as working this long after its last write. */
const LEGACY_WORKING_MS = 2 * 60 * 1000;

/** A session's project and branch, from its cwd's `.git` (git.ts reads them). */
export interface GitInfo {
  /** Repository name (the main repository's, for a worktree), or the cwd's basename. */
  project: string | null;
  branch: string | null;
}

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
  /**
   * Prices a session's tokens by model (src/cost/pricing.ts `pricer`, which the
   * engine passes). Injected, not imported: the renderer shares this module,
   * and the price catalog is not for its bundle. Absent: nothing is priced.
   */
  price?: (usage: readonly ModelTokens[]) => CostFigure;
  /** The config names a ChatGPT plan (`openai_plan`): costs are API-equivalent values. */
  planConfigured?: boolean;
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

/** The latest line or write of one file. */
export function ownLastActivity(input: SessionInput): number {
  return Math.max(input.state.lastEventAt ?? 0, input.lastWriteAt);
}

/**
 * `lastActivity` overrides the file's own: a session waiting on its
 * sub-agents is as live as they are.
 */
export function sessionStatus(
  input: SessionInput,
  opts: AggregateOptions,
  lastActivity = ownLastActivity(input),
): SessionStatus {
  const { state } = input;
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

export function toSessionSnapshot(
  input: SessionInput,
  opts: AggregateOptions,
  lastActivity = ownLastActivity(input),
): CodexSessionSnapshot {
  const { state } = input;
  const status = sessionStatus(input, opts, lastActivity);
  // Codex's /status counters: the file's cumulative usage, a fork's inherited part included.
  const total = state.total;
  const sub = state.subagent;
  const byModel = ownByModel(state, input.partial);
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
    startedAt: wireTimeOrNull(state.startedAt),
    lastActivityAt: wireTimeOrNull(lastActivity > 0 ? lastActivity : null),
    tokens: {
      total: statusTotal(state),
      own: shownTotal(state),
      last: state.lastTurnShown,
      delta: state.delta,
      input: total?.input ?? 0,
      cachedInput: total?.cachedInput ?? 0,
      output: total?.output ?? 0,
      reasoningOutput: total?.reasoningOutput ?? 0,
      processed: total?.total ?? 0,
    },
    byModel,
    cost: opts.price?.(byModel) ?? unpriced(byModel),
    // Occupancy is the raw size of the last request (Codex's context gauge, SCHEMA.md §8).
    context: contextLeft(state.contextWindow, state.lastRequest?.total ?? 0),
    turns: state.turns,
    forkedFrom: state.forkedFrom,
    partial: input.partial,
    subagent:
      sub === null ? null : { parentId: sub.parentId, depth: sub.depth, role: sub.role, nickname: sub.nickname },
    agents: noAgents(),
  };
}

/** Without prices: no number, whatever the tokens. */
function unpriced(usage: readonly ModelTokens[]): CostFigure {
  const models = [...new Set(usage.map((u) => u.model ?? UNKNOWN_MODEL))].sort();
  return { usd: null, status: 'unavailable', unpriced: models };
}

function noAgents(): CodexSessionSnapshot['agents'] {
  return { count: 0, live: 0, working: 0, tokens: 0, threads: [] };
}

const isBusy = (s: CodexSessionSnapshot): boolean => s.status === 'working' || s.status === 'waiting';

/**
 * Prefer a session that is working or waiting (itself or through its
 * agents); among equals, the most recent activity. A sub-agent is never the
 * current session, not even one whose parent is not among the sessions.
 */
export function pickCurrent(sessions: readonly CodexSessionSnapshot[]): string | null {
  const own = sessions.filter((s) => s.subagent === null);
  const busy = own.filter((s) => isBusy(s) || s.agents.working > 0);
  const pool = busy.length > 0 ? busy : own;
  // The most recent, whatever the list's order (a session waiting for approval is listed first).
  return (
    pool.reduce<CodexSessionSnapshot | null>((best, s) => (best === null || newestFirst(s, best) < 0 ? s : best), null)
      ?.id ?? null
  );
}

/**
 * One row per session, its sub-agent threads folded under it (issue 12 §4).
 * A thread's root is its furthest ancestor among the inputs; a sub-agent
 * whose parent is not among them (ended long ago, or never loaded) is the
 * root of its own row, marked by `subagent`. A root is live while it or any
 * of its agents is; its agents, finished or not, stay folded under it while
 * it is live.
 */
export function foldSessions(inputs: readonly SessionInput[], opts: AggregateOptions): CodexSessionSnapshot[] {
  const usable = inputs.filter((i) => !i.state.legacy);
  const byId = new Map<string, SessionInput>();
  for (const i of usable) if (i.state.id !== null && !byId.has(i.state.id)) byId.set(i.state.id, i);
  const rootOf = (i: SessionInput): SessionInput => {
    let at = i;
    const seen = new Set<SessionInput>([i]);
    for (;;) {
      const parentId = at.state.subagent?.parentId ?? null;
      const parent = parentId === null ? undefined : byId.get(parentId);
      // A cycle (a hostile or broken file) ends the walk where it started again.
      if (parent === undefined || seen.has(parent)) return at;
      seen.add(parent);
      at = parent;
    }
  };
  const children = new Map<SessionInput, SessionInput[]>();
  for (const i of usable) {
    const root = rootOf(i);
    if (root === i) continue;
    const list = children.get(root) ?? [];
    list.push(i);
    children.set(root, list);
  }
  const rows: CodexSessionSnapshot[] = [];
  for (const i of usable) {
    if (rootOf(i) !== i) continue;
    const kids = children.get(i) ?? [];
    const threads = kids.map((k) => toSessionSnapshot(k, opts));
    let last = ownLastActivity(i);
    kids.forEach((k, n) => {
      if (threads[n]?.status !== 'ended') last = Math.max(last, ownLastActivity(k));
    });
    const row = toSessionSnapshot(i, opts, last);
    if (row.status === 'ended') continue;
    threads.sort(newestFirst);
    row.agents = {
      count: threads.length,
      live: threads.filter((t) => t.status !== 'ended').length,
      working: threads.filter(isBusy).length,
      tokens: threads.reduce((sum, t) => sum + t.tokens.own, 0),
      threads,
    };
    rows.push(row);
  }
  return rows.sort(waitingFirst);
}

/**
 * A session waiting for an approval is the one that needs the user: listed first (issue 25 §7), then newest first.
 * The order the windows receive (and never re-sort); exported so test fixtures are in it too.
 */
export function waitingFirst(a: CodexSessionSnapshot, b: CodexSessionSnapshot): number {
  return Number(b.status === 'waiting') - Number(a.status === 'waiting') || newestFirst(a, b);
}

function newestFirst(a: CodexSessionSnapshot, b: CodexSessionSnapshot): number {
  return (b.lastActivityAt ?? 0) - (a.lastActivityAt ?? 0);
}

/**
 * The one step where the engine's state becomes the contract's snapshot (its
 * limits made by `LimitStore.limits`, through the same time mapping): every
 * time in it is epoch ms (`wire.ts`).
 */
export function toWire(
  inputs: readonly SessionInput[],
  limits: UsageLimits,
  home: CodexHomeInfo,
  diagnostics: ReadDiagnostics,
  opts: AggregateOptions,
): UsageSnapshot {
  const sessions = foldSessions(inputs, opts);
  return {
    generatedAt: wireTime(opts.now),
    codexHome: home,
    sessions,
    current: pickCurrent(sessions),
    limits,
    cost: costInfo(limits.planType !== null || opts.planConfigured === true),
    diagnostics,
  };
}

const UUID_IN_NAME = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

function idFromFile(file: string): string {
  return UUID_IN_NAME.exec(file)?.[1] ?? file;
}
