import { describe, expect, it } from 'vitest';
import { toJsonDates } from '../../src/cli/jsonDates.js';
import type { CodexSessionSnapshot, HistoryView, UsageWindow } from '../../src/contract/index.js';
import { session, snapshot, T0, window } from '../support/snapshots.js';
import { NO_COST } from '../../src/cost/rule.js';

// The contract carries epoch ms; `status --json` and `history --json` print ISO 8601
// (docs/api): the mapping must give, byte for byte, what the ISO snapshot printed.
const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The ISO form written field by field, in the contract's key order. */
function windowIso(w: UsageWindow | null): unknown {
  if (w === null) return null;
  return {
    label: w.label,
    usedPercent: w.usedPercent,
    remainingPercent: w.remainingPercent,
    windowMinutes: w.windowMinutes,
    resetsAt: isoOrNull(w.resetsAt),
    observedAt: iso(w.observedAt),
    stale: w.stale,
    rolledOver: w.rolledOver,
    pace: w.pace === null ? null : { ...w.pace, runsOutAt: isoOrNull(w.pace.runsOutAt) },
    source: w.source,
  };
}

function sessionIso(s: CodexSessionSnapshot): unknown {
  const {
    startedAt,
    lastActivityAt,
    tokens,
    byModel,
    cost,
    context,
    turns,
    forkedFrom,
    partial,
    subagent,
    agents,
    ...head
  } = s;
  return {
    ...head,
    startedAt: isoOrNull(startedAt),
    lastActivityAt: isoOrNull(lastActivityAt),
    tokens,
    byModel,
    cost,
    context,
    turns,
    forkedFrom,
    partial,
    subagent,
    agents: { ...agents, threads: agents.threads.map(sessionIso) },
  };
}

describe('toJsonDates', () => {
  it('prints every time of a snapshot as ISO 8601, keeps every other value and the key order', () => {
    const agent = session({
      id: 'agent-1',
      startedAt: T0 - 60_000,
      lastActivityAt: null,
      subagent: { parentId: 'sess-a', depth: 1, role: 'worker', nickname: 'Noether' },
    });
    const parent = session({ agents: { count: 1, live: 1, working: 0, tokens: 5, threads: [agent] } });
    const snap = snapshot([parent]);
    snap.limits.primary = window(60, {
      pace: { expectedUsedPercent: 50, reservePercent: -10, runsOutAt: T0 + 90 * 60_000 },
    });
    snap.limits.others = [
      { limitId: 'codex_other', limitName: null, primary: window(95, { resetsAt: null }), secondary: null },
    ];
    const expected = {
      generatedAt: iso(snap.generatedAt),
      codexHome: snap.codexHome,
      sessions: snap.sessions.map(sessionIso),
      current: snap.current,
      limits: {
        primary: windowIso(snap.limits.primary),
        secondary: windowIso(snap.limits.secondary),
        others: snap.limits.others.map((f) => ({
          ...f,
          primary: windowIso(f.primary),
          secondary: windowIso(f.secondary),
        })),
        credits: snap.limits.credits,
        planType: snap.limits.planType,
        accountError: snap.limits.accountError,
      },
      cost: snap.cost,
      diagnostics: snap.diagnostics,
    };
    const json = toJsonDates(snap);
    expect(JSON.stringify(json, null, 2)).toBe(JSON.stringify(expected, null, 2));
    expect(json.sessions[0]?.agents.threads[0]?.startedAt).toBe('2026-11-21T13:59:00.000Z');
    expect(json.limits.primary?.pace?.runsOutAt).toBe('2026-11-21T15:30:00.000Z');
    // Counts and figures are numbers still; the snapshot itself is left as it was.
    expect(json.sessions[0]?.tokens.total).toBe(120_000);
    expect(snap.generatedAt).toBe(T0);
  });

  it('prints the history view’s times as ISO 8601, and leaves a time already written as text alone', () => {
    const view: HistoryView = {
      generatedAt: T0,
      days: [{ day: '2026-11-21', tokens: 10, cachedInput: 2, cost: NO_COST, projects: [], source: 'recorded' }],
      windows: [
        {
          limitId: 'codex',
          limitName: null,
          kind: 'primary',
          label: '5h',
          windowMinutes: 300,
          startsAt: T0 - 3 * 3_600_000,
          resetsAt: null,
          current: true,
          points: [{ at: T0 - 60_000, usedPercent: 12, source: 'log' }],
          usage: null,
        },
        {
          limitId: 'codex',
          limitName: null,
          kind: 'secondary',
          label: 'weekly',
          windowMinutes: 10080,
          startsAt: T0 - 2 * 86_400_000,
          resetsAt: T0 + 5 * 86_400_000,
          current: true,
          points: [{ at: T0 - 60_000, usedPercent: 30, source: 'log' }],
          usage: {
            tokens: 10,
            cachedInput: 2,
            cost: { usd: 0.01, status: 'partial', unpriced: [] },
            complete: false,
            countingStartedAt: T0 - 3_600_000,
          },
        },
      ],
      topSessions: [],
      cost: { basis: 'api', pricesAsOf: '2026-09-23', total: NO_COST },
      backfill: { phase: 'done', filesDone: 3, filesTotal: 3, message: null },
    };
    expect(JSON.stringify(toJsonDates(view))).toBe(
      JSON.stringify({
        generatedAt: '2026-11-21T14:00:00.000Z',
        days: view.days,
        windows: [
          {
            ...view.windows[0],
            startsAt: '2026-11-21T11:00:00.000Z',
            resetsAt: null,
            points: [{ at: '2026-11-21T13:59:00.000Z', usedPercent: 12, source: 'log' }],
          },
          {
            ...view.windows[1],
            startsAt: '2026-11-19T14:00:00.000Z',
            resetsAt: '2026-11-26T14:00:00.000Z',
            points: [{ at: '2026-11-21T13:59:00.000Z', usedPercent: 30, source: 'log' }],
            usage: { ...view.windows[1]?.usage, countingStartedAt: '2026-11-21T13:00:00.000Z' },
          },
        ],
        topSessions: [],
        cost: view.cost,
        backfill: view.backfill,
      }),
    );
    // The instance record's `startedAt` is ISO text already: a string is never touched.
    expect(toJsonDates({ publisher: { pid: 4, startedAt: '2026-11-21T09:12:03.000Z' } })).toEqual({
      publisher: { pid: 4, startedAt: '2026-11-21T09:12:03.000Z' },
    });
  });
});
