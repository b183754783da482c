import type {
  CostFigure,
  HistoryDay,
  HistoryLimitPoint,
  HistorySession,
  HistoryView,
  HistoryWindow,
  HistoryWindowUsage,
} from '../../src/contract/index.js';
import { T0 } from './snapshots.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const point = (ms: number, usedPercent: number): HistoryLimitPoint => ({ at: ms, usedPercent, source: 'log' });

/** `YYYY-MM-DD` in UTC (the browser tests run with timezoneId UTC, so local days are UTC days). */
export const utcDay = (ms: number): string => iso(ms).slice(0, 10);

/** The current 5h window: started 11:13, resets 16:13; 95, 85, 78, 72 % left (the popover's 72 %). */
export const FIVE_H_RESET = T0 + (2 * 60 + 13) * MIN;
export const FIVE_H: HistoryWindow = {
  limitId: 'codex',
  limitName: null,
  kind: 'primary',
  label: '5h',
  windowMinutes: 300,
  startsAt: FIVE_H_RESET - 300 * MIN,
  resetsAt: FIVE_H_RESET,
  current: true,
  points: [
    point(T0 - 150 * MIN, 5), // 11:30
    point(T0 - 105 * MIN, 15), // 12:15
    point(T0 - 60 * MIN, 22), // 13:00
    point(T0 - 1 * MIN, 28), // 13:59
  ],
  usage: fixtureUsage(412_000, 1_250_000),
};

/** The current weekly window: 17 Nov 14:00 to 24 Nov 14:00; 90, 75, 60, 40 % left (the popover's 40 %). */
export const WEEKLY: HistoryWindow = {
  limitId: 'codex',
  limitName: null,
  kind: 'secondary',
  label: 'weekly',
  windowMinutes: 10080,
  startsAt: T0 - 4 * 1440 * MIN,
  resetsAt: T0 + 3 * 1440 * MIN,
  current: true,
  points: [
    point(T0 - 3 * 1440 * MIN, 10),
    point(T0 - 2 * 1440 * MIN, 25),
    point(T0 - 1440 * MIN, 40),
    point(T0 - 60 * MIN, 60),
  ],
  usage: fixtureUsage(3_400_000, 9_800_000),
};

/** Three past 5h windows (left at reset: 30 %, 12 %, 3 %) and two past weekly ones (20 %, 55 %). */
export function pastWindows(): HistoryWindow[] {
  const fiveH = [70, 88, 97].map((used, i): HistoryWindow => {
    const reset = FIVE_H_RESET - (3 - i) * 300 * MIN;
    return {
      ...FIVE_H,
      current: false,
      startsAt: reset - 300 * MIN,
      resetsAt: reset,
      points: [point(reset - 240 * MIN, used / 3), point(reset - 120 * MIN, used / 2), point(reset - 30 * MIN, used)],
      usage: fixtureUsage(used * 15_000, used * 40_000),
    };
  });
  const weekly = [80, 45].map((used, i): HistoryWindow => {
    const reset = T0 - 4 * 1440 * MIN - (1 - i) * 10080 * MIN;
    return {
      ...WEEKLY,
      current: false,
      startsAt: reset - 10080 * MIN,
      resetsAt: reset,
      points: [
        point(reset - 6 * 1440 * MIN, used / 4),
        point(reset - 3 * 1440 * MIN, used / 2),
        point(reset - MIN, used),
      ],
      usage: fixtureUsage(used * 60_000, used * 150_000),
    };
  });
  // As main orders them: newest first.
  return [...fiveH.reverse(), ...weekly.reverse()];
}

/** A window's usage, counted whole, priced as `fixtureCost`. */
export function fixtureUsage(tokens: number, cachedInput: number): HistoryWindowUsage {
  return { tokens, cachedInput, cost: fixtureCost(tokens, cachedInput), complete: true, countingStartedAt: null };
}

/** A figure as if every token were gpt-5.5 input ($5 per million), cached at $0.50: exact. */
export function fixtureCost(tokens: number, cachedInput: number): CostFigure {
  return { usd: Math.round(tokens * 5 + cachedInput * 0.5) / 1e6, status: 'exact', unpriced: [] };
}

function totalCost(days: readonly HistoryDay[]): CostFigure {
  const usd = days.reduce((n, d) => n + (d.cost.usd ?? 0), 0);
  return { usd: Math.round(usd * 1e9) / 1e9, status: 'exact', unpriced: [] };
}

const project = (name: string | null, tokens: number, cachedInput: number): HistoryDay['projects'][number] => ({
  project: name,
  tokens,
  cachedInput,
  cost: fixtureCost(tokens, cachedInput),
});

/** Token use on the last days up to T0's day: known figures on the last three days, zeros before. */
export function knownDays(count: number): HistoryDay[] {
  const known: Record<string, HistoryDay['projects']> = {
    '2026-11-19': [project('orbit-api', 40_000, 10_000)],
    '2026-11-20': [project('skyline-web', 90_000, 30_000), project('orbit-api', 30_000, 5_000)],
    '2026-11-21': [
      project('orbit-api', 120_000, 20_000),
      project('skyline-web', 20_000, 2_000),
      project(null, 12_000, 0),
    ],
  };
  const days: HistoryDay[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    const day = utcDay(T0 - i * 1440 * MIN);
    const projects = known[day] ?? [];
    const tokens = projects.reduce((s, p) => s + p.tokens, 0);
    const cachedInput = projects.reduce((s, p) => s + p.cachedInput, 0);
    days.push({ day, tokens, cachedInput, cost: fixtureCost(tokens, cachedInput), projects, source: 'recorded' });
  }
  return days;
}

export const SESSIONS_BY_DAY: Record<string, HistorySession[]> = {
  '2026-11-21': [
    {
      id: 's1',
      project: 'orbit-api',
      model: 'gpt-5.5',
      tokens: 120_000,
      cachedInput: 20_000,
      cost: fixtureCost(120_000, 20_000),
    },
    {
      id: 's2',
      project: 'skyline-web',
      model: 'gpt-5.5-mini',
      tokens: 20_000,
      cachedInput: 2_000,
      cost: fixtureCost(20_000, 2_000),
    },
    { id: 's3', project: null, model: 'gpt-5.5', tokens: 12_000, cachedInput: 0, cost: fixtureCost(12_000, 0) },
  ],
  '2026-11-20': [
    {
      id: 's4',
      project: 'skyline-web',
      model: 'gpt-5.5',
      tokens: 90_000,
      cachedInput: 30_000,
      cost: fixtureCost(90_000, 30_000),
    },
    {
      id: 's5',
      project: 'orbit-api',
      model: 'gpt-5.5',
      tokens: 30_000,
      cachedInput: 5_000,
      cost: fixtureCost(30_000, 5_000),
    },
  ],
};

/** The known series the browser tests assert against (90 days held; the fake answers each query's share). */
export function knownHistory(): HistoryView {
  return structuredClone({
    generatedAt: T0,
    days: knownDays(90),
    windows: [FIVE_H, WEEKLY, ...pastWindows()],
    topSessions: SESSIONS_BY_DAY['2026-11-21'] ?? [],
    cost: { basis: 'apiEquivalent', pricesAsOf: '2026-09-23', total: totalCost(knownDays(90)) },
    backfill: { phase: 'done', filesDone: 120, filesTotal: 120, message: null },
  } satisfies HistoryView);
}

/**
 * A heavy history: 400 days of token use over `projects` projects, and
 * windows read every `everyMinutes` minutes (the current two and 8 past of
 * each kind, as main caps them). Deterministic.
 */
export function heavyHistory(now: number, opts: { projects?: number; everyMinutes?: number } = {}): HistoryView {
  const projects = opts.projects ?? 14;
  const every = (opts.everyMinutes ?? 5) * MIN;
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const days: HistoryDay[] = [];
  for (let i = 399; i >= 0; i -= 1) {
    const list = [];
    for (let p = 0; p < projects; p += 1) {
      if (rand() < 0.4) {
        const tokens = Math.round(rand() * 400_000);
        list.push({ project: `project-${p}`, tokens, cachedInput: 0, cost: fixtureCost(tokens, 0) });
      }
    }
    list.sort((a, b) => b.tokens - a.tokens);
    const tokens = list.reduce((s, p) => s + p.tokens, 0);
    days.push({
      day: utcDay(now - i * 1440 * MIN),
      tokens,
      cachedInput: 0,
      cost: fixtureCost(tokens, 0),
      projects: list,
      source: 'recorded',
    });
  }
  const windowAt = (kind: 'primary' | 'secondary', minutes: number, reset: number, current: boolean): HistoryWindow => {
    const start = reset - minutes * MIN;
    const stop = current ? now : reset;
    const points: HistoryLimitPoint[] = [];
    let used = 0;
    for (let t = start; t < stop; t += every) {
      used = Math.min(100, used + rand() * (200 / (minutes / (every / MIN))));
      points.push(point(t, Math.round(used * 10) / 10));
    }
    return {
      limitId: 'codex',
      limitName: null,
      kind,
      label: kind === 'primary' ? '5h' : 'weekly',
      windowMinutes: minutes,
      startsAt: start,
      resetsAt: reset,
      current,
      points,
      usage: fixtureUsage(Math.round(used * (minutes / 300) * 9000), Math.round(used * (minutes / 300) * 30_000)),
    };
  };
  const windows: HistoryWindow[] = [
    windowAt('primary', 300, now + 120 * MIN, true),
    windowAt('secondary', 10080, now + 3 * 1440 * MIN, true),
  ];
  for (let i = 1; i <= 8; i += 1) windows.push(windowAt('primary', 300, now + 120 * MIN - i * 300 * MIN, false));
  for (let i = 1; i <= 8; i += 1)
    windows.push(windowAt('secondary', 10080, now + 3 * 1440 * MIN - i * 10080 * MIN, false));
  return {
    generatedAt: now,
    days,
    windows,
    topSessions: Array.from({ length: 10 }, (_, i) => ({
      id: `s${i}`,
      project: `project-${i}`,
      model: 'gpt-5.5',
      tokens: 100_000 - i * 5000,
      cachedInput: 1000,
      cost: fixtureCost(100_000 - i * 5000, 1000),
    })),
    cost: { basis: 'apiEquivalent', pricesAsOf: '2026-09-23', total: totalCost(days) },
    backfill: { phase: 'done', filesDone: 10_000, filesTotal: 10_000, message: null },
  };
}
