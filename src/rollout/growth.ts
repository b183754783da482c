import { blendedTotal, subtractUsage, ZERO_USAGE } from './decode/tokenUsage.js';
import type { TokenUsage } from './types.js';

/**
 * What one usage line (a token_count's cumulative total and last request)
 * adds to a session: the one rule the live session model and usage history
 * both count by (issue 22 §1).
 *
 * - The first total counts whole; a fork's first total includes its
 *   parent's (SCHEMA.md §11), so only what it did not inherit counts.
 * - A total that goes down re-baselines (older Codex restarts it on resume,
 *   a context overflow can reset it): the line's own request counts.
 * - An unchanged total is a rate-limit-only update or a compaction: not a
 *   request, and nothing counts.
 * - Otherwise the growth of the total counts.
 *
 * Figures are Codex's display figure (`blendedTotal`: non-cached input plus
 * output, issue 12 §1), with cached input apart.
 */
export type UsageStep =
  | { kind: 'unchanged' }
  | {
      kind: 'first' | 'grew' | 'restarted';
      /** The request this line reports (last_token_usage, or what the total says it was). */
      request: TokenUsage;
      /** What it adds, in Codex's display figure. */
      shown: number;
      /** What it adds to cached input. */
      cached: number;
      /**
       * `shown` split for pricing (issue 24 §1): non-cached input and output
       * (reasoning included). `input + output === shown` always.
       */
      input: number;
      output: number;
    };

/**
 * `previous`: the last total counted (null before the first); `inherited`:
 * the part of the totals a fork inherited (null: none), see `inheritedBy`.
 */
export function usageStep(
  previous: TokenUsage | null,
  total: TokenUsage,
  last: TokenUsage | null,
  inherited: TokenUsage | null,
): UsageStep {
  if (previous === null) {
    const mine = own(total, inherited);
    const shown = blendedTotal(mine);
    return { kind: 'first', request: last ?? mine, shown, cached: mine.cachedInput, ...split(shown, mine.output) };
  }
  if (total.total === previous.total) return { kind: 'unchanged' };
  if (total.total < previous.total) {
    // A restarted counter holds nothing a fork inherited: the caller drops it.
    const request = last ?? { ...ZERO_USAGE };
    const shown = Math.min(blendedTotal(request), blendedTotal(total));
    return {
      kind: 'restarted',
      request,
      shown,
      cached: Math.min(request.cachedInput, total.cachedInput),
      ...split(shown, Math.min(request.output, total.output)),
    };
  }
  const shown = Math.max(0, blendedTotal(own(total, inherited)) - blendedTotal(own(previous, inherited)));
  return {
    kind: 'grew',
    // Builds without last_token_usage: the growth of the total is the request.
    request: last ?? subtractUsage(total, previous),
    shown,
    cached: Math.max(0, total.cachedInput - previous.cachedInput),
    ...split(shown, total.output - previous.output),
  };
}

/** `shown` as non-cached input and output, the output part clamped into it so the two always sum to it. */
function split(shown: number, output: number): { input: number; output: number } {
  const out = Math.min(shown, Math.max(0, output));
  return { input: shown - out, output: out };
}

/** What of `u` is the session's own: all of it, or what a fork did not inherit. */
function own(u: TokenUsage, inherited: TokenUsage | null): TokenUsage {
  return inherited === null ? u : subtractUsage(u, inherited);
}

/**
 * What a fork inherited, from its first usage line: everything but its own
 * first request is the parent's. Without last_token_usage that request cannot
 * be told apart, so the whole total counts as inherited: one request too few
 * rather than the parent's whole session too many.
 */
export function inheritedBy(firstTotal: TokenUsage, firstLast: TokenUsage | null): TokenUsage {
  return firstLast === null ? firstTotal : subtractUsage(firstTotal, firstLast);
}

/**
 * Whether a fork's first own `token_usage_record` finds usage already
 * counted, which was then its parent's, replayed. A fork of a paginated
 * session (0.169+, `history_base`) copies no lines, and Codex writes a
 * record of the fork's thread before each of its own token counts. A fork
 * of an older session (0.171 forking a 0.100 one, issue 24 §3) copies the
 * parent's lines first, token counts included and stamped anew (and
 * `migrate-rollouts` keeps them, dropping the copy of the parent's
 * session_meta that marked them): the first own record is the one sign
 * left of where the parent's lines end. Everything counted before it is
 * inherited.
 */
export function replayedBy(fork: boolean, usageCounted: boolean): boolean {
  return fork && usageCounted;
}
