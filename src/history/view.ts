import type {
  BackfillState,
  HistoryDay,
  HistoryLimitPoint,
  HistoryQuery,
  HistorySession,
  HistoryView,
  HistoryWindow,
  HistoryWindowKind,
  TodayUsage,
} from '../contract/index.js';
import { matchesGlob } from '../settings/glob.js';
import { windowLabel } from '../usage/windows.js';
import { wireTime, wireTimeOrNull } from '../usage/wire.js';
import { lastDays, localDay } from './day.js';
import type { LimitRecord } from './records.js';
import { costInfo } from '../cost/basis.js';
import { CATALOG_ONLY, type CostConfig, type PricingConfig } from '../cost/pricing.js';
import { addCosts, NO_COST } from '../cost/rule.js';
import { sameInstance, windowsSinceOf, type HistoryState } from './state.js';
import { limitKey, sameReset, type WindowCell } from './windowCells.js';
import { Tally } from './tally.js';

export const MAX_HISTORY_DAYS = 400;
export const PAST_WINDOWS_PER_KIND = 8;
export const TOP_SESSIONS = 10;
const MAIN_FAMILY = 'codex';

/**
 * The one function behind `history --json` and the app's `getHistory`: the
 * recorded state as the contract's HistoryView. Pure. Projects on the ignore
 * list are left out even if recorded before they were listed. `fromLogs`
 * names the days a reader computed from the rollouts (catchUp.ts).
 */
export function buildView(
  state: HistoryState,
  query: HistoryQuery,
  now: number,
  backfill: BackfillState,
  ignore: readonly string[] = [],
  pricing: CostConfig = CATALOG_ONLY,
  fromLogs: (day: string) => boolean = () => false,
): HistoryView {
  const counted = countsPath(state, ignore);
  const days = lastDays(now, query.days);
  const first = days[0] ?? localDay(now);
  const perDay = new Map<string, Map<string | null, Tally>>(days.map((d) => [d, new Map()]));
  const selected = query.day ?? localDay(now);
  const sessions = new Map<string, { id: string; project: string | null; model: string | null; tally: Tally }>();
  for (const [path, usage] of state.usage) {
    if (!counted(path)) continue;
    const cursor = state.files.get(path);
    const project = cursor?.project ?? null;
    for (const [day, cell] of usage) {
      if (day >= first) {
        const projects = perDay.get(day);
        if (projects !== undefined) {
          const tally = projects.get(project) ?? new Tally();
          tally.add(cell);
          projects.set(project, tally);
        }
      }
      if (day === selected) {
        const id = cursor?.session ?? path;
        const s = sessions.get(id) ?? { id, project, model: cursor?.model ?? null, tally: new Tally() };
        s.tally.add(cell);
        sessions.set(id, s);
      }
    }
  }
  const priced = pricing.pricing;
  let total = NO_COST;
  const historyDays: HistoryDay[] = days.map((day) => {
    const tallies = [...(perDay.get(day) ?? new Map<string | null, Tally>())];
    const projects = tallies
      .map(([project, t]) => ({ project, tokens: t.tokens, cachedInput: t.cachedInput, cost: t.cost(priced) }))
      .sort((a, b) => b.tokens - a.tokens || b.cachedInput - a.cachedInput || byName(a.project, b.project));
    const dayTally = new Tally();
    for (const [, t] of tallies) dayTally.add([t.tokens, t.cachedInput, t.models]);
    const cost = dayTally.cost(priced);
    total = addCosts(total, cost);
    return {
      day,
      tokens: dayTally.tokens,
      cachedInput: dayTally.cachedInput,
      cost,
      projects,
      source: fromLogs(day) ? ('logs' as const) : ('recorded' as const),
    };
  });
  const topSessions: HistorySession[] = [...sessions.values()]
    .map(({ id, project, model, tally }) => ({
      id,
      project,
      model,
      tokens: tally.tokens,
      cachedInput: tally.cachedInput,
      cost: tally.cost(priced),
    }))
    .sort((a, b) => b.tokens - a.tokens || b.cachedInput - a.cachedInput || a.id.localeCompare(b.id))
    .slice(0, TOP_SESSIONS);
  const windows = limitWindows(state.limits, now).map(
    withUsage(state, counted, ignoredProject(ignore), countedFrom(state), priced),
  );
  return {
    generatedAt: wireTime(now),
    days: historyDays,
    windows,
    topSessions,
    // Rate-limit windows are a ChatGPT plan's: an API key has none (docs/cost.md).
    cost: { ...costInfo(windows.length > 0 || pricing.planConfigured), total },
    backfill,
  };
}

/**
 * One day's tokens and cost (the popover's "Today"), counted as `buildView`
 * counts a day: ignored projects left out, each rollout's share once.
 */
export function dayUsage(
  state: HistoryState,
  day: string,
  ignore: readonly string[] = [],
  pricing: CostConfig = CATALOG_ONLY,
): TodayUsage {
  const tally = new Tally();
  const counted = countsPath(state, ignore);
  for (const [path, usage] of state.usage) {
    const cell = usage.get(day);
    if (cell !== undefined && counted(path)) tally.add(cell);
  }
  return { day, tokens: tally.tokens, cachedInput: tally.cachedInput, cost: tally.cost(pricing.pricing) };
}

/**
 * Whether a rollout's usage counts: not recorded as ignored, and its project
 * not on the ignore list now (a project listed after it was recorded).
 */
function countsPath(state: HistoryState, ignore: readonly string[]): (path: string) => boolean {
  const ignored = ignoredProject(ignore);
  return (path) => {
    const cursor = state.files.get(path);
    return cursor?.ignored !== true && !ignored(cursor?.project ?? null);
  };
}

/** Whether the ignore list names `project` now. */
function ignoredProject(ignore: readonly string[]): (project: string | null) => boolean {
  return (project) => project !== null && ignore.some((glob) => matchesGlob(project, glob));
}

/** When window usage began to be counted: null, from the first line history folded (windowCells.ts). */
function countedFrom(state: HistoryState): number | null {
  const since = windowsSinceOf(state);
  if (state.clearedAt === null) return since;
  return since === null ? state.clearedAt : Math.max(since, state.clearedAt);
}

/**
 * A window with its usage: the cells of its family and kind whose reset is
 * its own (within SAME_WINDOW_MS), over the rollouts `counted` keeps. Counted
 * from `from` on: a window that started before then is a lower bound, one
 * that reset by then has none.
 */
function withUsage(
  state: HistoryState,
  counted: (path: string) => boolean,
  ignored: (project: string | null) => boolean,
  from: number | null,
  pricing: PricingConfig,
): (w: HistoryWindow) => HistoryWindow {
  const byKey = new Map<string, WindowCell[]>();
  const add = (cells: readonly WindowCell[]): void => {
    for (const c of cells) {
      const key = limitKey(c);
      const list = byKey.get(key) ?? [];
      list.push(c);
      byKey.set(key, list);
    }
  };
  for (const [project, cells] of state.windowTotals) if (!ignored(project)) add(cells);
  for (const [path, cells] of state.windowUsage) if (counted(path)) add(cells);
  return (w) => {
    const reset = w.resetsAt;
    const start = w.startsAt ?? w.points[0]?.at ?? null;
    if (reset === null || (from !== null && reset <= from)) return { ...w, usage: null };
    const tally = new Tally();
    for (const c of byKey.get(limitKey({ id: w.limitId, kind: w.kind })) ?? []) {
      if (sameReset(c.reset, reset)) tally.add(c.cell);
    }
    const complete = from === null || (start !== null && start >= from);
    const cost = tally.cost(pricing);
    return {
      ...w,
      usage: {
        tokens: tally.tokens,
        cachedInput: tally.cachedInput,
        cost: complete || cost.status !== 'exact' ? cost : { ...cost, status: 'partial' },
        complete,
        countingStartedAt: complete ? null : wireTime(from),
      },
    };
  };
}

/**
 * Observations grouped into window instances per family and kind. An
 * instance is a run of observations whose resets agree (within two minutes);
 * observations without a reset join the instance in progress at their time.
 */
export function limitWindows(limits: readonly LimitRecord[], now: number): HistoryWindow[] {
  const byKey = new Map<string, LimitRecord[]>();
  for (const l of [...limits].sort((a, b) => a.at - b.at)) {
    const key = limitKey(l);
    const list = byKey.get(key) ?? [];
    list.push(l);
    byKey.set(key, list);
  }
  const current: HistoryWindow[] = [];
  const past: HistoryWindow[] = [];
  for (const list of byKey.values()) {
    const instances: LimitRecord[][] = [];
    // Sorted by time, so only the latest instance can still be open; its first reset identifies it.
    let head: LimitRecord | undefined;
    for (const l of list) {
      const latest = instances[instances.length - 1];
      const joins =
        latest !== undefined &&
        (head === undefined || l.reset === null
          ? head === undefined || l.at <= (head.reset ?? Infinity)
          : sameInstance(head, l));
      if (latest !== undefined && joins) latest.push(l);
      else {
        instances.push([l]);
        head = undefined;
      }
      if (head === undefined && l.reset !== null) head = l;
    }
    const windows = instances.map((run) => toWindow(run, now));
    const live = windows.filter((w) => w.current);
    const done = windows.filter((w) => !w.current);
    // One instance is in progress per family and kind: the one read last. Another
    // that claims so was superseded (interleaved logs of two accounts, a reset moved).
    const lastAt = (w: HistoryWindow): number => w.points[w.points.length - 1]?.at ?? 0;
    const inProgress = live.reduce<HistoryWindow | null>(
      (a, w) => (a === null || lastAt(w) >= lastAt(a) ? w : a),
      null,
    );
    if (inProgress !== null) current.push(inProgress);
    const superseded = live.filter((w) => w !== inProgress).map((w) => ({ ...w, current: false }));
    past.push(...[...superseded, ...done].sort((a, b) => endOf(b) - endOf(a)).slice(0, PAST_WINDOWS_PER_KIND));
  }
  const family = (w: HistoryWindow): string => `${w.limitId === MAIN_FAMILY ? '0' : '1'}${w.limitId}${w.kind}`;
  current.sort((a, b) => family(a).localeCompare(family(b)));
  past.sort((a, b) => endOf(b) - endOf(a) || family(a).localeCompare(family(b)));
  return [...current, ...past];
}

function toWindow(run: LimitRecord[], now: number): HistoryWindow {
  const last = run[run.length - 1] as LimitRecord;
  const withReset = [...run].reverse().find((r) => r.reset !== null);
  const resetsAt = withReset?.reset ?? null;
  const minutes = [...run].reverse().find((r) => r.minutes !== null)?.minutes ?? null;
  const name = [...run].reverse().find((r) => r.name !== null)?.name ?? null;
  const kind: HistoryWindowKind = last.kind;
  const points: HistoryLimitPoint[] = run.map((r) => ({
    at: wireTime(r.at),
    usedPercent: r.used,
    source: r.src,
  }));
  return {
    limitId: last.id,
    limitName: name,
    kind,
    label: windowLabel(minutes, kind),
    windowMinutes: minutes,
    startsAt: resetsAt === null || minutes === null ? null : wireTimeOrNull(resetsAt - minutes * 60_000),
    resetsAt: wireTimeOrNull(resetsAt),
    current: resetsAt !== null && resetsAt > now && (minutes === null || resetsAt - minutes * 60_000 <= now),
    points,
    usage: null,
  };
}

function endOf(w: HistoryWindow): number {
  return w.resetsAt ?? w.points[w.points.length - 1]?.at ?? 0;
}

function byName(a: string | null, b: string | null): number {
  return (a ?? '\uffff').localeCompare(b ?? '\uffff');
}

export function idleBackfill(): BackfillState {
  return { phase: 'idle', filesDone: 0, filesTotal: 0, message: null };
}

/** What a reader (not the publisher) shows for the backfill: the publisher's last written progress. */
export function backfillFromState(state: HistoryState): BackfillState {
  const b = state.backfill;
  return b === null ? idleBackfill() : { phase: b.phase, filesDone: b.done, filesTotal: b.total, message: b.message };
}
