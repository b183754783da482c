import { describe, expect, it } from 'vitest';
import type { HistoryWindowUsage } from '../../src/contract/index.js';
import {
  windowSoFarPhrase,
  windowSoFarText,
  windowTokensFigure,
  windowTokensText,
  windowUsagePhrase,
} from '../../src/format/window.js';

// How a window's usage reads in the History tab (issue 24 §1, per window). Times are local, built so here too.
const whole: HistoryWindowUsage = {
  tokens: 412_000,
  cachedInput: 1_250_000,
  cost: { usd: 2.06, status: 'exact', unpriced: [] },
  complete: true,
  countingStartedAt: null,
};
const fromNoon = new Date(2026, 10, 21, 13, 0).getTime();
const partway: HistoryWindowUsage = {
  ...whole,
  cost: { usd: 2.06, status: 'partial', unpriced: [] },
  complete: false,
  countingStartedAt: fromNoon,
};
const grouped = (n: number): string => n.toLocaleString('en-US');

describe('window usage wording', () => {
  it('windowTokensFigure: the tokens alone, a lower bound marked, in the digits asked for', () => {
    expect(windowTokensFigure(whole)).toBe('412k');
    expect(windowTokensFigure(partway)).toBe('≥ 412k');
    expect(windowTokensFigure(partway, grouped)).toBe('≥ 412,000');
    // The same rule as the sentence that names the tokens.
    expect(windowTokensText(partway)).toBe(`${windowTokensFigure(partway)} tokens`);
  });

  it('windowSoFarText: the current window’s figures, and since when if counted from partway in', () => {
    expect(windowSoFarText(whole)).toBe('412k tokens · $2.06 so far');
    expect(windowSoFarText(partway)).toBe('≥ 412k tokens · ≥ $2.06 so far, counted from 21 Nov 13:00');
  });

  it('windowSoFarPhrase: the same named by its basis, for an accessible name', () => {
    expect(windowSoFarPhrase(whole, 'apiEquivalent')).toBe('so far 412k tokens, API-equivalent value ≈ $2.06');
    expect(windowSoFarPhrase(partway, 'api')).toBe('so far ≥ 412k tokens, cost ≥ $2.06, counted from 21 Nov 13:00');
    expect(windowSoFarPhrase(partway, 'api')).toBe(`so far ${windowUsagePhrase(partway, 'api')}`);
  });
});
