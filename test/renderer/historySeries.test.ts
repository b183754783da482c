import { describe, expect, it } from 'vitest';
import type { HistoryDay, HistoryWindow } from '../../src/contract/index.js';
import {
  burnDown,
  burnDownOf,
  burnGeometry,
  costBar,
  costDayText,
  costMax,
  dayLabel,
  evenPaceAt,
  fullNumber,
  groupWindows,
  hasThumbnail,
  linearScale,
  nearestIndex,
  niceMax,
  OTHER_KEY,
  stackDays,
  thinColumns,
  thumbnailOf,
  THUMBNAIL_BOX,
} from '../../renderer/src/history/series.js';
import { FIVE_H, pastWindows, WEEKLY } from '../support/history.js';

// The pure half of the history charts: what the components are given to draw.
describe('history series', () => {
  it('linear scales map ends to ends; a zero-width domain maps to the middle, never NaN', () => {
    const x = linearScale([10, 20], [0, 100]);
    expect([x(10), x(15), x(20), x(25)]).toEqual([0, 50, 100, 150]);
    const flipped = linearScale([0, 100], [146, 18]);
    expect([flipped(0), flipped(100), flipped(50)]).toEqual([146, 18, 82]);
    expect(linearScale([5, 5], [0, 10])(123)).toBe(5);
  });

  it('a burn-down is remaining % over the window, sorted, clamped, spanning start to reset', () => {
    const w: HistoryWindow = {
      ...FIVE_H,
      points: [
        { at: Date.parse('2026-11-21T13:00:00.000Z'), usedPercent: 22, source: 'log' },
        { at: Date.parse('2026-11-21T11:30:00.000Z'), usedPercent: -3, source: 'log' },
        { at: NaN, usedPercent: 50, source: 'log' },
        { at: Date.parse('2026-11-21T13:59:00Z'), usedPercent: 140, source: 'account' },
      ],
    };
    const b = burnDown(w);
    expect(b.points.map((p) => p.remaining)).toEqual([100, 78, 0]);
    expect(new Date(b.start).toISOString()).toBe('2026-11-21T11:13:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2026-11-21T16:13:00.000Z');
    expect(b.endIsReset).toBe(true);
    // Halfway through the window, even pace has half left.
    expect(evenPaceAt(b, (b.start + b.end) / 2)).toBe(50);
    expect(evenPaceAt(b, b.end + 1)).toBe(0);
  });

  it('without a reset time the span is the readings’ own and no pace is drawn', () => {
    const w: HistoryWindow = { ...FIVE_H, startsAt: null, resetsAt: null };
    const b = burnDown(w);
    expect(b.endIsReset).toBe(false);
    expect(b.start).toBe(FIVE_H.points[0]?.at);
    const g = burnGeometry(b, { width: 100, height: 50, top: 0, right: 0, bottom: 0, left: 0 }, b.end, false);
    expect(g.pace).toBe('');
    expect(g.line.startsWith('M0,2.5')).toBe(true);
  });

  it('geometry: readings as steps held until the next, the last held until now; pace from 100 % to 0 %', () => {
    const w: HistoryWindow = {
      ...FIVE_H,
      startsAt: Date.parse('2026-11-21T10:00:00.000Z'),
      resetsAt: Date.parse('2026-11-21T20:00:00.000Z'),
      points: [
        { at: Date.parse('2026-11-21T10:00:00.000Z'), usedPercent: 0, source: 'log' },
        { at: Date.parse('2026-11-21T12:00:00.000Z'), usedPercent: 50, source: 'log' },
      ],
    };
    const box = { width: 110, height: 110, top: 5, right: 5, bottom: 5, left: 5 };
    const now = Date.parse('2026-11-21T15:00:00.000Z');
    const g = burnGeometry(burnDown(w), box, now, true);
    expect(g.pace).toBe('M5,5L105,105');
    // 10:00 at 100 %, step down at 12:00 to 50 %, held until 15:00.
    expect(g.line).toBe('M5,5L25,5L25,55L55,55');
    expect([g.dot(0), g.dot(1), g.dot(2)]).toEqual([{ x: 5, y: 5 }, { x: 25, y: 55 }, undefined]);
  });

  it('thinning keeps each pixel column’s first and last point, so a dense week draws the same line', () => {
    expect(
      thinColumns([
        [0, 10],
        [0.1, 12],
        [0.2, 15],
        [0.3, 20],
        [1, 20],
        [2, 30],
      ]),
    ).toEqual([
      [0, 10],
      [0.3, 20],
      [1, 20],
      [2, 30],
    ]);
  });

  it('nearest point by time', () => {
    expect(nearestIndex([], 5)).toBe(-1);
    expect(nearestIndex([0, 10, 20], 4)).toBe(0);
    expect(nearestIndex([0, 10, 20], 6)).toBe(1);
    expect(nearestIndex([0, 10, 20], 99)).toBe(2);
    expect(nearestIndex([0, 10, 20], -5)).toBe(0);
  });

  it('a window’s series are computed once per window object; a fresh copy (the next pull) draws the same', () => {
    const [w] = pastWindows();
    if (w === undefined) throw new Error('no past window');
    expect(burnDownOf(w)).toBe(burnDownOf(w));
    expect(hasThumbnail(w)).toBe(false);
    const t = thumbnailOf(w);
    expect(hasThumbnail(w)).toBe(true);
    expect(thumbnailOf(w)).toBe(t);
    expect(t.b).toBe(burnDownOf(w));
    expect(t.g.line).toBe(burnGeometry(burnDown(w), THUMBNAIL_BOX, t.b.end, true).line);
    const copy = structuredClone(w);
    expect(hasThumbnail(copy)).toBe(false);
    expect(thumbnailOf(copy)).not.toBe(t);
    expect(thumbnailOf(copy).b).toEqual(t.b);
    expect([thumbnailOf(copy).g.line, thumbnailOf(copy).g.pace]).toEqual([t.g.line, t.g.pace]);
  });

  it('windows group by family and kind: the main family first, current apart, past oldest first', () => {
    const other: HistoryWindow = { ...FIVE_H, limitId: 'codex_other', limitName: 'gpt-5.5-mini' };
    const groups = groupWindows([other, ...pastWindows(), WEEKLY, FIVE_H]);
    expect(groups.map((g) => g.key)).toEqual(['codex:primary', 'codex:secondary', 'codex_other:primary']);
    expect(groups[0]?.current).toBe(FIVE_H);
    const resets = groups[0]?.past.map((w) => w.resetsAt) ?? [];
    expect(resets).toEqual([...resets].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(resets).toHaveLength(3);
  });

  it('days stack by project, largest at the bottom; past six series the rest fold into one', () => {
    const day = (d: string, projects: Array<[string | null, number]>): HistoryDay => ({
      day: d,
      tokens: projects.reduce((s, [, t]) => s + t, 0),
      cachedInput: 0,
      cost: { usd: null, status: 'unavailable', unpriced: [] },
      projects: projects.map(([project, tokens]) => ({
        project,
        tokens,
        cachedInput: 0,
        cost: { usd: null, status: 'unavailable', unpriced: [] },
      })),
      source: 'recorded',
    });
    const two = stackDays([
      day('2026-11-20', [['a', 10]]),
      day('2026-11-21', [
        ['b', 30],
        ['a', 5],
        [null, 1],
      ]),
    ]);
    expect(two.series.map((s) => [s.label, s.total])).toEqual([
      ['b', 30],
      ['a', 15],
      ['No project', 1],
    ]);
    expect(two.days[1]?.segments.map((s) => [s.key, s.y0, s.y1])).toEqual([
      ['b', 0, 30],
      ['a', 30, 35],
      ['\u0000none', 35, 36],
    ]);
    expect(two.max).toBe(36);
    const many = stackDays([
      day(
        '2026-11-21',
        ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'].map((p, i): [string, number] => [p, 100 - i]),
      ),
    ]);
    expect(many.series.map((s) => s.label)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'Other projects']);
    expect(many.series.at(-1)).toEqual({ key: OTHER_KEY, label: 'Other projects', total: 95 + 94 + 93 });
    expect(many.days[0]?.segments.reduce((s, x) => s + x.tokens, 0)).toBe(many.days[0]?.total);
    // A day whose total is above its projects' sum keeps Codex's total.
    const short = stackDays([{ ...day('2026-11-21', [['a', 10]]), tokens: 12 }]);
    expect(short.days[0]?.total).toBe(12);
  });

  it('axis maxima are round; day labels and grouped numbers read as people write them', () => {
    expect([niceMax(0), niceMax(0.3), niceMax(152_000), niceMax(200_000), niceMax(201_000), niceMax(7)]).toEqual([
      1, 0.5, 200_000, 200_000, 500_000, 10,
    ]);
    expect(dayLabel('2026-11-21')).toBe('Sat 21 Nov');
    expect(dayLabel('2026-11-21', true)).toBe('21 Nov');
    expect(dayLabel('junk')).toBe('junk');
    expect([fullNumber(0), fullNumber(999), fullNumber(1000), fullNumber(1234567.4), fullNumber(-1500)]).toEqual([
      '0',
      '999',
      '1,000',
      '1,234,567',
      '-1,500',
    ]);
  });
});

describe('the cost view of the day chart', () => {
  const day = (tokens: number, cost: HistoryDay['cost']): HistoryDay => ({
    day: '2026-11-21',
    tokens,
    cachedInput: 0,
    cost,
    projects: [],
    source: 'recorded',
  });
  const exact = day(100, { usd: 0.771, status: 'exact', unpriced: [] });
  const partial = day(100, { usd: 0.5, status: 'partial', unpriced: ['x-model'] });
  const none = day(100, { usd: null, status: 'unavailable', unpriced: ['unknown model'] });
  const empty = day(0, { usd: 0, status: 'exact', unpriced: [] });

  it('a bar is the priced dollars; an unavailable day has none, never a guess', () => {
    expect([exact, partial, none, empty].map(costBar)).toEqual([0.771, 0.5, null, 0]);
    // Even an unavailable figure carrying a number draws nothing.
    expect(costBar(day(1, { usd: 3, status: 'unavailable', unpriced: ['y'] }))).toBeNull();
  });

  it('the axis tops out at a round figure over the largest bar; 1 when nothing is priced', () => {
    expect(costMax([exact, partial, none])).toBe(1);
    expect(costMax([day(1, { usd: 12.3, status: 'exact', unpriced: [] })])).toBe(20);
    expect(costMax([none, empty])).toBe(1);
  });

  it('each day in words, by basis', () => {
    expect(costDayText(exact, 'apiEquivalent')).toBe('Sat 21 Nov: API-equivalent value ≈ $0.771');
    expect(costDayText(partial, 'api')).toBe('Sat 21 Nov: cost ≥ $0.500, partial: no price for x-model');
    expect(costDayText(none, 'api')).toBe('Sat 21 Nov: cost unavailable, no price for unknown model');
    expect(costDayText(empty, 'api')).toBe('Sat 21 Nov: no tokens');
  });
});
