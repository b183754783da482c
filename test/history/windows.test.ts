import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { HistoryView, HistoryWindow } from '../../src/contract/index.js';
import { HistoryStore, readHistory } from '../../src/history/store.js';
import { buildView, idleBackfill } from '../../src/history/view.js';
import type { FileRecord, WindowRecord, WindowTokens } from '../../src/history/records.js';
import { compactNumber } from '../../src/format/numbers.js';
import { usdText } from '../../src/format/cost.js';
import { runCli } from '../support/cli.js';
import { line, mainLimits, usage } from '../support/codexHome.js';
import {
  fileRecord,
  headerRecord,
  homeAndDataPerTest,
  legacyHeaderRecord,
  limitRecord,
  recorderFor,
} from './support.js';

// Issue 24 §1, "per window": what each rate-limit window's tokens cost. A
// request counts in the window instances its session had read and that had
// not reset when it was made: the one its own token_count line names, and
// the session's last reading of every other family and kind. Real rollouts on
// disk, folded by the recorder and by the built CLI from the logs alone.

const MIN = 60_000;
const HOUR = 60 * MIN;
const t = homeAndDataPerTest();

/** The figures of `usage(total)` grown from `usage(before)`: non-cached input, cached input, output. */
function grown(total: number, before = 0): { shown: number; cached: number; usd: number } {
  const [a, b] = [usage(total), usage(before)];
  const input = (a.input_tokens ?? 0) - (b.input_tokens ?? 0);
  const cached = (a.cached_input_tokens ?? 0) - (b.cached_input_tokens ?? 0);
  const output = (a.output_tokens ?? 0) - (b.output_tokens ?? 0);
  // gpt-5.5: $5 input, $0.50 cached input, $30 output per million (docs/cost.md).
  return { shown: input - cached + output, cached, usd: ((input - cached) * 5 + cached * 0.5 + output * 30) / 1e6 };
}

function sum(...parts: Array<{ shown: number; cached: number; usd: number }>): {
  tokens: number;
  cached: number;
  usd: number;
} {
  return parts.reduce((s, p) => ({ tokens: s.tokens + p.shown, cached: s.cached + p.cached, usd: s.usd + p.usd }), {
    tokens: 0,
    cached: 0,
    usd: 0,
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();
const sec = (ms: number): number => Math.round(ms / 1000);

/**
 * Three hours ago a 5h window (R1) was an hour from its reset; the next (R2)
 * runs now; the weekly one (W) runs on. Session A (alpha) makes two requests
 * in R1 and one in R2. Session B (beta) first reads only a per-model family
 * (codex_other, as the near-limit sample does), then the main one. Session C
 * (gamma) is an API key's: its lines name no window.
 */
async function writeScenario(now: number): Promise<{ T: number; R1: number; R2: number; W: number; O: number }> {
  const T = Math.floor((now - 3 * HOUR) / 1000) * 1000;
  const R1 = T + HOUR;
  const R2 = R1 + 5 * HOUR;
  const W = T + 3 * 24 * HOUR;
  const O = T + 4 * HOUR;
  const main = (used: number, reset: number) => mainLimits(used, 40, sec(reset), sec(W));
  const other = { limit_id: 'codex_other', primary: { used_percent: 5, window_minutes: 300, resets_at: sec(O) } };
  const apiKey = { limit_id: 'codex', primary: null, secondary: null };
  const rollout = (name: string, cwd: string, id: string, lines: string[]): Promise<string> =>
    t.home.writeRollout(
      t.home.rolloutPath(iso(T).slice(0, 10), name),
      [
        line.meta(iso(T - MIN), { id, cwd }),
        JSON.stringify({ timestamp: iso(T - MIN), type: 'turn_context', payload: { model: 'gpt-5.5', cwd } }),
        ...lines,
      ].join('\n') + '\n',
    );
  await rollout('a', '/work/alpha', 'sess-a', [
    line.tokenCount(iso(T), 10_000, 10_000, main(10, R1)),
    line.tokenCount(iso(T + 30 * MIN), 30_000, 20_000, main(20, R1)),
    line.tokenCount(iso(R1 + 10 * MIN), 36_000, 6000, main(2, R2)),
  ]);
  await rollout('b', '/work/beta', 'sess-b', [
    line.tokenCount(iso(T + 40 * MIN), 8000, 8000, other),
    line.tokenCount(iso(T + 41 * MIN), 20_000, 12_000, main(25, R1)),
  ]);
  await rollout('c', '/work/gamma', 'sess-c', [line.tokenCount(iso(T + 20 * MIN), 50_000, 50_000, apiKey)]);
  return { T, R1, R2, W, O };
}

function windowOf(view: HistoryView, id: string, kind: 'primary' | 'secondary', reset: number): HistoryWindow {
  const found = view.windows.find((w) => w.limitId === id && w.kind === kind && w.resetsAt === reset);
  if (found === undefined) throw new Error(`no window ${id} ${kind} resetting ${iso(reset)} in the view`);
  return found;
}

function expectUsage(w: HistoryWindow, expected: { tokens: number; cached: number; usd: number }): void {
  expect(w.usage?.tokens).toBe(expected.tokens);
  expect(w.usage?.cachedInput).toBe(expected.cached);
  expect(w.usage?.cost.status).toBe('exact');
  expect(w.usage?.cost.usd).toBeCloseTo(expected.usd, 9);
  expect([w.usage?.complete, w.usage?.countingStartedAt]).toEqual([true, null]);
}

describe('usage per rate-limit window', () => {
  it('counts each request in the instances its session read, once, as the recorder and the logs both count it', async () => {
    const now = Date.now();
    const { R1, R2, W, O } = await writeScenario(now);
    const a1 = grown(10_000);
    const a2 = grown(30_000, 10_000);
    const a3 = grown(36_000, 30_000);
    const b1 = grown(8000);
    const b2 = grown(20_000, 8000);
    const expected = {
      r1: sum(a1, a2, b2), // B's first request was made before B read the main family
      r2: sum(a3),
      weekly: sum(a1, a2, a3, b2),
      other: sum(b1, b2), // B's second request was made while its codex_other reading had not reset
    };
    const check = (view: HistoryView): void => {
      expectUsage(windowOf(view, 'codex', 'primary', R1), expected.r1);
      expectUsage(windowOf(view, 'codex', 'primary', R2), expected.r2);
      expectUsage(windowOf(view, 'codex', 'secondary', W), expected.weekly);
      expectUsage(windowOf(view, 'codex_other', 'primary', O), expected.other);
      // The days count every token once, C's included: the windows are a split of them, not more.
      const days = view.days.reduce((n, d) => n + d.tokens, 0);
      expect(days).toBe(expected.weekly.tokens + b1.shown + grown(50_000).shown);
    };

    const { store, backfilled } = await recorderFor(t.data, t.home.home, { now: () => now });
    await backfilled();
    check(buildView(store.state, { days: 2 }, now, idleBackfill()));
    // Read back from the file the publisher wrote: the same.
    const read = await readHistory(t.data.file, now);
    expect([read.problem, read.adjusted]).toEqual([null, 0]);
    check(buildView(read.state, { days: 2 }, now, idleBackfill()));
    // Projects on the ignore list are left out of the windows as out of the days.
    const ignoring = buildView(read.state, { days: 2 }, now, idleBackfill(), ['beta']);
    expect(windowOf(ignoring, 'codex', 'primary', R1).usage?.tokens).toBe(sum(a1, a2).tokens);
    expect(windowOf(ignoring, 'codex_other', 'primary', O).usage?.tokens).toBe(0);
    // Compacted, the rollouts' window shares become one line per instance and project: the same figures.
    await store.compactNow();
    const compacted = await readHistory(t.data.file, now);
    expect(compacted.state.windowUsage.size).toBe(0);
    check(buildView(compacted.state, { days: 2 }, now, idleBackfill()));
    const stillIgnoring = buildView(compacted.state, { days: 2 }, now, idleBackfill(), ['beta']);
    expect(windowOf(stillIgnoring, 'codex', 'primary', R1).usage?.tokens).toBe(sum(a1, a2).tokens);
  });

  it('history --json and history print the same per window from the logs, before anything was recorded', async () => {
    const now = Date.now();
    const { R1, W } = await writeScenario(now);
    const env = { CODEX_HOME: t.home.home, CODEX_PRESENCE_DATA_DIR: t.data.dir };
    const json = await runCli(['history', '--json', '--days', '2'], env);
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout) as {
      windows: Array<{
        limitId: string;
        kind: string;
        resetsAt: string;
        usage: { tokens: number; cost: unknown } | null;
      }>;
      cost: { basis: string };
    };
    const r1 = view.windows.find((w) => w.limitId === 'codex' && w.kind === 'primary' && w.resetsAt === iso(R1));
    const expectedR1 = sum(grown(10_000), grown(30_000, 10_000), grown(20_000, 8000));
    expect(r1?.usage?.tokens).toBe(expectedR1.tokens);
    expect(view.cost.basis).toBe('apiEquivalent');
    const weekly = view.windows.find((w) => w.kind === 'secondary' && w.resetsAt === iso(W));
    const text = await runCli(['history', '--days', '2'], env);
    expect(text.code).toBe(0);
    const section = text.stdout.slice(text.stdout.indexOf('API-equivalent value per window'));
    expect(section).toMatch(/^API-equivalent value per window$/m);
    // The weekly window in progress and the per-model family's, with their tokens and cost.
    const weeklyExpected = sum(grown(36_000), grown(20_000, 8000));
    expect(weekly?.usage?.tokens).toBe(weeklyExpected.tokens);
    const words = (u: { tokens: number; usd: number }): string =>
      `${compactNumber(u.tokens)} tokens · ${usdText(u.usd)}`.replace(/[.$]/g, '\\$&');
    expect(section).toMatch(new RegExp(`^  weekly +\\d+ \\w+ – \\d+ \\w+ +${words(weeklyExpected)} +\\(now\\)$`, 'm'));
    const otherExpected = sum(grown(20_000));
    expect(section).toMatch(
      new RegExp(`^  codex_other 5h +\\d+ \\w+ \\d\\d:\\d\\d–\\d\\d:\\d\\d +${words(otherExpected)} +\\(now\\)$`, 'm'),
    );
  });

  it('a file from before window usage counts windows from its last folded line, as a lower bound, and keeps that', async () => {
    const now = Date.now();
    const lastFolded = now - 2 * HOUR;
    const path = '/s/old.jsonl';
    const old: FileRecord = fileRecord(path, lastFolded + MIN, [[iso(now).slice(0, 10), 5000, 0]]);
    await writeFile(
      t.data.file,
      [
        legacyHeaderRecord(now - 30 * 24 * HOUR),
        old,
        limitRecord(now - 6 * HOUR, 50), // a window that reset five hours ago: before counting began
        { ...limitRecord(now - 3 * HOUR, 10), reset: now + 2 * HOUR }, // runs on: counted from partway in
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const read = await readHistory(t.data.file, now);
    const view = buildView(read.state, { days: 1 }, now, idleBackfill());
    const ended = windowOf(view, 'codex', 'primary', now - 5 * HOUR);
    const running = windowOf(view, 'codex', 'primary', now + 2 * HOUR);
    expect(ended.usage).toBeNull();
    expect(running.usage).toMatchObject({ tokens: 0, complete: false, countingStartedAt: lastFolded });
    expect(running.usage?.cost.status).toBe('partial');

    // The publisher writes the time down, so the next read says the same whatever it appended since.
    const store = await HistoryStore.open(t.data.file, { now: () => now });
    await store.flush();
    expect(JSON.parse((await readFile(t.data.file, 'utf8')).split('\n')[0] ?? '')).toMatchObject({
      k: 'header',
      windowsSince: lastFolded,
    });
    const win: WindowTokens[] = [['codex', 'primary', now + 2 * HOUR, 700, 0]];
    store.append([{ ...old, lastAt: now - MIN, offset: 200, add: [[iso(now).slice(0, 10), 700, 0]], win }]);
    await store.flush();
    const again = buildView((await readHistory(t.data.file, now)).state, { days: 1 }, now, idleBackfill());
    expect(windowOf(again, 'codex', 'primary', now + 2 * HOUR).usage).toMatchObject({
      tokens: 700,
      complete: false,
      countingStartedAt: lastFolded,
    });
  });

  it('after Clear history a window in progress counts from the clear; a new file counts from its first line', async () => {
    const now = Date.now();
    await writeFile(t.data.file, `${JSON.stringify(headerRecord(now - 24 * HOUR))}\n`);
    const clock = { now: now - HOUR };
    const store = await HistoryStore.open(t.data.file, { now: () => clock.now });
    store.append([limitRecord(now - 2 * HOUR, 10)]);
    await store.flush();
    const before = buildView(store.state, { days: 1 }, now, idleBackfill());
    expect(windowOf(before, 'codex', 'primary', now - HOUR).usage).toMatchObject({ complete: true });
    await store.clear();
    store.append([limitRecord(now - 30 * MIN, 20)]);
    await store.flush();
    const after = buildView((await readHistory(t.data.file, now)).state, { days: 1 }, now, idleBackfill());
    expect(windowOf(after, 'codex', 'primary', now + 30 * MIN).usage).toMatchObject({
      complete: false,
      countingStartedAt: now - HOUR,
    });
  });

  it('keeps the newest instances a chart can show, the same before and after compaction', async () => {
    const now = Date.now();
    const reset = (i: number): number => now - i * 5 * HOUR + HOUR;
    const store = await HistoryStore.open(t.data.file, { now: () => now });
    // One long-lived rollout across 14 five-hour windows, each read and counted.
    const win: WindowTokens[] = Array.from({ length: 14 }, (_, i) => ['codex', 'primary', reset(i), 100 + i, 0]);
    for (let i = 13; i >= 0; i -= 1) store.append([{ ...limitRecord(reset(i) - 2 * HOUR, 10 + i), reset: reset(i) }]);
    store.append([fileRecord('/s/long.jsonl', now, [[iso(now).slice(0, 10), 14 * 100 + 91, 0]], { win })]);
    // Another session read the same instances a second later (the headers' reset moves by a second or so).
    const later: WindowTokens[] = Array.from({ length: 14 }, (_, i) => ['codex', 'primary', reset(i) + 1000, 1, 0]);
    store.append([fileRecord('/s/other.jsonl', now, [[iso(now).slice(0, 10), 14, 0]], { win: later })]);
    await store.flush();
    const shown = (s: typeof store.state): Array<[number | null, number | undefined]> =>
      buildView(s, { days: 1 }, now, idleBackfill()).windows.map((w) => [w.resetsAt, w.usage?.tokens]);
    const before = shown(store.state);
    // The current window and the 8 past ones, newest first, each with both sessions' counts.
    expect(before).toEqual(Array.from({ length: 9 }, (_, i) => [reset(i), 100 + i + 1]));
    await store.compactNow();
    // One line per instance and project, the rollouts' tokens summed: the 10 newest, newest first.
    const lines = (await readFile(t.data.file, 'utf8')).split('\n').filter((l) => l.startsWith('{"k":"window"'));
    expect(lines.map((l) => JSON.parse(l) as WindowRecord)).toEqual(
      Array.from({ length: 10 }, (_, i) => ({
        k: 'window',
        id: 'codex',
        kind: 'primary',
        reset: reset(i),
        project: 'alpha',
        add: [100 + i + 1, 0],
      })),
    );
    const files = (await readFile(t.data.file, 'utf8')).split('\n').filter((l) => l.startsWith('{"k":"file"'));
    expect(files.map((l) => (JSON.parse(l) as FileRecord).win)).toEqual([undefined, undefined]);
    expect(shown((await readHistory(t.data.file, now)).state)).toEqual(before);
  });
});
