import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageEngine } from '../../src/usage/engine.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { line, mainLimits, SAMPLES, TempCodexHome } from '../support/codexHome.js';

// Issue 12 §2 and SCHEMA.md §11: limits belong to the account. Credits travel
// on whichever family's snapshot, other families are found with no live
// session, and interleaved writers of one window never lower its reading.

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

const T0 = Date.parse('2026-03-01T12:00:00Z');
const T = (s: number): string => new Date(T0 + s * 1000).toISOString();
const RESET = Math.round(T0 / 1000) + 4 * 3600;

async function read(now: number, files: Record<string, string[]>, day = '2026-03-01'): Promise<UsageSnapshot> {
  for (const [name, lines] of Object.entries(files))
    await home.writeRollout(home.rolloutPath(day, name), `${lines.join('\n')}\n`);
  const engine = new UsageEngine({ codexHome: home.home, now: () => now });
  await engine.coldStart();
  return engine.snapshot();
}

const other = (used: number, extra: Record<string, unknown> = {}) => ({
  limit_id: 'codex_other',
  limit_name: 'gpt-5.5-mini',
  primary: { used_percent: used, window_minutes: 300, resets_at: RESET },
  secondary: null,
  ...extra,
});

describe('credits belong to the account', () => {
  it('the freshest credits win, even when another family carried them', async () => {
    const snap = await read(T0 + 60_000, {
      a: [
        line.meta(T(0)),
        line.tokenCount(T(1), 1000, 1000, {
          ...mainLimits(10, 20, RESET, RESET + 86_400),
          credits: { has_credits: true, unlimited: false, balance: '17.50' },
        }),
        line.tokenCount(T(2), 2000, 1000, other(5, { credits: { has_credits: true, unlimited: false, balance: '3' } })),
        line.tokenCount(T(3), 3000, 1000, mainLimits(11, 20, RESET, RESET + 86_400)),
      ],
    });
    expect(snap.limits.credits).toEqual({ hasCredits: true, unlimited: false, balance: '3' });
    // …and the other family still never overwrites the main windows.
    expect(snap.limits.primary?.usedPercent).toBe(11);
  });

  it('older credits on another family do not replace fresher ones', async () => {
    const snap = await read(T0 + 60_000, {
      a: [
        line.meta(T(0)),
        line.tokenCount(T(1), 1000, 1000, other(5, { credits: { has_credits: true, unlimited: false, balance: '3' } })),
        line.tokenCount(T(2), 2000, 1000, {
          ...mainLimits(10, 20, RESET, RESET + 86_400),
          credits: { has_credits: false, unlimited: true, balance: null },
        }),
      ],
    });
    expect(snap.limits.credits).toEqual({ hasCredits: false, unlimited: true, balance: null });
  });
});

describe('other families without a live session', () => {
  it('a long stale rollout is read at most 2 MB from its end: the main limits and a family beside them are found', async () => {
    // Five hours of minute-long turns, each with a 20 KB answer: about 6 MB. Windows reset after it.
    const reset = RESET + 6 * 3600;
    const mini = { ...other(7), primary: { used_percent: 7, window_minutes: 300, resets_at: reset } };
    const lines = [line.meta(T(0))];
    const filler = 'x'.repeat(20_000);
    for (let m = 1; m <= 300; m += 1) {
      lines.push(
        line.responseItem(T(m * 60), {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: filler }],
        }),
      );
      lines.push(line.tokenCount(T(m * 60 + 1), m * 1000, 1000, mainLimits(10 + m / 10, 20, reset, reset + 86_400)));
    }
    lines.push(line.tokenCount(T(300 * 60 + 2), 301_000, 1000, mini));
    lines.push(line.tokenCount(T(300 * 60 + 3), 302_000, 1000, mainLimits(41, 20, reset, reset + 86_400)));
    const snap = await read(T0 + 301 * 60_000 + 31 * 60_000, { long: lines });
    expect(snap.sessions).toEqual([]);
    expect(snap.limits.primary?.usedPercent).toBe(41);
    expect(snap.limits.others.map((o) => [o.limitId, o.primary?.usedPercent])).toEqual([['codex_other', 7]]);
    // Not the whole file, nor the 6 MB search budget: one file's end.
    expect(snap.diagnostics.bytesRead).toBeLessThanOrEqual(2 * 1024 * 1024 + 128 * 1024);
    expect(snap.diagnostics.bytesRead).toBeGreaterThan(0);
  });

  it('six hours later the near-limit sample still shows codex_other, rolled over and stale', async () => {
    await home.copySample(SAMPLES.nearLimit);
    const now = Date.parse('2026-11-22T04:45:00Z');
    const engine = new UsageEngine({ codexHome: home.home, now: () => now });
    await engine.coldStart();
    const snap = engine.snapshot();
    expect(snap.sessions).toEqual([]);
    expect(snap.limits.primary).toMatchObject({ rolledOver: true, stale: true, remainingPercent: 100 });
    expect(snap.limits.others).toEqual([
      {
        limitId: 'codex_other',
        limitName: 'gpt-5.5-mini',
        primary: {
          label: '5h',
          usedPercent: 0,
          remainingPercent: 100,
          windowMinutes: 300,
          resetsAt: Date.parse('2026-11-21T23:41:14.000Z'),
          observedAt: Date.parse('2026-11-21T22:41:15.307Z'),
          stale: true,
          rolledOver: true,
          pace: null,
          source: 'log',
        },
        secondary: null,
      },
    ]);
  });

  it('within its reset, a family from an ended session is shown stale, with its percentage', async () => {
    const later = T0 + 2 * 3600_000;
    const snap = await read(later, {
      old: [
        line.meta(T(0)),
        line.tokenCount(T(1), 1000, 1000, other(40)),
        line.tokenCount(T(2), 2000, 1000, mainLimits(10, 20, RESET, RESET + 86_400)),
      ],
    });
    expect(snap.sessions).toEqual([]);
    expect(snap.limits.others[0]?.primary).toMatchObject({ usedPercent: 40, stale: true, rolledOver: false });
  });

  it('the search is bounded the same way: files written before the freshest main observation are not read', async () => {
    const later = T0 + 2 * 3600_000;
    const snap = await read(later, {
      older: [line.meta(T(0)), line.tokenCount(T(1), 1000, 1000, { ...other(40), limit_id: 'codex_ancient' })],
      newer: [
        line.meta(T(10)),
        line.tokenCount(T(11), 1000, 1000, other(30)),
        line.tokenCount(T(12), 2000, 1000, mainLimits(10, 20, RESET, RESET + 86_400)),
      ],
    });
    expect(snap.limits.others.map((o) => o.limitId)).toEqual(['codex_other']);
    expect(snap.diagnostics.filesRead).toBe(1);
  });

  it('within a file, families are looked for one 5-hour window before its newest main observation', async () => {
    const H = 3600;
    const late = RESET + 10 * H;
    const snap = await read(T0 + 9 * H * 1000, {
      a: [
        line.meta(T(0)),
        line.tokenCount(T(0), 1000, 1000, { ...other(70), limit_id: 'codex_too_old' }),
        line.tokenCount(T(2 * H), 2000, 1000, { ...other(60), limit_id: 'codex_within' }),
        line.tokenCount(T(6 * H + 60), 3000, 1000, mainLimits(10, 20, late, late + 86_400)),
      ],
    });
    expect(snap.limits.others.map((o) => o.limitId)).toEqual(['codex_within']);
    expect(snap.limits.primary?.usedPercent).toBe(10);
  });

  it('the next deadline includes another family’s reset', async () => {
    await home.writeRollout(
      home.rolloutPath('2026-03-01', 'a'),
      [
        line.meta(T(0)),
        line.tokenCount(T(1), 1000, 1000, mainLimits(10, 20, RESET + 3600, RESET + 86_400)),
        line.tokenCount(T(2), 2000, 1000, other(40)),
      ].join('\n') + '\n',
    );
    // Twenty minutes on: the session has ended and every window is stale, so only resets are pending.
    const engine = new UsageEngine({ codexHome: home.home, now: () => T0 + 20 * 60_000, sessionStaleMs: 10 * 60_000 });
    await engine.coldStart();
    expect(engine.nextDeadline()).toBe(RESET * 1000 + 1);
  });
});

describe('interleaved parent and sub-agent snapshots (SCHEMA.md §11)', () => {
  it('within one window instance the highest reading stands, dated by the newest line', async () => {
    const snap = await read(T0 + 60_000, {
      parent: [
        line.meta(T(0), { id: 'parent' }),
        line.tokenCount(T(5), 1000, 1000, mainLimits(42, 61, RESET, RESET + 86_400)),
      ],
      child: [
        line.meta(T(1), { id: 'child' }),
        // Written later, but carrying the older snapshot Codex held in that thread.
        line.tokenCount(T(9), 1000, 1000, mainLimits(38, 60, RESET, RESET + 86_400)),
      ],
    });
    expect(snap.limits.primary).toMatchObject({ usedPercent: 42, observedAt: Date.parse(T(9)) });
    expect(snap.limits.secondary).toMatchObject({ usedPercent: 61, observedAt: Date.parse(T(9)) });
  });

  it('a new window instance (a later reset) is taken as it is, even when lower', async () => {
    const snap = await read(T0 + 60_000, {
      a: [
        line.meta(T(0)),
        line.tokenCount(T(1), 1000, 1000, mainLimits(90, 61, RESET, RESET + 86_400)),
        line.tokenCount(T(2), 2000, 1000, mainLimits(3, 61, RESET + 5 * 3600, RESET + 86_400)),
      ],
    });
    expect(snap.limits.primary?.usedPercent).toBe(3);
  });

  it('applies to other families too', async () => {
    const snap = await read(T0 + 60_000, {
      parent: [line.meta(T(0), { id: 'parent' }), line.tokenCount(T(5), 1000, 1000, other(25))],
      child: [line.meta(T(1), { id: 'child' }), line.tokenCount(T(9), 1000, 1000, other(20))],
    });
    expect(snap.limits.others[0]?.primary).toMatchObject({ usedPercent: 25, observedAt: Date.parse(T(9)) });
  });
});
