import type { CostInfo, TodayUsage } from '../../../src/contract/index.js';
import { costPhrase, pricesAsOfText, unpricedText } from '../../../src/format/cost.js';
import { compactNumber } from '../../../src/format/numbers.js';
import { fullNumber } from '../history/series.js';

/**
 * "Today: 152k tokens · API-equivalent value ≈ $1.01": today's tokens and what
 * they cost, from main's history (`AppState.today`), in the footer's quiet
 * type so it never pushes the limits down. The prices' date and the models
 * left unpriced are in its tooltip, and said to screen readers. Nothing before
 * history has opened (null).
 */
export function TodayLine({ today, cost }: { today: TodayUsage | null; cost: CostInfo }) {
  if (today === null) return null;
  if (today.tokens === 0 && today.cachedInput === 0) {
    return (
      <p className="footer-note today-line" data-testid="today">
        <span data-testid="today-shown">Today: no tokens yet</span>
      </p>
    );
  }
  const said = costPhrase(today.cost, cost.basis);
  const unpriced = unpricedText(today.cost);
  const more = `${unpriced === null ? '' : `, ${unpriced}`}, at ${pricesAsOfText(cost.pricesAsOf)}`;
  return (
    <p
      className="footer-note today-line"
      data-testid="today"
      title={`Today: ${fullNumber(today.tokens)} tokens, ${fullNumber(today.cachedInput)} cached input; ${said}${more}`}
    >
      <span data-testid="today-shown">
        Today: {compactNumber(today.tokens)} tokens · {said}
      </span>
      <span className="sr-only">{more}</span>
    </p>
  );
}
