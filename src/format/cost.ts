import type { CostBasis, CostFigure } from '../contract/index.js';

/**
 * Costs in words (issue 24 §1), for every view: `$1.23`, a partial figure as
 * a lower bound `≥ $1.23`, and never a number for an unavailable one. Pure.
 */

/** Dollars: cents from $1 up, a tenth of a cent below, `<$0.001` for a trace. */
export function usdText(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.001) return '<$0.001';
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `$1.23`, `≥ $1.23` (partial) or `unavailable`. */
export function costText(figure: CostFigure): string {
  if (figure.status === 'unavailable' || figure.usd === null) return 'unavailable';
  return figure.status === 'partial' ? `≥ ${usdText(figure.usd)}` : usdText(figure.usd);
}

/** Which models a partial or unavailable figure leaves out, for a note: `no price for x, y`. */
export function unpricedText(figure: CostFigure): string | null {
  return figure.unpriced.length === 0 ? null : `no price for ${figure.unpriced.join(', ')}`;
}

/** What the figure is called: a ChatGPT plan's tokens are an API-equivalent value, never a bill. */
export function basisText(basis: CostBasis): string {
  return basis === 'apiEquivalent' ? 'API-equivalent value' : 'cost';
}

/** The same as a title or a column heading: `API-equivalent value`, `Cost`. */
export function basisTitle(basis: CostBasis): string {
  const name = basisText(basis);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/**
 * A figure named by what it is, for a tooltip or an accessible name:
 * `API-equivalent value ≈ $1.01` (a ChatGPT plan), `cost ≈ $1.01` (an API key),
 * `cost ≥ $0.42` (partial: a lower bound), `cost unavailable` (never a number).
 * An exact figure reads `≈`: it is the tokens at list prices, rounded, not an invoice.
 */
export function costPhrase(figure: CostFigure, basis: CostBasis): string {
  const name = basisText(basis);
  if (figure.status === 'unavailable' || figure.usd === null) return `${name} unavailable`;
  return figure.status === 'partial' ? `${name} ≥ ${usdText(figure.usd)}` : `${name} ≈ ${usdText(figure.usd)}`;
}

/** Where the prices come from, as every view says it: `API prices as of 2026-09-23`. */
export function pricesAsOfText(pricesAsOf: string): string {
  return `API prices as of ${pricesAsOf}`;
}
