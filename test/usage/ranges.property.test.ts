import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatus } from '../../src/cli/statusText.js';
import {
  CLOCK_SKEW_MS,
  LineCheck,
  MAX_ID_CHARS,
  MAX_PATH_CHARS,
  MAX_RESET_DISTANCE_MS,
  MAX_TEXT_CHARS,
} from '../../src/ranges/ranges.js';
import { parseLine } from '../../src/rollout/decode/parseLine.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { buildActivity } from '../../src/presence/activity.js';
import { UsageEngine } from '../../src/usage/engine.js';
import type { UsageSnapshot, UsageWindow } from '../../src/contract/index.js';
import { line, mainLimits, shown, TempCodexHome } from '../support/codexHome.js';
import { anyString, PROPERTY_SEED } from '../support/property.js';

// Issue #10 §5: token_count lines with arbitrary JSON in every field, read by
// the real reader from real files. Whatever they hold, reading never throws
// and every number in the snapshot is in range (§2).

const NOW = Date.parse('2026-11-22T05:00:00.000Z');
const NOW_SEC = Math.round(NOW / 1000);

/** Number literals JSON.stringify cannot write: spliced into the text as-is (1e400 parses to Infinity). */
const RAW = ['1e400', '-1e400', '1e13', '1e15', '-0', '123456789012345678901234567890', '4.9e-324'];
const raw = fc.constantFrom(...RAW.map((r) => `@@RAW:${r}@@`));
const serialize = (value: unknown): string =>
  JSON.stringify(value).replace(/"@@RAW:([^@]+)@@"/g, (_m, literal: string) => literal);

/** Wrong types, huge, negative, NaN-like strings and nested junk. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, '', 'NaN', 'Infinity', '-Infinity', '1e400', '-1', '0x10', ' 12 ', 'abc', '1e13'),
  fc.constantFrom(-1, -1e20, 1e15, 1e16, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 1e13, -0.5, 0.5, 0),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
  raw,
  fc.jsonValue({ maxDepth: 3 }),
);
const or = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 2, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 2, arbitrary: junk });
const maybe = (arb: fc.Arbitrary<unknown>) => fc.option(arb, { nil: undefined });

const timestamp = or(
  fc.oneof(
    fc.integer({ min: -6 * 3600_000, max: 6 * 3600_000 }).map((d) => new Date(NOW + d).toISOString()),
    fc.constantFrom('+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '2099-01-01T00:00:00Z'),
  ),
);
const usage = or(
  fc.record(
    {
      input_tokens: or(fc.nat(10_000_000)),
      cached_input_tokens: or(fc.nat(10_000_000)),
      output_tokens: or(fc.nat(1_000_000)),
      reasoning_output_tokens: or(fc.nat(1_000_000)),
      total_tokens: or(fc.nat(20_000_000)),
    },
    { requiredKeys: [] },
  ),
);
const window = or(
  fc.record(
    {
      used_percent: or(fc.double({ min: 0, max: 100, noNaN: true })),
      window_minutes: or(fc.constantFrom(300, 1440, 10080, 43200)),
      resets_at: or(fc.integer({ min: NOW_SEC - 86_400, max: NOW_SEC + 8 * 86_400 })),
      resets_in_seconds: or(fc.nat(8 * 86_400)),
    },
    { requiredKeys: [] },
  ),
);
const rateLimits = or(
  fc.oneof(
    fc.record(
      {
        limit_id: or(fc.oneof(fc.constantFrom('codex', 'codex_other'), anyString)),
        limit_name: or(fc.oneof(fc.constantFrom('gpt-5.5-mini'), anyString)),
        primary: window,
        secondary: window,
        credits: or(
          fc.record({
            has_credits: or(fc.boolean()),
            unlimited: or(fc.boolean()),
            balance: or(fc.constantFrom('17.50', '0', 3)),
          }),
        ),
        plan_type: or(fc.oneof(fc.constantFrom('plus', 'pro'), anyString)),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        primary_used_percent: or(fc.double({ min: 0, max: 100, noNaN: true })),
        secondary_used_percent: or(fc.double({ min: 0, max: 100, noNaN: true })),
        primary_window_minutes: or(fc.constant(300)),
        secondary_window_minutes: or(fc.constant(10080)),
        primary_reset_after_seconds: or(fc.nat(18_000)),
      },
      { requiredKeys: [] },
    ),
  ),
);
const tokenCount = fc.record({
  timestamp,
  type: fc.constant('event_msg'),
  payload: fc.record({
    type: fc.constant('token_count'),
    info: or(
      fc.record(
        {
          total_token_usage: usage,
          last_token_usage: usage,
          model_context_window: or(fc.constantFrom(258400, 128000)),
        },
        { requiredKeys: [] },
      ),
    ),
    rate_limits: maybe(rateLimits),
  }),
});
/** The string fields of session_meta and turn_context, each any string, junk, or absent. */
const text = maybe(or(anyString));
const turnContext = fc.record({
  timestamp,
  type: fc.constant('turn_context'),
  payload: fc.record({ model: text, effort: text, cwd: text }, { requiredKeys: [] }),
});
const otherLine = fc.oneof(
  turnContext,
  fc.record({
    timestamp,
    type: fc.constant('event_msg'),
    payload: fc.record({ type: fc.constant('task_started'), model_context_window: or(fc.constant(258400)) }),
  }),
  fc.record({
    timestamp,
    type: fc.constant('token_usage_record'),
    payload: fc.record({ turn_id: or(fc.constant('t1')), turn_token_usage: usage }),
  }),
  fc.record({
    timestamp,
    type: fc.constant('event_msg'),
    payload: fc.record({ type: fc.constantFrom('task_complete', 'turn_aborted', 'agent_reasoning') }),
  }),
);
const metaStrings = fc.record(
  { id: text, cwd: text, cli_version: text, originator: text, forked_from_id: text },
  { requiredKeys: [] },
);
const rollout = fc.tuple(
  or(fc.constantFrom(258400, 0, -1)),
  timestamp,
  metaStrings,
  // A fork's totals start from its parent's (issue 12 §4): its own growth must stay in range too.
  fc.option(or(fc.constant('parent-thread')), { nil: undefined }),
  fc.array(fc.oneof({ weight: 3, arbitrary: tokenCount }, { weight: 1, arbitrary: otherLine }), {
    minLength: 1,
    maxLength: 10,
  }),
);

function fileText([contextWindow, startedAt, strings, forkedFrom, lines]: [
  unknown,
  unknown,
  Record<string, unknown>,
  unknown,
  unknown[],
]): string {
  const meta = {
    timestamp: new Date(NOW - 3600_000).toISOString(),
    type: 'session_meta',
    payload: {
      id: 'prop-1',
      timestamp: startedAt,
      cwd: null,
      cli_version: '0.169.0',
      context_window: contextWindow,
      ...strings,
      ...(forkedFrom === undefined ? {} : { forked_from_id: forkedFrom }),
    },
  };
  return [meta, ...lines].map(serialize).join('\n') + '\n';
}

/** Every number anywhere in the value is finite (JSON.stringify would turn NaN and Infinity into null). */
function allFinite(value: unknown, path: string): void {
  if (typeof value === 'number') expect(Number.isFinite(value), path).toBe(true);
  else if (Array.isArray(value)) value.forEach((v, i) => allFinite(v, `${path}[${i}]`));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) allFinite(v, `${path}.${k}`);
}

/** A time on the wire: whole epoch ms that a Date holds exactly (so `status --json` can print it). */
const validTime = (ms: number | null, path: string): number | null => {
  if (ms === null) return null;
  expect(Number.isFinite(ms), `${path}: ${ms}`).toBe(true);
  expect(new Date(ms).getTime(), path).toBe(ms);
  return ms;
};

function checkWindow(w: UsageWindow | null, path: string): void {
  if (w === null) return;
  expect(w.label.length, `${path}.label`).toBeGreaterThan(0);
  for (const k of ['usedPercent', 'remainingPercent'] as const) {
    expect(w[k], `${path}.${k}`).toBeGreaterThanOrEqual(0);
    expect(w[k], `${path}.${k}`).toBeLessThanOrEqual(100);
  }
  if (w.windowMinutes !== null) expect(w.windowMinutes, `${path}.windowMinutes`).toBeGreaterThan(0);
  const observed = validTime(w.observedAt, `${path}.observedAt`) ?? 0;
  expect(observed, `${path}.observedAt is capped`).toBeLessThanOrEqual(NOW + CLOCK_SKEW_MS);
  const reset = validTime(w.resetsAt, `${path}.resetsAt`);
  if (reset !== null) expect(Math.abs(reset - observed), `${path}.resetsAt`).toBeLessThanOrEqual(MAX_RESET_DISTANCE_MS);
  if (w.pace !== null) {
    expect(w.pace.expectedUsedPercent).toBeGreaterThanOrEqual(0);
    expect(w.pace.expectedUsedPercent).toBeLessThanOrEqual(100);
    validTime(w.pace.runsOutAt, `${path}.pace.runsOutAt`);
  }
}

/** The invariants of issue #10 §2 on a whole snapshot. */
export function checkSnapshot(snap: UsageSnapshot): void {
  allFinite(snap, '$');
  expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  for (const s of snap.sessions) {
    for (const [k, v] of Object.entries(s.tokens)) {
      expect(Number.isInteger(v), `tokens.${k} = ${v}`).toBe(true);
      expect(v, `tokens.${k}`).toBeGreaterThanOrEqual(0);
    }
    // Codex's display figure of the raw counters shown beside it (issue 12 §1); an update never grows it by more than all of it.
    expect(s.tokens.total, 'tokens.total').toBe(Math.max(0, s.tokens.input - s.tokens.cachedInput) + s.tokens.output);
    expect(s.tokens.delta, 'tokens.delta').toBeLessThanOrEqual(s.tokens.total);
    if (s.context.window !== null) expect(s.context.window).toBeGreaterThan(0);
    expect(s.context.used).toBeGreaterThanOrEqual(0);
    if (s.context.percentLeft !== null) {
      expect(s.context.percentLeft).toBeGreaterThanOrEqual(0);
      expect(s.context.percentLeft).toBeLessThanOrEqual(100);
    }
    for (const t of [s.startedAt, s.lastActivityAt]) {
      const ms = validTime(t, 'session time');
      if (ms !== null) expect(ms).toBeLessThanOrEqual(NOW + CLOCK_SKEW_MS);
    }
  }
  checkWindow(snap.limits.primary, 'primary');
  checkWindow(snap.limits.secondary, 'secondary');
  for (const f of snap.limits.others) {
    checkWindow(f.primary, `${f.limitId}.primary`);
    checkWindow(f.secondary, `${f.limitId}.secondary`);
  }
  // Every string is bounded where it entered (issue 21 §1), and well-formed.
  const bounded = (value: string | null, max: number, path: string): void => {
    if (value === null) return;
    expect(value.length, path).toBeLessThanOrEqual(max);
    expect(value.isWellFormed(), path).toBe(true);
  };
  for (const s of snap.sessions) {
    for (const k of ['model', 'effort', 'originator', 'name'] as const) bounded(s[k], MAX_TEXT_CHARS, `session.${k}`);
    bounded(s.id, MAX_ID_CHARS, 'session.id');
    bounded(s.cliVersion, 64, 'session.cliVersion');
    bounded(s.project, MAX_PATH_CHARS, 'session.project');
  }
  bounded(snap.limits.planType, MAX_TEXT_CHARS, 'planType');
  for (const f of snap.limits.others) {
    bounded(f.limitId, MAX_ID_CHARS, 'limitId');
    bounded(f.limitName, MAX_TEXT_CHARS, 'limitName');
  }
  const balance = snap.limits.credits?.balance ?? null;
  if (balance !== null) expect(Number.isFinite(Number(balance)), `balance ${balance}`).toBe(true);
}

let home: TempCodexHome;
beforeAll(async () => {
  home = await TempCodexHome.create();
});
afterAll(async () => {
  await home.remove();
});

/** Writes one rollout (its mtime ten seconds before NOW), alone unless `keep`, and reads the home with a fresh engine. */
async function readHome(text: string, name = 'prop', keep = false): Promise<UsageSnapshot> {
  if (!keep) await rm(home.sessions, { recursive: true, force: true });
  const path = home.rolloutPath('2026-11-22', name);
  await mkdir(join(home.sessions, '2026', '11', '22'), { recursive: true });
  await writeFile(path, text);
  const when = new Date(NOW - 10_000);
  await utimes(path, when, when);
  const engine = new UsageEngine({ codexHome: home.home, now: () => NOW });
  await engine.coldStart();
  return engine.snapshot();
}

describe('any token_count line (property, seed printed on failure)', () => {
  it('parses to events whose numbers are in range, and never throws', () => {
    fc.assert(
      fc.property(tokenCount, (value) => {
        const check = new LineCheck(NOW);
        const event = parseLine(serialize(value), false, check);
        if (typeof event === 'string') return;
        allFinite(event, 'event');
        if (event.kind !== 'tokenCount') return;
        for (const u of [event.total, event.last])
          if (u !== null) for (const v of Object.values(u)) expect(Number.isInteger(v) && v >= 0).toBe(true);
        if (event.contextWindow !== null) expect(event.contextWindow).toBeGreaterThan(0);
        const r = event.rateLimits;
        if (r === null) return;
        expect(r.observedAt).toBeLessThanOrEqual(NOW + CLOCK_SKEW_MS);
        for (const w of [r.primary, r.secondary]) {
          if (w === null) continue;
          expect(w.usedPercent >= 0 && w.usedPercent <= 100).toBe(true);
          if (w.windowMinutes !== null) expect(w.windowMinutes).toBeGreaterThan(0);
          if (w.resetsAt !== null) expect(new Date(w.resetsAt).toISOString()).toMatch(/Z$/);
        }
      }),
      { seed: PROPERTY_SEED, numRuns: 3000 },
    );
  });

  it('read from real files, gives a snapshot with every number in range; status text and the Discord activity build', async () => {
    await fc.assert(
      fc.asyncProperty(rollout, async (parts) => {
        const snap = await readHome(fileText(parts));
        checkSnapshot(snap);
        expect(formatStatus(snap, new Date(NOW)).length).toBeGreaterThan(0);
        buildActivity({ snapshot: snap, config: defaultSettings(), now: NOW, lastBusyAt: null });
      }),
      { seed: PROPERTY_SEED, numRuns: 150 },
    );
  });
});

describe('any string in any field (property)', () => {
  /** Every string anywhere in the value, with its path. */
  const strings = (value: unknown, path: string, out: Array<[string, string]>): Array<[string, string]> => {
    if (typeof value === 'string') out.push([path, value]);
    else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
    return out;
  };
  const metaLine = fc.record({
    timestamp,
    type: fc.constant('session_meta'),
    payload: metaStrings,
  });

  it('is bounded in the event, well-formed, and a line that needed it is counted', () => {
    fc.assert(
      fc.property(fc.oneof(metaLine, turnContext, tokenCount), (value) => {
        const check = new LineCheck(NOW);
        const event = parseLine(serialize(value), false, check);
        if (typeof event === 'string') return;
        for (const [path, text] of strings(event, 'event', [])) {
          expect(text.length, path).toBeLessThanOrEqual(path.endsWith('.cwd') ? MAX_PATH_CHARS : MAX_TEXT_CHARS);
          expect(text.isWellFormed(), path).toBe(true);
        }
        const longest = Math.max(0, ...strings(value.payload, 'in', []).map(([, t]) => t.length));
        if (longest > MAX_PATH_CHARS) expect(check.suspicious).toBe(true);
      }),
      { seed: PROPERTY_SEED, numRuns: 1000 },
    );
  });
});

describe('one out-of-range value: unknown, and the line counted', () => {
  const at = new Date(NOW - 60_000).toISOString();
  const good = () =>
    mainLimits(30, 20, NOW_SEC + 3600, NOW_SEC + 86_400) as unknown as Record<string, Record<string, unknown>>;
  const cases: Array<[string, (limits: Record<string, Record<string, unknown>>) => void, (s: UsageSnapshot) => void]> =
    [
      [
        'resets_at 1e13',
        (l) => (l.primary = { ...l.primary, resets_at: 1e13 }),
        (s) => expect(s.limits.primary?.resetsAt).toBeNull(),
      ],
      [
        'resets_in_seconds 1e15',
        (l) => (l.primary = { used_percent: 30, window_minutes: 300, resets_in_seconds: 1e15 }),
        (s) => expect(s.limits.primary?.resetsAt).toBeNull(),
      ],
      [
        'window_minutes -5 (the label falls back to the position)',
        (l) => (l.secondary = { ...l.secondary, window_minutes: -5 }),
        (s) => expect(s.limits.secondary).toMatchObject({ windowMinutes: null, label: 'weekly', pace: null }),
      ],
      [
        'used_percent -3',
        (l) => (l.primary = { ...l.primary, used_percent: -3 }),
        (s) => expect(s.limits.primary).toMatchObject({ usedPercent: 0, remainingPercent: 100 }),
      ],
      [
        'balance "Infinity"',
        (l) => (l.credits = { has_credits: true, unlimited: false, balance: 'Infinity' }),
        (s) => expect(s.limits.credits).toEqual({ hasCredits: true, unlimited: false, balance: null }),
      ],
    ];
  it.each(cases)('%s', async (_name, mutate, expectation) => {
    const limits = good();
    mutate(limits);
    const snap = await readHome([line.meta(at), line.tokenCount(at, 1000, 1000, limits), ''].join('\n'), 'one');
    checkSnapshot(snap);
    expectation(snap);
    expect(snap.diagnostics.suspiciousLines).toBe(1);
    expect(snap.sessions[0]?.tokens.total).toBe(shown(1000));
  });

  it('a negative token count makes that line’s usage unknown; the earlier total stays', async () => {
    const bad = JSON.parse(line.tokenCount(at, 2000, 1000)) as {
      payload: { info: { total_token_usage: Record<string, number> } };
    };
    bad.payload.info.total_token_usage.output_tokens = -50;
    const snap = await readHome(
      [line.meta(at), line.tokenCount(at, 1000, 1000), JSON.stringify(bad), ''].join('\n'),
      'one',
    );
    expect(snap.sessions[0]?.tokens).toMatchObject({ total: shown(1000), last: shown(1000) });
    expect(snap.diagnostics.suspiciousLines).toBe(1);
  });

  it('a context window of 0 is unknown context', async () => {
    const snap = await readHome([line.meta(at), line.tokenCount(at, 1000, 1000, undefined, 0), ''].join('\n'), 'one');
    expect(snap.sessions[0]?.context).toEqual({ window: null, used: 1000, percentLeft: null });
    expect(snap.diagnostics.suspiciousLines).toBe(1);
  });

  it('a line dated two hours ahead does not beat a current line, and its time is capped', async () => {
    await rm(home.sessions, { recursive: true, force: true });
    // Written an hour ago, but dated two hours ahead, saying 99 % used.
    const aheadAt = new Date(NOW + 2 * 3600_000).toISOString();
    const ahead = home.rolloutPath('2026-11-22', 'ahead');
    await home.writeRollout(
      ahead,
      [
        line.meta(aheadAt),
        line.tokenCount(aheadAt, 10, 10, mainLimits(99, 50, NOW_SEC + 7200, NOW_SEC + 86_400)),
        '',
      ].join('\n'),
      new Date(NOW - 3600_000),
    );
    const alone = new UsageEngine({ codexHome: home.home, now: () => NOW, sessionStaleMs: 4 * 3600_000 });
    await alone.coldStart();
    const before = alone.snapshot();
    // Capped at the file's mtime plus the skew allowance: stale, not pinned.
    expect(before.limits.primary?.observedAt).toBe(NOW - 3600_000 + CLOCK_SKEW_MS);
    expect(before.limits.primary?.stale).toBe(true);
    expect(before.diagnostics.suspiciousLines).toBe(2);

    const snap = await readHome(
      [line.meta(at), line.tokenCount(at, 10, 10, mainLimits(10, 5, NOW_SEC + 7200, NOW_SEC + 86_400)), ''].join('\n'),
      'current',
      true,
    );
    expect(snap.limits.primary).toMatchObject({ usedPercent: 10, stale: false });
  });
});
