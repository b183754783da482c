import type { CostFigure, ModelTokens } from '../contract/index.js';
import { ratesFor, type PricingConfig } from '../cost/pricing.js';
import { costOf } from '../cost/rule.js';
import { MAX_TOKENS } from '../ranges/ranges.js';
import { MAX_MODELS_PER_DAY, toSplit, type DayTokens, type ModelSplit } from './records.js';

/**
 * A rollout's usage on one day: `[tokens, cachedInput, byModel]`. `byModel`
 * holds what of it is known by model; what of `tokens` it does not hold
 * (lines written before the split) has no model (`unsplitTokens`).
 */
export type DayCell = [number, number, ModelTokens[]];

/** The tokens of a cell (or a day's sum of cells) that no model is known for. */
export function unsplitTokens(tokens: number, cached: number, models: readonly ModelTokens[]): ModelTokens | null {
  let shown = 0;
  let c = 0;
  for (const m of models) {
    shown += m.input + m.output;
    c += m.cachedInput;
  }
  const rest = Math.max(0, tokens - shown);
  const restCached = Math.max(0, cached - c);
  return rest === 0 && restCached === 0 ? null : { model: null, input: rest, cachedInput: restCached, output: 0 };
}

/** Adds `add`'s models into `into` (saturating as the cells do). */
export function addSplit(into: ModelTokens[], add: readonly ModelTokens[]): void {
  for (const m of add) {
    const cell = into.find((x) => x.model === m.model);
    if (cell === undefined) into.push({ ...m });
    else {
      cell.input = Math.min(MAX_TOKENS, cell.input + m.input);
      cell.cachedInput = Math.min(MAX_TOKENS, cell.cachedInput + m.cachedInput);
      cell.output = Math.min(MAX_TOKENS, cell.output + m.output);
    }
  }
}

/** Tokens summed with their split by model; what is not split has no model, and no price. */
export class Tally {
  tokens = 0;
  cachedInput = 0;
  readonly models: ModelTokens[] = [];

  add([tokens, cached, models]: DayCell): void {
    this.tokens += tokens;
    this.cachedInput += cached;
    addSplit(this.models, models);
  }

  cost(pricing: PricingConfig): CostFigure {
    const rest = unsplitTokens(this.tokens, this.cachedInput, this.models);
    return costOf(rest === null ? this.models : [...this.models, rest], (m) => ratesFor(m, pricing));
  }
}

/** A cell's `DayTokens` entry: the split written only when it has one. */
export function dayTokens(day: string, cell: DayCell): DayTokens {
  const split = checkedSplit(cell);
  return split === null ? [day, cell[0], cell[1]] : [day, cell[0], cell[1], split];
}

/**
 * A cell's split by model as the file holds it, or null for none. Written
 * only when it adds up to the cell's figures, as the reader requires
 * (schema.ts): sums that saturated at MAX_TOKENS, or more models than an
 * entry holds, leave the cell's tokens without a model.
 */
export function checkedSplit([t, c, models]: DayCell): ModelSplit[] | null {
  const split = toSplit(models);
  if (split === null || split.length > MAX_MODELS_PER_DAY) return null;
  let shown = 0;
  let cached = 0;
  for (const [, input, cachedInput, output] of split) {
    shown += input + output;
    cached += cachedInput;
  }
  return shown === t && cached === c ? split : null;
}
