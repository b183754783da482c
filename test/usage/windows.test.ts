import { describe, expect, it } from 'vitest';
import { computePace, toUsageWindow, windowLabel } from '../../src/usage/windows.js';
import { contextLeft, foldSessions, pickCurrent, type SessionInput } from '../../src/usage/aggregate.js';
import { newSessionState } from '../../src/usage/sessionState.js';
import type { CodexSessionSnapshot } from '../../src/contract/index.js';
import { session } from '../support/snapshots.js';

const H = 3_600_000;

describe('windowLabel (Codex’s rule)', () => {
  it.each([
    [300, 'primary', '5h'],
    [290, 'primary', '5h'], // within 5 %
    [1440, 'primary', 'daily'],
    [10080, 'secondary', 'weekly'],
    [10500, 'secondary', 'weekly'],
    [43200, 'secondary', 'monthly'],
    [525600, 'secondary', 'annual'],
    [120, 'primary', 'usage'],
    [120, 'secondary', 'secondary usage'],
    [null, 'primary', '5h'],
    [null, 'secondary', 'weekly'],
  ] as const)('%s minutes as %s → %s', (minutes, position, label) => {
    expect(windowLabel(minutes, position)).toBe(label);
  });
});

describe('toUsageWindow', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  it('remaining is 100 − used, clamped', () => {
    expect(
      toUsageWindow({ usedPercent: 130, windowMinutes: 300, resetsAt: now + H }, 'primary', now, now, [])
        .remainingPercent,
    ).toBe(0);
    expect(
      toUsageWindow({ usedPercent: -3, windowMinutes: 300, resetsAt: now + H }, 'primary', now, now, [])
        .remainingPercent,
    ).toBe(100);
  });
  it('stale strictly after 15 minutes', () => {
    const w = (age: number) =>
      toUsageWindow({ usedPercent: 1, windowMinutes: 300, resetsAt: now + H }, 'primary', now - age, now, []);
    expect(w(15 * 60_000).stale).toBe(false);
    expect(w(15 * 60_000 + 1).stale).toBe(true);
  });
  it('after the reset: rolled over, 100 % left, never the old number', () => {
    const w = toUsageWindow({ usedPercent: 97, windowMinutes: 300, resetsAt: now - 1 }, 'primary', now - H, now, []);
    expect(w).toMatchObject({ rolledOver: true, usedPercent: 0, remainingPercent: 100, pace: null });
  });
});

describe('computePace', () => {
  const resetsAt = Date.parse('2026-05-01T15:00:00Z'); // 5h window started 10:00
  const now = Date.parse('2026-05-01T12:30:00Z'); // half-way
  const sample = (at: string, used: number) => ({ observedAt: Date.parse(at), usedPercent: used, resetsAt });

  it('needs two observations in the current window', () => {
    expect(
      computePace({ usedPercent: 40, windowMinutes: 300, resetsAt }, now, [sample('2026-05-01T12:00:00Z', 40)]),
    ).toBeNull();
    // Observations from the previous window do not count.
    const previous = { observedAt: Date.parse('2026-05-01T09:00:00Z'), usedPercent: 90, resetsAt: resetsAt - 5 * H };
    expect(
      computePace({ usedPercent: 40, windowMinutes: 300, resetsAt }, now, [
        previous,
        sample('2026-05-01T12:00:00Z', 40),
      ]),
    ).toBeNull();
  });

  it('in reserve when under an even burn, lasting to the reset', () => {
    const pace = computePace({ usedPercent: 30, windowMinutes: 300, resetsAt }, now, [
      sample('2026-05-01T11:00:00Z', 25),
      sample('2026-05-01T12:00:00Z', 30),
    ]);
    expect(pace).toEqual({ expectedUsedPercent: 50, reservePercent: 20, runsOutAt: null });
  });

  it('projects the run-out time from the recent burn rate', () => {
    // 20 points in the last 30 minutes; 60 left → 90 more minutes → 13:30, before the 15:00 reset.
    const pace = computePace({ usedPercent: 40, windowMinutes: 300, resetsAt }, now, [
      sample('2026-05-01T10:30:00Z', 5),
      sample('2026-05-01T11:30:00Z', 20),
      sample('2026-05-01T12:00:00Z', 40),
    ]);
    expect(pace).toEqual({
      expectedUsedPercent: 50,
      reservePercent: 10,
      runsOutAt: Date.parse('2026-05-01T13:30:00.000Z'),
    });
  });

  it('no projection from observations seconds apart', () => {
    const pace = computePace({ usedPercent: 40, windowMinutes: 300, resetsAt }, now, [
      sample('2026-05-01T12:00:00Z', 30),
      sample('2026-05-01T12:00:02Z', 40),
    ]);
    expect(pace?.runsOutAt).toBeNull();
  });
});

describe('contextLeft (percent_of_context_window_remaining)', () => {
  it.each([
    [258400, 11220, 100],
    [258400, 155300, 42],
    [258400, 258400, 0],
    [272000, 140000, 51], // (260000 − 128000) / 260000 = 50.8 → 51
    [12000, 5000, 0],
  ])('window %i, last request %i → %i percent left', (window, used, left) => {
    expect(contextLeft(window, used).percentLeft).toBe(left);
  });
  it('unknown window → null, not a guess', () => {
    expect(contextLeft(null, 5000)).toEqual({ window: null, used: 5000, percentLeft: null });
  });
});

describe('foldSessions order', () => {
  const input = (id: string, at: number, waiting: boolean): SessionInput => {
    const state = newSessionState();
    Object.assign(state, { id, hasTaskEvents: true, inTurn: true, waiting, lastEventAt: at, metaSeen: true });
    return {
      file: `/x/rollout-${id}.jsonl`,
      state,
      lastWriteAt: at,
      git: { project: id, branch: null },
      name: null,
      partial: false,
    };
  };
  it('lists a session waiting for approval first (it needs the user, issue 25 §7), then newest first', () => {
    const now = 10 * H;
    const rows = foldSessions(
      [input('old', now - 3000, false), input('asks', now - 9000, true), input('new', now - 1000, false)],
      {
        now,
        sessionStaleMs: H,
      },
    );
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['asks', 'waiting'],
      ['new', 'working'],
      ['old', 'working'],
    ]);
    // The publisher still shows the most recent busy session, not the first listed.
    expect(pickCurrent(rows)).toBe('new');
  });
});

describe('pickCurrent', () => {
  const s = (id: string, status: CodexSessionSnapshot['status'], over: Partial<CodexSessionSnapshot> = {}) =>
    session({ id, status, ...over });
  it('prefers working or waiting over a more recent idle session', () => {
    expect(pickCurrent([s('a', 'idle'), s('b', 'waiting'), s('c', 'working')])).toBe('b');
    expect(pickCurrent([s('a', 'idle'), s('b', 'idle')])).toBe('a');
    expect(pickCurrent([])).toBeNull();
  });
  it('never picks a sub-agent, even a working one whose parent is not listed (issue 12 §4)', () => {
    const orphan = { parentId: 'gone', depth: 1, role: 'explorer', nickname: null };
    expect(pickCurrent([s('agent', 'working', { subagent: orphan }), s('a', 'idle')])).toBe('a');
    expect(pickCurrent([s('agent', 'working', { subagent: orphan })])).toBeNull();
  });
  it('among busy sessions, the most recent, wherever it is listed (a waiting one is listed first)', () => {
    const older = s('b', 'waiting', { lastActivityAt: 1000 });
    const newer = s('c', 'working', { lastActivityAt: 2000 });
    expect(pickCurrent([older, newer])).toBe('c');
    expect(pickCurrent([newer, older])).toBe('c');
  });
  it('counts a session whose agents are working as busy', () => {
    const agents = { count: 1, live: 1, working: 1, tokens: 10, threads: [] };
    expect(pickCurrent([s('a', 'idle'), s('b', 'idle', { agents })])).toBe('b');
  });
});
