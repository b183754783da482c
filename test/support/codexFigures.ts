/**
 * Codex's own display figures, computed straight from a rollout's raw JSON and
 * independently of src/: the oracle the token tests compare `status --json` with.
 * The rules are the ones the real TUI was checked against (SCHEMA.md §8, §9).
 */

export interface RawUsage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
}

/** `TokenUsage::blended_total`: what `/status` prints as "N total". */
export function codexFigure(u: RawUsage): number {
  return Math.max(0, u.input_tokens - u.cached_input_tokens) + u.output_tokens;
}

/** `percent_of_context_window_remaining`, rounded as `/status` prints it. */
export function codexContextLeft(window: number, lastRequestTotal: number): number {
  const baseline = 12_000;
  if (window <= baseline) return 0;
  const effective = window - baseline;
  const used = Math.max(0, lastRequestTotal - baseline);
  return Math.round(Math.min(100, Math.max(0, ((effective - used) / effective) * 100)));
}

export interface ExpectedTokens {
  total: number;
  own: number;
  last: number;
  delta: number;
  input: number;
  cachedInput: number;
  output: number;
  reasoningOutput: number;
  processed: number;
}

interface Line {
  type?: string;
  payload?: {
    type?: string;
    turn_token_usage?: RawUsage;
    info?: { total_token_usage?: RawUsage; last_token_usage?: RawUsage } | null;
  };
}

/**
 * The figures of a plain rollout (not a fork) that writes token_usage_record
 * lines, as 0.169 does: the total of the last token_count, the growth since
 * the distinct total before it, and the last turn from turn_token_usage.
 */
export function expectedTokens(text: string): ExpectedTokens & { lastRequest: RawUsage } {
  const totals: RawUsage[] = [];
  let lastRequest: RawUsage | null = null;
  let turn: RawUsage | null = null;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const l = JSON.parse(raw) as Line;
    if (l.type === 'token_usage_record' && l.payload?.turn_token_usage !== undefined) turn = l.payload.turn_token_usage;
    const info = l.type === 'event_msg' && l.payload?.type === 'token_count' ? l.payload.info : null;
    if (info?.total_token_usage === undefined) continue;
    if (totals.at(-1)?.total_tokens !== info.total_token_usage.total_tokens) totals.push(info.total_token_usage);
    lastRequest = info.last_token_usage ?? lastRequest;
  }
  const final = totals.at(-1);
  if (final === undefined || turn === null || lastRequest === null) throw new Error('not a 0.169 rollout with usage');
  const before = totals.at(-2);
  return {
    total: codexFigure(final),
    // Not a fork: everything in the file is its own.
    own: codexFigure(final),
    last: codexFigure(turn),
    delta: codexFigure(final) - (before === undefined ? 0 : codexFigure(before)),
    input: final.input_tokens,
    cachedInput: final.cached_input_tokens,
    output: final.output_tokens,
    reasoningOutput: final.reasoning_output_tokens,
    processed: final.total_tokens,
    lastRequest,
  };
}

/** A raw TokenUsage with `total_tokens = input + output`, as Codex writes it. */
export function rawUsage(input: number, cached: number, output: number, reasoning = 0): RawUsage {
  return {
    input_tokens: input,
    cached_input_tokens: cached,
    output_tokens: output,
    reasoning_output_tokens: reasoning,
    total_tokens: input + output,
  };
}

/** Field by field sum (a running total after one more request). */
export function plus(a: RawUsage, b: RawUsage): RawUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/**
 * A fork's figures from its raw lines (SCHEMA.md §11, issue 24 §2): Codex's
 * `/status` shows the file's running total (`total`, 0 before any usage line);
 * its own growth is that less what it inherited, its first usage line's total
 * minus that line's last request.
 */
export function expectedForkTokens(text: string): { total: number; own: number } {
  let first: { total: RawUsage; last: RawUsage } | null = null;
  let final: RawUsage | null = null;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const l = JSON.parse(raw) as Line;
    const info = l.type === 'event_msg' && l.payload?.type === 'token_count' ? l.payload.info : null;
    if (info?.total_token_usage === undefined || info.last_token_usage === undefined) continue;
    first ??= { total: info.total_token_usage, last: info.last_token_usage };
    final = info.total_token_usage;
  }
  if (first === null || final === null) return { total: 0, own: 0 };
  const inherited = codexFigure(first.total) - codexFigure(first.last);
  return { total: codexFigure(final), own: codexFigure(final) - inherited };
}

/** How Codex's TUI prints a token count: three significant digits and a K/M/B suffix ("25.8K", "2K", 660). */
export function codexCompact(n: number): string {
  if (n < 1000) return String(n);
  const [size, suffix] = (
    [
      [1e9, 'B'],
      [1e6, 'M'],
      [1e3, 'K'],
    ] as const
  ).find(([s]) => n >= s) ?? [1e3, 'K'];
  const scaled = n / size;
  const digits = scaled < 10 ? 2 : scaled < 100 ? 1 : 0;
  const text = scaled.toFixed(digits);
  return `${digits === 0 ? text : text.replace(/\.?0+$/, '')}${suffix}`;
}
