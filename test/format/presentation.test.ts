import { describe, expect, it } from 'vitest';
import {
  contextLeftText,
  creditsText,
  familyName,
  levelFor,
  liveSessionsText,
  paceText,
  percentLeftText,
  resetText,
  updatedAgo,
  windowLine,
} from '../../src/format/presentation.js';
import { T0, window } from '../support/snapshots.js';

// The one vocabulary of issue #13, shared by the popover, the tray and the terminal view.
describe('presentation vocabulary', () => {
  it('levels: amber below 20 %, red below 5 %', () => {
    expect([levelFor(20), levelFor(19.9), levelFor(5), levelFor(4.9)]).toEqual([
      'normal',
      'warning',
      'warning',
      'critical',
    ]);
  });

  it('"72% left" and the reset line, never "100% left" twice after a rollover', () => {
    expect(percentLeftText(72.4)).toBe('72% left');
    expect(resetText(window(72), T0)).toBe('Resets in 2h 13m · 16:13');
    const rolled = window(100, { rolledOver: true, resetsAt: T0 - 3_600_000 });
    expect(resetText(rolled, T0)).toBe('Reset at 13:00');
    expect(resetText(window(50, { resetsAt: null }), T0)).toBeNull();
  });

  it('pace: on pace, deficit with run-out, reserve lasting to the reset; nothing in the first 3 %', () => {
    const pace = (reservePercent: number, runsOutMin: number | null) =>
      window(50, {
        pace: {
          expectedUsedPercent: 50,
          reservePercent,
          runsOutAt: runsOutMin === null ? null : T0 + runsOutMin * 60_000,
        },
      });
    expect(paceText(pace(0.2, null), T0)).toEqual({ tone: 'ok', text: 'On pace' });
    expect(paceText(pace(-12, 100), T0)).toEqual({ tone: 'deficit', text: '12% in deficit · runs out in 1h 40m' });
    expect(paceText(pace(8, null), T0)).toEqual({ tone: 'reserve', text: '8% in reserve · lasts until reset' });
    expect(paceText(window(50), T0)).toBeNull();
    // 5 min into a 300 min window (1.7 %): too early to say.
    const early = pace(-30, 20);
    early.resetsAt = T0 + 295 * 60_000;
    expect(paceText(early, T0)).toBeNull();
    expect(paceText({ ...pace(-5, 10), rolledOver: true }, T0)).toBeNull();
  });

  it('staleness, credits, context, tray line, family names', () => {
    expect(updatedAgo(T0 - 23 * 60_000, T0)).toBe('updated 23 min ago');
    expect(updatedAgo(T0 - 125 * 60_000, T0)).toBe('updated 2h 5m ago');
    expect(updatedAgo(T0 - 5_000, T0)).toBe('updated just now');
    expect(creditsText({ hasCredits: true, unlimited: false, balance: '17.50' })).toBe('18 credits');
    expect(creditsText({ hasCredits: true, unlimited: false, balance: '1' })).toBe('1 credit');
    expect(creditsText({ hasCredits: true, unlimited: true, balance: null })).toBe('Unlimited credits');
    expect(creditsText({ hasCredits: false, unlimited: false, balance: null })).toBe('No credits');
    expect(contextLeftText(72)).toBe('72% of context left');
    expect(windowLine(window(72), T0)).toBe('5h 72% left · resets 16:13');
    expect(familyName({ limitId: 'codex_other', limitName: null })).toBe('codex_other');
    expect(familyName({ limitId: 'codex_other', limitName: 'gpt-5.5-mini' })).toBe('gpt-5.5-mini');
  });

  it('live sessions: every live one, the working ones, and the ones waiting for an approval apart and first', () => {
    const of = (...statuses: Array<'working' | 'waiting' | 'idle' | 'ended'>) => statuses.map((status) => ({ status }));
    expect(liveSessionsText(of())).toBe('No live session');
    expect(liveSessionsText(of('idle', 'idle'))).toBe('2 live');
    expect(liveSessionsText(of('working', 'idle', 'ended'))).toBe('3 live, 1 working');
    // A session waiting for an approval is counted apart, first (issue 25 §7).
    expect(liveSessionsText(of('working', 'waiting', 'idle'))).toBe('1 needs you · 3 live, 1 working');
    expect(liveSessionsText(of('waiting', 'waiting'))).toBe('2 need you · 2 live');
  });
});
