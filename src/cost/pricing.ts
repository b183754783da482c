import { isObject } from '../ranges/json.js';
import { LineCheck } from '../ranges/ranges.js';
import { quotedJson } from '../format/quoted.js';
import type { CostFigure, ModelTokens } from '../contract/index.js';
import { planConfigured } from './basis.js';
import { costOf } from './rule.js';
import { catalogRates, type Rates } from './catalog.js';

/**
 * The shared config's `pricing` (the Rust tool's shape, kept byte-for-byte by
 * the file writer, which does not own it):
 *
 * ```json
 * "pricing": {
 *   "aliases": { "my-proxy-model": "gpt-5.5" },
 *   "overrides": { "gpt-5.5": { "input_per_million": 5, "cached_input_per_million": 0.5, "output_per_million": 30 } }
 * }
 * ```
 *
 * A read-only reading beside the settings table (no settings-window control
 * edits it, so it has no row there): values are ranged as they enter, and a
 * hostile one is a problem reported and left out, never a crash.
 */
export interface PricingConfig {
  /** Normalised model name → the normalised model whose price it takes. */
  aliases: ReadonlyMap<string, string>;
  /** Normalised model name → its price, US dollars per million tokens. */
  overrides: ReadonlyMap<string, Rates>;
}

export interface PricingReading {
  pricing: PricingConfig;
  /** One sentence per value left out. */
  problems: string[];
}

export const NO_PRICING: PricingConfig = { aliases: new Map(), overrides: new Map() };

/** At most this many aliases and overrides are read: a config is a person's, not a catalog. */
const MAX_ENTRIES = 256;

/**
 * A model's name as prices know it: trimmed, lower case, and a `gpt-…-fast`
 * is the same model served faster (the Rust tool's `normalize_model_key`).
 */
export function modelKey(model: string): string {
  const key = model.trim().toLowerCase();
  return key.startsWith('gpt-') && key.endsWith('-fast') ? key.slice(0, -'-fast'.length) : key;
}

/** What pricing takes from the config file: `pricing`, and whether `openai_plan` names a ChatGPT plan. */
export interface CostConfig {
  pricing: PricingConfig;
  planConfigured: boolean;
}

export const CATALOG_ONLY: CostConfig = { pricing: NO_PRICING, planConfigured: false };

/** The config file's cost keys (`LoadedConfig.raw`), read once, with the problems of `pricing`. */
export function costConfig(raw: Readonly<Record<string, unknown>> | null): CostConfig & { problems: string[] } {
  const { pricing, problems } = readPricing(raw);
  return { pricing, planConfigured: planConfigured(raw), problems };
}

/** How a snapshot's sessions are priced: the catalog and the config's `pricing` (the engine's `toWire`). */
export function pricer(config: CostConfig): (usage: readonly ModelTokens[]) => CostFigure {
  return (usage) => costOf(usage, (model) => ratesFor(model, config.pricing));
}

/** Reads `pricing` from the parsed config file (`LoadedConfig.raw`; null: no usable file). */
export function readPricing(raw: Readonly<Record<string, unknown>> | null): PricingReading {
  const problems: string[] = [];
  const value = raw?.pricing;
  if (value === undefined || value === null) return { pricing: NO_PRICING, problems };
  if (!isObject(value)) {
    problems.push(`pricing was ${quotedJson(value)}, not an object: no aliases or overrides are used`);
    return { pricing: NO_PRICING, problems };
  }
  const check = new LineCheck(0);
  const aliases = new Map<string, string>();
  for (const [from, to] of entries(value.aliases, 'pricing.aliases', problems)) {
    const key = name(from, check);
    const target = typeof to === 'string' ? name(to, check) : null;
    if (key === null || target === null || key === target) {
      problems.push(`pricing.aliases ${quotedJson(from)}: ${quotedJson(to)} is not another model's name; left out`);
      continue;
    }
    aliases.set(key, target);
  }
  const overrides = new Map<string, Rates>();
  for (const [model, rates] of entries(value.overrides, 'pricing.overrides', problems)) {
    const key = name(model, check);
    const read = isObject(rates) ? overrideRates(rates, check) : null;
    if (key === null || read === null) {
      problems.push(
        `pricing.overrides ${quotedJson(model)} needs input_per_million and output_per_million (dollars, 0 to 10⁹), and cached_input_per_million if given; left out`,
      );
      continue;
    }
    overrides.set(key, read);
  }
  return { pricing: { aliases, overrides }, problems };
}

function entries(v: unknown, where: string, problems: string[]): Array<[string, unknown]> {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) {
    problems.push(`${where} was ${quotedJson(v)}, not an object; left out`);
    return [];
  }
  const all = Object.entries(v);
  if (all.length > MAX_ENTRIES)
    problems.push(`${where} has ${all.length} entries: only the first ${MAX_ENTRIES} are read`);
  return all.slice(0, MAX_ENTRIES);
}

function name(raw: string, check: LineCheck): string | null {
  const text = check.text(raw);
  const key = text === null ? '' : modelKey(text);
  return key === '' ? null : key;
}

/** The Rust tool's override: input and output required, cached input optional (its input price then, as unpriced caching bills). */
function overrideRates(v: Readonly<Record<string, unknown>>, check: LineCheck): Rates | null {
  const input = check.rate(v.input_per_million);
  const output = check.rate(v.output_per_million);
  const cachedGiven = v.cached_input_per_million !== undefined && v.cached_input_per_million !== null;
  const cachedInput = cachedGiven ? check.rate(v.cached_input_per_million) : input;
  if (input === null || output === null || cachedInput === null) return null;
  return { input, cachedInput, output };
}

/**
 * The price of `model`: its override, else its alias's override or catalog
 * price, else the catalog's own (the Rust tool's order). Null: unpriced.
 */
export function ratesFor(model: string | null, pricing: PricingConfig): Rates | null {
  if (model === null) return null;
  const key = modelKey(model);
  if (key === '') return null;
  const override = pricing.overrides.get(key);
  if (override !== undefined) return override;
  const alias = pricing.aliases.get(key);
  if (alias !== undefined) {
    const aliased = pricing.overrides.get(alias) ?? catalogRates(alias);
    if (aliased !== null) return aliased;
  }
  return catalogRates(key);
}
