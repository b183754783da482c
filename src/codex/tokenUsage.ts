import type { TokenUsage } from './types.js';
import { isObject, num } from './json.js';

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({
  input: 0,
  cachedInput: 0,
  output: 0,
  reasoningOutput: 0,
  total: 0,
});

/**
 * Normalises Codex's TokenUsage. `total_tokens` is input + output; when a build
 * omits it we derive it the same way rather than showing 0.
 */
export function parseTokenUsage(raw: unknown): TokenUsage | null {
  if (!isObject(raw)) return null;
  const input = num(raw.input_tokens) ?? 0;
  const output = num(raw.output_tokens) ?? 0;
  const total = num(raw.total_tokens) ?? input + output;
  return {
    input,
    cachedInput: num(raw.cached_input_tokens) ?? 0,
    output,
    reasoningOutput: num(raw.reasoning_output_tokens) ?? 0,
    total,
  };
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
