import type { TokenUsage } from '../types.js';
import { isObject } from '../../ranges/json.js';
import type { LineCheck } from '../../ranges/ranges.js';

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({
  input: 0,
  cachedInput: 0,
  output: 0,
  reasoningOutput: 0,
  total: 0,
});

/**
 * Normalises Codex's TokenUsage. `total_tokens` is input + output; when a build
 * omits it we derive it the same way rather than showing 0. One negative,
 * fractional or absurd counter makes the whole usage unknown (null): a
 * partly-trusted usage would mix real and broken numbers.
 */
export function parseTokenUsage(raw: unknown, check: LineCheck): TokenUsage | null {
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) return check.flag(null);
  const input = check.tokens(raw.input_tokens);
  const cachedInput = check.tokens(raw.cached_input_tokens);
  const output = check.tokens(raw.output_tokens);
  const reasoningOutput = check.tokens(raw.reasoning_output_tokens);
  const hasTotal = raw.total_tokens !== undefined && raw.total_tokens !== null;
  const total = hasTotal ? check.tokens(raw.total_tokens) : null;
  if (input === null || cachedInput === null || output === null || reasoningOutput === null) return null;
  if (hasTotal && total === null) return null;
  return { input, cachedInput, output, reasoningOutput, total: total ?? input + output };
}

/**
 * Codex's display figure: non-cached input plus output (codex-rs
 * `TokenUsage::blended_total`). `/status` prints this as "N total"; cached
 * input appears in no total Codex shows (SCHEMA.md §9, issue 12 §1).
 */
export function blendedTotal(u: TokenUsage): number {
  return Math.max(0, u.input - u.cachedInput) + u.output;
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    cachedInput: a.cachedInput + b.cachedInput,
    output: a.output + b.output,
    reasoningOutput: a.reasoningOutput + b.reasoningOutput,
    total: a.total + b.total,
  };
}

/** `a − b` field by field, never below 0: what `a` holds beyond `b`. */
export function subtractUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: Math.max(0, a.input - b.input),
    cachedInput: Math.max(0, a.cachedInput - b.cachedInput),
    output: Math.max(0, a.output - b.output),
    reasoningOutput: Math.max(0, a.reasoningOutput - b.reasoningOutput),
    total: Math.max(0, a.total - b.total),
  };
}
