import { describe, expect, it } from 'vitest';
import type { CostFigure } from '../../src/contract/index.js';
import { basisTitle, costPhrase, costText, pricesAsOfText } from '../../src/format/cost.js';

const exact: CostFigure = { usd: 0.42, status: 'exact', unpriced: [] };
const partial: CostFigure = { usd: 0.42, status: 'partial', unpriced: ['my-model'] };
const none: CostFigure = { usd: null, status: 'unavailable', unpriced: ['unknown model'] };

describe('costPhrase: a figure named by its basis', () => {
  it.each([
    [exact, 'apiEquivalent', 'API-equivalent value ≈ $0.420'],
    [exact, 'api', 'cost ≈ $0.420'],
    [partial, 'apiEquivalent', 'API-equivalent value ≥ $0.420'],
    [partial, 'api', 'cost ≥ $0.420'],
    [none, 'apiEquivalent', 'API-equivalent value unavailable'],
    [none, 'api', 'cost unavailable'],
  ] as const)('%o on %s → %s', (figure, basis, text) => expect(costPhrase(figure, basis)).toBe(text));

  it('a ChatGPT plan is never called a cost, and an unavailable figure never carries a number', () => {
    for (const f of [exact, partial, none]) expect(costPhrase(f, 'apiEquivalent')).not.toMatch(/\bcost\b/);
    expect(costPhrase(none, 'api')).not.toMatch(/\d/);
    // The same number as costText, with its sign of trust.
    expect(costPhrase(exact, 'api')).toContain(costText(exact));
    expect(costPhrase(partial, 'api')).toContain(costText(partial));
  });

  it('basisTitle: the name as a heading', () => {
    expect(basisTitle('apiEquivalent')).toBe('API-equivalent value');
    expect(basisTitle('api')).toBe('Cost');
  });

  it('pricesAsOfText', () => expect(pricesAsOfText('2026-09-23')).toBe('API prices as of 2026-09-23'));
});
