import type { CostFigure, ModelTokens } from '../contract/index.js';
import type { Rates } from './catalog.js';

/**
 * The cost rule (issue 24 §1, docs/cost.md). Pure.
 *
 *   cost = non-cached input × input price + cached input × cached price + output × output price
 *
 * per model, prices per million tokens. `ModelTokens.input` is already
 * non-cached (Codex's `input_tokens` includes `cached_input_tokens`: billing
 * both would count cached input twice), and `output` includes reasoning, as
 * Codex reports it. What the figures hold is the callers': a session's own
 * growth (a fork's inherited tokens are its parent's), a sub-agent's own
 * file, a day's share of each rollout, so every token is priced once.
 */

/** The name `unpriced` gives tokens that no turn_context named a model for. */
export const UNKNOWN_MODEL = 'unknown model';

export const NO_COST: CostFigure = { usd: 0, status: 'exact', unpriced: [] };

export function costOf(usage: readonly ModelTokens[], rates: (model: string | null) => Rates | null): CostFigure {
  let usd = 0;
  let priced = false;
  const unpriced = new Set<string>();
  for (const u of usage) {
    if (u.input === 0 && u.cachedInput === 0 && u.output === 0) continue;
    const r = rates(u.model);
    if (r === null) {
      unpriced.add(u.model ?? UNKNOWN_MODEL);
      continue;
    }
    priced = true;
    usd += (u.input * r.input + u.cachedInput * r.cachedInput + u.output * r.output) / 1_000_000;
  }
  // Whole nano-dollars: sums of float products print as 0.1146, not 0.11460000000000001.
  usd = Math.round(usd * 1e9) / 1e9;
  if (unpriced.size === 0) return { usd, status: 'exact', unpriced: [] };
  return { usd: priced ? usd : null, status: priced ? 'partial' : 'unavailable', unpriced: [...unpriced].sort() };
}

/**
 * Two figures of disjoint usage, as one: exact only when both are. An exact
 * $0 adds nothing, so it changes nothing: a day without use added to tokens
 * of an unpriced model leaves them unavailable, not "at least $0".
 */
export function addCosts(a: CostFigure, b: CostFigure): CostFigure {
  if (a.status === 'exact' && a.usd === 0) return b;
  if (b.status === 'exact' && b.usd === 0) return a;
  const unpriced = [...new Set([...a.unpriced, ...b.unpriced])].sort();
  if (a.status === 'unavailable' && b.status === 'unavailable') return { usd: null, status: 'unavailable', unpriced };
  const usd = Math.round(((a.usd ?? 0) + (b.usd ?? 0)) * 1e9) / 1e9;
  return { usd, status: a.status === 'exact' && b.status === 'exact' ? 'exact' : 'partial', unpriced };
}

/** Adds `add` into the per-model tally `into` (the same model once). */
export function addModelTokens(into: ModelTokens[], add: ModelTokens): void {
  const cell = into.find((m) => m.model === add.model);
  if (cell === undefined) into.push({ ...add });
  else {
    cell.input += add.input;
    cell.cachedInput += add.cachedInput;
    cell.output += add.output;
  }
}
