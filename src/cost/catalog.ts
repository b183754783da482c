import { calcPrice, type TieredPrices } from '@pydantic/genai-prices';

/**
 * The price catalog: `@pydantic/genai-prices`, whose data ships inside the
 * package and so inside our bundles. It is never asked to update
 * (`updatePrices` is never called), so no price is fetched at run time
 * (issue 24 §1; test/cost/offline.test.ts runs the built CLI with every
 * network call made to throw).
 */

export { CATALOG_VERSION, PRICES_AS_OF } from './asOf.js';

/** US dollars per million tokens. */
export interface Rates {
  input: number;
  cachedInput: number;
  output: number;
}

const cache = new Map<string, Rates | null>();

/**
 * The catalog's OpenAI prices for `model` (already normalised), or null when
 * it has none. A long-context tier (gpt-5.4 and gpt-5.5 above 272K input
 * tokens in one request) is not applied: Codex's context window for them is
 * below that threshold, so no request of a Codex session reaches it
 * (docs/cost.md). A model without a cached-input price bills cached input
 * at its input price, as OpenAI does for models without prompt caching.
 */
export function catalogRates(model: string): Rates | null {
  const hit = cache.get(model);
  if (hit !== undefined) return hit;
  const found = calcPrice({ input_tokens: 0 }, model, { providerId: 'openai' });
  let rates: Rates | null = null;
  if (found !== null && found.provider.id === 'openai') {
    const p = found.model_price;
    const input = base(p.input_mtok);
    const output = base(p.output_mtok);
    if (input !== null && output !== null) rates = { input, cachedInput: base(p.cache_read_mtok) ?? input, output };
  }
  cache.set(model, rates);
  return rates;
}

function base(price: number | TieredPrices | undefined): number | null {
  if (typeof price === 'number') return Number.isFinite(price) && price >= 0 ? price : null;
  // Tiered prices are plain `{ base, tiers }` objects in the bundled data.
  if (typeof price === 'object' && price !== null) {
    const b: unknown = price.base;
    return typeof b === 'number' && Number.isFinite(b) && b >= 0 ? b : null;
  }
  return null;
}
