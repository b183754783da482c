import { readdir, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCheck } from '../../src/ranges/ranges.js';
import { readRecentTotals } from '../../src/history/read.js';
import { totalsOfView } from '../../src/history/recent.js';
import { decodeRecord, encodeRecord } from '../../src/history/codec.js';
import type { HistoryRecord } from '../../src/history/records.js';
import { rangeRecord } from '../../src/history/schema.js';
import { summaryEvery } from '../../src/history/bounds.js';
import { HistoryStore, readHistory } from '../../src/history/store.js';
import { backfillFromState, buildView } from '../../src/history/view.js';
import { PROPERTY_SEED } from '../support/property.js';
import { TempDataDir } from './support.js';

// Issue 21 §2: one schema for both directions. Records with anything in
// every field (strings of any length, lone surrogates, control characters,
// times that are no date, year 999, 1e20, NaN, -0) go through the real store
// to a real file and back; arbitrary bytes in the file never crash a reader
// nor the publisher's open, and what the publisher opened reads back clean.

const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
const now = (): number => NOW;

const longText = fc.integer({ min: 150, max: 6000 }).map((n) => 'é'.repeat(n));
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\ud800lone', 'a\u0000b', 'tab\there', 'line\nbreak', '\u009fc1', '', 'gpt-5.5', 'codex'),
  longText,
);
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, '', 'NaN', '12', -1, -0, 0.5, 1e20, -1e20, 1e308, NaN, Infinity),
  fc.jsonValue({ maxDepth: 2 }),
);
const or = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 9, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk });
const time = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: NOW - 420 * DAY, max: NOW + DAY }) },
  { weight: 1, arbitrary: fc.constantFrom(Date.UTC(999, 5, 1), Date.UTC(10_000, 0, 1), 8.64e15, 1e20, -1e20, NaN) },
);
const dayOfMs = (ms: number): string => new Date(ms).toLocaleDateString('sv-SE');
const day = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 410 }).map((d) => dayOfMs(NOW - d * DAY)) },
  { weight: 1, arbitrary: fc.constantFrom('999-01-01', '0999-01-01', '2026-02-30', '10000-01-01', 'today') },
);
const count = fc.oneof(fc.nat(5_000_000), fc.constantFrom(0, 1e15, 1e15 + 1, 2 ** 53));
const path = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }).map((i) => `/home/u/.codex/sessions/rollout-${i}.jsonl`) },
  { weight: 1, arbitrary: fc.constantFrom('/x/\u0000nul', `/${'p'.repeat(5000)}`, '/x/\ud800') },
);

/** A day's entry with its split by model: one that adds up, or (1 in 4) one that does not. */
const splitDay = fc
  .tuple(
    day,
    fc.array(fc.tuple(or(fc.option(text)), fc.nat(100_000), fc.nat(100_000), fc.nat(100_000)), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.nat(3),
  )
  .map(([d, models, skew]) => {
    const sum = (f: (m: (typeof models)[number]) => number): number => models.reduce((n, m) => n + f(m), 0);
    return [d, sum((m) => m[1] + m[3]) + (skew === 0 ? 1 : 0), sum((m) => m[2]), models];
  });
const limitRecord = fc.record({
  k: fc.constant('limit'),
  at: or(time),
  id: or(fc.oneof(fc.constantFrom('codex', 'codex_bengalfox'), text)),
  name: or(fc.option(text)),
  kind: or(fc.constantFrom('primary', 'secondary')),
  minutes: or(fc.option(fc.constantFrom(300, 10080, 43200, -300, 0, 1e308))),
  used: or(fc.double({ min: -10, max: 150, noNaN: true })),
  reset: or(fc.option(time)),
  src: or(fc.constantFrom('log', 'account')),
});
const familyId = or(fc.oneof(fc.constantFrom('codex', 'codex_bengalfox'), text));
const windowKind = or(fc.constantFrom('primary', 'secondary'));
const mark = fc.tuple(familyId, windowKind, or(time));
/** A window's entry: its mark, then a day entry's counts and split (one that adds up, or one that does not). */
const windowEntry = fc.oneof(
  fc.tuple(familyId, windowKind, or(time), count, count),
  fc.tuple(mark, splitDay).map(([m, [, t, c, split]]) => [...m, t, c, split]),
);
const fileKeys = [
  'k',
  'path',
  'ino',
  'offset',
  'lastAt',
  'session',
  'project',
  'model',
  'fork',
  'ignored',
  'meta',
  'prev',
  'after',
  'add',
] as const;
const fileRecord = fc.record(
  {
    k: fc.constant('file'),
    path: or(path),
    ino: or(fc.nat()),
    offset: or(fc.nat()),
    lastAt: or(fc.option(time)),
    session: or(fc.option(text)),
    project: or(fc.option(fc.oneof(fc.constantFrom('alpha', 'beta', 'ledger-cli'), text))),
    model: or(fc.option(text)),
    fork: or(fc.boolean()),
    ignored: or(fc.boolean()),
    meta: or(fc.boolean()),
    prev: or(fc.option(fc.tuple(count, count, count, count))),
    after: or(fc.option(time)),
    add: or(fc.array(or(fc.oneof(fc.tuple(day, count, count), splitDay)), { maxLength: 6 })),
    // Optional, as in a file from before window usage (and up to past MAX_WINDOW_ENTRIES).
    marks: or(fc.oneof(fc.array(or(mark), { maxLength: 4 }), fc.array(mark, { minLength: 65, maxLength: 66 }))),
    win: or(fc.array(or(windowEntry), { maxLength: 5 })),
  },
  { requiredKeys: [...fileKeys] },
);
const backfillRecord = fc.record({
  k: fc.constant('backfill'),
  at: or(time),
  phase: or(fc.constantFrom('idle', 'running', 'done', 'error')),
  done: or(fc.nat(100)),
  total: or(fc.nat(100)),
  message: or(fc.option(text)),
});
const headerRecord = fc.record(
  {
    k: fc.constant('header'),
    format: or(fc.constant('codex-discord-presence/history')),
    version: or(fc.constant(1)),
    createdAt: or(time),
    clearedAt: or(fc.option(time)),
    windowsSince: or(fc.option(time)),
  },
  { requiredKeys: ['k', 'format', 'version', 'createdAt', 'clearedAt'] },
);
const recentRecord = fc.record({
  k: fc.constant('recent'),
  at: or(time),
  days: or(
    fc.array(
      or(
        fc.oneof(
          fc.tuple(day, fc.option(text), count, count),
          fc.tuple(splitDay, fc.option(text)).map(([[d, t, c, m], p]) => [d, p, t, c, m]),
        ),
      ),
      { maxLength: 4 },
    ),
  ),
});
const windowRecord = fc.record({
  k: fc.constant('window'),
  id: familyId,
  kind: windowKind,
  reset: or(time),
  project: or(fc.option(fc.oneof(fc.constantFrom('alpha', 'ledger-cli'), text))),
  add: or(
    fc.oneof(
      fc.tuple(count, count),
      splitDay.map(([, t, c, split]) => [t, c, split]),
    ),
  ),
});
/** What a caller might hand the store: typed as records, holding anything. */
const anyRecord = fc.oneof(
  { weight: 4, arbitrary: limitRecord },
  { weight: 4, arbitrary: fileRecord },
  { weight: 1, arbitrary: backfillRecord },
  { weight: 1, arbitrary: headerRecord },
  { weight: 1, arbitrary: recentRecord },
  { weight: 1, arbitrary: windowRecord },
) as fc.Arbitrary<unknown> as fc.Arbitrary<HistoryRecord>;

/** A data folder of its own for each run: nothing of one run can reach the next. */
async function inDataDir(run: (data: TempDataDir) => Promise<void>): Promise<void> {
  const data = await TempDataDir.create();
  try {
    await run(data);
  } finally {
    await data.remove();
  }
}

describe('one schema for both directions', () => {
  it('a ranged record reads back as itself, unflagged; ranging is idempotent', () => {
    fc.assert(
      fc.property(anyRecord, (raw) => {
        const ranged = rangeRecord(raw, new LineCheck(0));
        if (ranged === null) return;
        const decoded = decodeRecord(encodeRecord(ranged).trimEnd());
        expect(decoded).toEqual({ record: ranged, adjusted: false });
      }),
      { seed: PROPERTY_SEED, numRuns: 2000 },
    );
  });

  it('whatever the publisher appends, the next start reads exactly its state: no damaged line, no backup', async () => {
    const from = { tail: 0, file: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(anyRecord, { maxLength: 20 }), fc.array(anyRecord, { maxLength: 150, size: 'max' })),
        fc.boolean(),
        (records, compactAfter) =>
          inDataDir(async (data) => {
            const bounds = { maxDays: 400, maxBytes: 48 * 1024 };
            const store = await HistoryStore.open(data.file, { now, bounds });
            // In batches, as a publisher appends: compactions happen on the way, and lines follow the last.
            for (let i = 0; i < records.length; i += 10) {
              store.append(records.slice(i, i + 10));
              await store.flush();
            }
            if (compactAfter) await store.compactNow();
            const read = await readHistory(data.file, NOW);
            expect(read.problem).toBeNull();
            expect(read.adjusted).toBe(0);
            expect(read.state).toEqual(store.state);
            const logged: string[] = [];
            const again = await HistoryStore.open(data.file, { now, bounds, log: (m) => logged.push(m) });
            expect(logged).toEqual([]);
            expect(again.state.files).toEqual(store.state.files);
            expect((await readdir(data.dir)).sort()).toEqual(['history.jsonl']);
            // status's Tokens row, from the tail after the last summary (a compaction's, or one appended), is the view's.
            const view = buildView(read.state, { days: 7 }, NOW, backfillFromState(read.state), ['ledger-*']);
            const tail = await readRecentTotals(data.file, NOW, ['ledger-*'], summaryEvery(bounds) + 4 * 1024);
            expect(tail.totals).toEqual(totalsOfView(view));
            if (tail.from !== null) from[tail.from] += 1;
          }),
      ),
      { seed: PROPERTY_SEED, numRuns: 150 },
    );
    // Both ways of reading the Tokens row were compared, not only the whole file.
    expect(from.tail).toBeGreaterThan(10);
    expect(from.file).toBeGreaterThan(10);
  });

  it('arbitrary bytes never crash a reader nor the publisher’s open; what it opened reads back clean', async () => {
    const lineOf = anyRecord.map((r) => JSON.stringify(r) ?? 'null');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc
        .tuple(fc.boolean(), fc.array(fc.oneof(lineOf, fc.string({ maxLength: 30 })), { maxLength: 12 }), fc.boolean())
        .map(([withHeader, lines, cut]) => {
          const head = withHeader
            ? [
                encodeRecord({
                  k: 'header',
                  format: 'codex-discord-presence/history',
                  version: 1,
                  createdAt: NOW,
                  clearedAt: null,
                }).trimEnd(),
              ]
            : [];
          const body = [...head, ...lines].join('\n') + (cut ? '' : '\n');
          return Buffer.from(body);
        }),
    );
    await fc.assert(
      fc.asyncProperty(bytes, (content) =>
        inDataDir(async (data) => {
          await writeFile(data.file, content);
          const read = await readHistory(data.file, NOW);
          expect(() => buildView(read.state, { days: 400 }, NOW, backfillFromState(read.state))).not.toThrow();
          await readRecentTotals(data.file, NOW, [], 64);
          const store = await HistoryStore.open(data.file, { now });
          const reread = await readHistory(data.file, NOW);
          expect([reread.problem, reread.refused, reread.adjusted]).toEqual([null, null, 0]);
          expect(reread.state).toEqual(store.state);
        }),
      ),
      { seed: PROPERTY_SEED, numRuns: 200 },
    );
  });
});
