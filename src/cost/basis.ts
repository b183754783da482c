import type { CostBasis, CostInfo } from '../contract/index.js';
import { isObject } from '../codex/json.js';
import { PRICES_AS_OF } from './catalog.js';

/**
 * Whether the config names a ChatGPT plan: `openai_plan.mode: "manual"` (the
 * Rust tool's key; its `auto` takes the plan from Codex, as we do).
 */
export function planConfigured(raw: Readonly<Record<string, unknown>> | null): boolean {
  const plan = raw?.openai_plan;
  return isObject(plan) && plan.mode === 'manual';
}

/**
 * Whether a cost is a bill: a ChatGPT plan (a plan type in the limits, or one
 * configured) pays a subscription, so its tokens' cost is an "API-equivalent
 * value"; without a plan the tokens are billed per token (an API key), a "cost".
 */
export function costBasis(planType: string | null, configured: boolean): CostBasis {
  return planType !== null || configured ? 'apiEquivalent' : 'api';
}

export function costInfo(planType: string | null, configured: boolean): CostInfo {
  return { basis: costBasis(planType, configured), pricesAsOf: PRICES_AS_OF };
}
