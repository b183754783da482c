import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_FAMILIES, parseAccount, parseAccountRateLimits } from '../../src/codex/accountLimits.js';
import { childrenStopped } from '../../src/codex/appServer.js';
import { MAIN_LIMIT_ID } from '../../src/rollout/decode/rateLimits.js';
import { LineCheck, MAX_ID_CHARS, MAX_RESET_DISTANCE_MS, MAX_TEXT_CHARS } from '../../src/ranges/ranges.js';
import type { RateLimitObservation, RawWindow } from '../../src/rollout/types.js';
import { UsageEngine } from '../../src/usage/engine.js';
import type { UsageWindow } from '../../src/contract/index.js';
import { TempCodexHome } from '../support/codexHome.js';
import { fakeCodexDir } from '../support/codexShim.js';
import { PROPERTY_SEED } from '../support/property.js';

// Issue 21 §3: answers of `codex app-server` (account/read and
// account/rateLimits/read), valid, hostile or any JSON at all. Whatever they
// hold, reading them never throws, every number is in range, every string is
// bounded, and the main family is only ever the one filed as `codex`.

const NOW = Date.parse('2026-11-22T05:00:00.000Z');
const NOW_SEC = Math.round(NOW / 1000);
/** ranges.ts: the longest window taken seriously, ten years. */
const MAX_WINDOW_MINUTES = 10 * 366 * 24 * 60;

/** Number literals JSON.stringify cannot write, spliced into the text as-is (1e400 parses to Infinity). */
const RAW = ['1e400', '-1e400', '1e308', '-0', '123456789012345678901234567890', '4.9e-324'];
const raw = fc.constantFrom(...RAW.map((r) => `@@RAW:${r}@@`));
const serialize = (value: unknown): string =>
  JSON.stringify(value).replace(/"@@RAW:([^@]+)@@"/g, (_m, literal: string) => literal);

/** The audit's values (−300, −5, 1e308, "Infinity", 100,000 characters), wrong types, and any JSON. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(-300, -5, 0, -0.5, 1e308, -1e308, 1e13, Number.MAX_SAFE_INTEGER, 101, 1e20),
  fc.constantFrom('Infinity', '-Infinity', 'NaN', '', ' 12 ', '1e400', 'abc', 'codex', 'codex\u0000', '\ud800x'),
  fc.constantFrom('p'.repeat(100_000), 'x'.repeat(MAX_ID_CHARS + 1), `codex${'_'.repeat(300)}`),
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.integer(),
  fc.double(),
  raw,
  fc.jsonValue({ maxDepth: 3 }),
);
const or = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostile });

/** A window as Codex sends it. */
const validWindow = fc.record({
  usedPercent: fc.double({ min: 0, max: 100, noNaN: true }),
  windowDurationMins: fc.constantFrom(300, 1440, 10080, 43200),
  resetsAt: fc.integer({ min: NOW_SEC - 86_400, max: NOW_SEC + 8 * 86_400 }),
});
const validCredits = fc.record({
  hasCredits: fc.boolean(),
  unlimited: fc.boolean(),
  balance: fc.oneof(
    fc.constant(null),
    fc.nat(100_000).map((n) => (n / 100).toFixed(2)),
  ),
});
const validFamily = (id: string) =>
  fc.record({
    limitId: fc.constant(id),
    limitName: fc.constantFrom(null, 'gpt-5.5-mini'),
    primary: fc.option(validWindow, { nil: null }),
    secondary: fc.option(validWindow, { nil: null }),
    credits: fc.option(validCredits, { nil: null }),
    planType: fc.constantFrom(null, 'pro', 'plus'),
  });
const validLimits = fc.record({
  rateLimits: fc.option(validFamily(MAIN_LIMIT_ID), { nil: null }),
  rateLimitsByLimitId: fc.record(
    { codex: validFamily(MAIN_LIMIT_ID), codex_other: validFamily('codex_other') },
    { requiredKeys: [] },
  ),
});
const validAccount = fc.record({
  account: fc.oneof(
    fc.constant(null),
    fc.record({ type: fc.constant('apikey') }),
    fc.record({
      type: fc.constant('chatgpt'),
      email: fc.constant('dev@example.com'),
      planType: fc.constantFrom('pro'),
    }),
  ),
  requiresOpenaiAuth: fc.boolean(),
});

/** The same shapes with any value anywhere: hostile numbers, huge strings, wrong types, keys that claim other ids. */
const hostileWindow = or(
  fc.record(
    { usedPercent: or(validWindow.map((w) => w.usedPercent)), windowDurationMins: hostile, resetsAt: or(fc.integer()) },
    { requiredKeys: [] },
  ),
);
const hostileFamily = or(
  fc.record(
    {
      limitId: or(fc.constantFrom(MAIN_LIMIT_ID, 'codex_other')),
      limitName: or(fc.constantFrom('gpt-5.5-mini')),
      primary: hostileWindow,
      secondary: hostileWindow,
      credits: or(
        fc.record(
          { hasCredits: or(fc.boolean()), unlimited: or(fc.boolean()), balance: hostile },
          { requiredKeys: [] },
        ),
      ),
      planType: or(fc.constantFrom('pro')),
    },
    { requiredKeys: [] },
  ),
);
const familyKey = fc.oneof(
  fc.constantFrom(MAIN_LIMIT_ID, 'codex_other', '', 'codex ', 'CODEX', 'p'.repeat(100_000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostileLimits = or(
  fc.record(
    {
      rateLimits: hostileFamily,
      rateLimitsByLimitId: or(fc.dictionary(familyKey, hostileFamily, { maxKeys: 8 })),
    },
    { requiredKeys: [] },
  ),
);
const hostileAccount = or(
  fc.record(
    {
      account: or(
        fc.record({ type: or(fc.constantFrom('chatgpt', 'apikey')), planType: hostile }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: [] },
  ),
);
const anyLimits = fc.oneof(validLimits, hostileLimits, fc.jsonValue());
const anyAccount = fc.oneof(validAccount, hostileAccount, fc.jsonValue());

/** Through JSON text, as the answers really arrive (and with literals JSON.stringify cannot write). */
const wire = (value: unknown): unknown => JSON.parse(serialize(value));

function boundedText(value: string | null, max: number): void {
  if (value === null) return;
  expect(value.length).toBeGreaterThan(0);
  expect(value.length).toBeLessThanOrEqual(max);
  expect(value.isWellFormed()).toBe(true);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

function rawWindowInRange(w: RawWindow | null, observedAt: number): void {
  if (w === null) return;
  expect(w.usedPercent).toBeGreaterThanOrEqual(0);
  expect(w.usedPercent).toBeLessThanOrEqual(100);
  if (w.windowMinutes !== null) {
    expect(w.windowMinutes).toBeGreaterThan(0);
    expect(w.windowMinutes).toBeLessThanOrEqual(MAX_WINDOW_MINUTES);
  }
  if (w.resetsAt !== null) {
    expect(Number.isInteger(w.resetsAt)).toBe(true);
    expect(Math.abs(w.resetsAt - observedAt)).toBeLessThanOrEqual(MAX_RESET_DISTANCE_MS);
  }
}

function observationsInRange(limits: readonly RateLimitObservation[], answer: unknown): void {
  expect(limits.length).toBeLessThanOrEqual(MAX_ANSWER_FAMILIES + 1);
  // One observation per family: a family never appears twice.
  expect(new Set(limits.map((o) => o.limitId)).size).toBe(limits.length);
  for (const o of limits) {
    boundedText(o.limitId, MAX_ID_CHARS);
    boundedText(o.limitName, MAX_TEXT_CHARS);
    boundedText(o.planType, MAX_TEXT_CHARS);
    rawWindowInRange(o.primary, o.observedAt);
    rawWindowInRange(o.secondary, o.observedAt);
    const balance = o.credits?.balance ?? null;
    if (balance !== null) {
      expect(balance.length).toBeLessThanOrEqual(32);
      expect(Number.isFinite(Number(balance))).toBe(true);
    }
    if (o.limitId === MAIN_LIMIT_ID) expect(filedAsMain(answer)).toBe(true);
  }
}

/** Whether the answer holds a family filed as the main one: the key `codex`, or (older servers) the lone snapshot. */
function filedAsMain(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const { rateLimitsByLimitId: byId, rateLimits: single } = answer as Record<string, unknown>;
  if (typeof byId === 'object' && byId !== null && !Array.isArray(byId)) return Object.hasOwn(byId, MAIN_LIMIT_ID);
  if (typeof single !== 'object' || single === null) return false;
  const id = (single as Record<string, unknown>).limitId;
  return id === undefined || id === null || id === MAIN_LIMIT_ID;
}

const config = (numRuns: number) => ({ seed: PROPERTY_SEED, numRuns });

describe('account answers: the edge holds for any answer (fast-check)', () => {
  it('account/rateLimits/read: never throws, every number in range, every string bounded, main only as filed', () => {
    fc.assert(
      fc.property(anyLimits, (answer) => {
        const parsed = wire(answer);
        const check = new LineCheck(NOW);
        observationsInRange(parseAccountRateLimits(parsed, NOW, check), parsed);
      }),
      config(2000),
    );
  });

  it('account/read: never throws; the type and plan type are bounded text', () => {
    fc.assert(
      fc.property(anyAccount, (answer) => {
        const info = parseAccount(wire(answer), new LineCheck(NOW));
        if (info === null) return;
        boundedText(info.type, MAX_ID_CHARS);
        boundedText(info.planType, MAX_TEXT_CHARS);
      }),
      config(1000),
    );
  });

  it('a valid answer passes whole, and nothing in it is called suspicious', () => {
    fc.assert(
      fc.property(validLimits, validAccount, (limits, account) => {
        const check = new LineCheck(NOW);
        const parsed = parseAccountRateLimits(wire(limits), NOW, check);
        const families = Object.values(limits.rateLimitsByLimitId);
        expect(parsed).toHaveLength(families.length);
        for (const family of families) {
          const o = parsed.find((p) => p.limitId === family.limitId);
          for (const position of ['primary', 'secondary'] as const) {
            const w = family[position];
            expect(o?.[position]).toEqual(
              w === null
                ? null
                : { usedPercent: w.usedPercent, windowMinutes: w.windowDurationMins, resetsAt: w.resetsAt * 1000 },
            );
          }
          expect(o?.credits).toEqual(family.credits);
          expect(o?.planType).toBe(family.planType);
        }
        const info = parseAccount(account, check);
        expect(info?.type ?? null).toBe(account.account?.type ?? null);
        expect(check.suspicious).toBe(false);
      }),
      config(500),
    );
  });
});

// The same answers from a real process (the fake app-server writes them as
// given), asked by the real client and merged by the engine: the snapshot's
// windows are in range too.
describe('account answers through a real codex app-server and the engine', () => {
  let home: TempCodexHome;
  let fake: Awaited<ReturnType<typeof fakeCodexDir>>;
  beforeAll(async () => {
    home = await TempCodexHome.create();
    await mkdir(home.home, { recursive: true });
    fake = await fakeCodexDir();
  });
  afterAll(async () => {
    await childrenStopped();
    await fake.remove();
    await home.remove();
  });

  function windowInRange(w: UsageWindow | null): void {
    if (w === null) return;
    expect(w.usedPercent).toBeGreaterThanOrEqual(0);
    expect(w.usedPercent).toBeLessThanOrEqual(100);
    expect(w.remainingPercent).toBeGreaterThanOrEqual(0);
    expect(w.remainingPercent).toBeLessThanOrEqual(100);
    if (w.windowMinutes !== null) expect(w.windowMinutes).toBeGreaterThan(0);
    if (w.windowMinutes !== null) expect(w.windowMinutes).toBeLessThanOrEqual(MAX_WINDOW_MINUTES);
    if (w.resetsAt !== null) expect(Number.isFinite(new Date(w.resetsAt).getTime())).toBe(true);
  }

  it('never fails the ask for a value, and the snapshot holds only ranged figures', async () => {
    const answers = join(fake.dir, 'answers.json');
    await fc.assert(
      fc.asyncProperty(fc.oneof(validLimits, hostileLimits), async (limits) => {
        await writeFile(
          answers,
          JSON.stringify({
            'account/read': '{"account":{"type":"chatgpt","planType":"pro"}}',
            'account/rateLimits/read': serialize(limits),
          }),
        );
        const engine = new UsageEngine({
          codexHome: home.home,
          now: () => NOW,
          account: { env: { PATH: fake.dir, FAKE_ANSWERS: answers }, clientVersion: '1' },
        });
        await engine.coldStart();
        await engine.refreshAccountLimits({ force: true });
        const snap = engine.snapshot();
        // A value out of range never fails the ask: it is ranged, and the rest is used.
        expect(snap.limits.accountError).toBeNull();
        windowInRange(snap.limits.primary);
        windowInRange(snap.limits.secondary);
        for (const family of snap.limits.others) {
          boundedText(family.limitId, MAX_ID_CHARS);
          boundedText(family.limitName, MAX_TEXT_CHARS);
          expect(family.limitId).not.toBe(MAIN_LIMIT_ID);
          windowInRange(family.primary);
          windowInRange(family.secondary);
        }
        boundedText(snap.limits.planType, MAX_TEXT_CHARS);
        if (snap.limits.primary !== null || snap.limits.secondary !== null) {
          expect(filedAsMain(JSON.parse(serialize(limits)))).toBe(true);
        }
        expect(snap.diagnostics.suspiciousAnswers).toBeLessThanOrEqual(1);
      }),
      config(25),
    );
  }, 120_000);
});
