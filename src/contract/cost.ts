/**
 * What the tokens cost (issue 24 §1): the shape every place that shows a cost
 * reads (status, history, the popover, Discord). The rule that fills it is
 * `src/cost/rule.ts`, documented in docs/cost.md. Types only.
 */

/**
 * One model's share of some usage: the figures a price applies to. `input` is
 * non-cached input (Codex's `input_tokens` less `cached_input_tokens`, which
 * it already includes), `output` includes reasoning, as Codex reports it.
 * `model` is null when no turn_context named one.
 */
export interface ModelTokens {
  model: string | null;
  input: number;
  cachedInput: number;
  output: number;
}

/**
 * - `exact`: every model in the usage is priced; `usd` is the cost.
 * - `partial`: some tokens are of a model without a price (named in
 *   `unpriced`): `usd` is what the priced ones cost, a lower bound ("≥ $x").
 * - `unavailable`: nothing could be priced (or nothing says which model):
 *   `usd` is null. Never a guess shown as a number.
 */
export type CostStatus = 'exact' | 'partial' | 'unavailable';

export interface CostFigure {
  usd: number | null;
  status: CostStatus;
  /** The models whose tokens have no price ("unknown model" when none was named), sorted. */
  unpriced: string[];
}

/**
 * What a cost means for this account: a ChatGPT plan pays a subscription, so
 * its figure is the API-equivalent value of the tokens, never a bill
 * (`apiEquivalent`); an API key pays per token, so it is the cost (`api`).
 */
export type CostBasis = 'apiEquivalent' | 'api';

/** Today's tokens and their cost, from usage history (the popover's "Today" line; `AppState.today`). */
export interface TodayUsage {
  /** The local day, YYYY-MM-DD. */
  day: string;
  /** Codex's display figure, as `HistoryDay.tokens`; every token once. */
  tokens: number;
  cachedInput: number;
  cost: CostFigure;
}

/** How every cost in a snapshot or a history view is to be read. */
export interface CostInfo {
  basis: CostBasis;
  /** The day the bundled prices are as of (YYYY-MM-DD). */
  pricesAsOf: string;
}
