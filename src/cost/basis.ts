import type { CostBasis, CostInfo } from '../contract/index.js';
import { isObject } from '../ranges/json.js';
import { PRICES_AS_OF } from './asOf.js';

/**
 * Whether the config names a ChatGPT plan: `openai_plan.mode: "manual"` (the
 * Rust tool's key; its `auto` takes the plan from Codex, as we do).
 */
export function planConfigured(raw: Readonly<Record<string, unknown>> | null): boolean {
  const plan = raw?.openai_plan;
  return isObject(plan) && plan.mode === 'manual';
}

/**
 * Whether a cost is a bill: a ChatGPT plan (`onPlan`: a plan type or rate
 * limits seen, or a plan configured) pays a subscription, so its tokens'
 * cost is an "API-equivalent value"; without a plan the tokens are billed
 * per token (an API key), a "cost".
 */
export function costBasis(onPlan: boolean): CostBasis {
  return onPlan ? 'apiEquivalent' : 'api';
}

export function costInfo(onPlan: boolean): CostInfo {
  return { basis: costBasis(onPlan), pricesAsOf: PRICES_AS_OF };
}
