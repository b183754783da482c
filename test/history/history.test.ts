import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readFile, writeFile, appendFile, stat, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SAMPLES, TempCodexHome, line } from '../support/codexHome.js';
import { expectedDaily, headerRecord, limitRecord, recorderFor, TempDataDir, dayOf } from './support.js';
import { HistoryStore, readHistory } from '../../src/history/store.js';
import { backfillFromState, buildView } from '../../src/history/view.js';
import { HistoryRecorder } from '../../src/history/recorder.js';
import { encodeRecord } from '../../src/history/codec.js';
import type { HistoryRecord } from '../../src/history/records.js';
import { UsageEngine } from '../../src/usage/engine.js';

let home: TempCodexHome;
let data: TempDataDir;
beforeEach(async () => {
  home = await TempCodexHome.create();
  data = await TempDataDir.create();
});
afterEach(async () => {
  await home.remove();
  await data.remove();
});

/** All input, nothing cached: Codex's blended figure is the total itself. */
const plain = (n: number) => ({ input_tokens: n, cached_input_tokens: 0, output_tokens: 0, total_tokens: n });
const tc = (at: string, total: number, last: number): string =>
  line.event(at, { type: 'token_count', info: { total_token_usage: plain(total), last_token_usage: plain(last) } });

const NOW = Date.parse('2026-11-22T12:00:00Z');
const fixedNow = (): number => NOW;

/** `[day, project] → tokens` from a view, for comparing with the independent figures. */
function byDayProject(view: ReturnType<typeof buildView>): Record<string, Record<string, [number, number]>> {
  const out: Record<string, Record<string, [number, number]>> = {};
  for (const d of view.days) {
    for (const p of d.projects) (out[d.day] ??= {})[p.project ?? ''] = [p.tokens, p.cachedInput];
  }
  return out;
}

describe('backfill', () => {
  it('gives exact daily totals by project from the real samples', async () => {
    const paths = [];
    for (const s of Object.values(SAMPLES)) paths.push(await home.copySample(s));
    const { recorder, backfilled } = await recorderFor(data, home.home, { now: fixedNow });
    await backfilled();
    const view = recorder.view({ days: 3 });
    const expected: Record<string, Record<string, [number, number]>> = {};
    for (const [day, projects] of await expectedDaily(paths)) {
      for (const [project, { tokens, cached }] of projects) (expected[day] ??= {})[project] = [tokens, cached];
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(byDayProject(view)).toEqual(expected);
    // Codex's own figures for the samples (blended: 28500 − 10200 + 600 = 18900 for orbit-api's resumed session).
    const day = view.days.find((d) => d.tokens > 0);
    expect(day?.projects.map((p) => p.project)).toEqual(['skyline-web', 'orbit-api', 'ledger-cli']);
    expect(day?.tokens).toBe(18900 + 5100 + 24500 + 3040);
    expect(view.backfill).toEqual({ phase: 'done', filesDone: 4, filesTotal: 4, message: null });
    // What was written reads back to the same view (a reader gets what the publisher shows).
    const { state } = await readHistory(data.file, NOW);
    expect(buildView(state, { days: 3 }, NOW, recorder.backfill)).toEqual(view);
  });

  it('counts a fork once: its first line is only its own request', async () => {
    const parent = await home.writeRollout(
      home.rolloutPath('2026-11-21', 'parent'),
      [
        line.meta('2026-11-21T10:00:00.000Z', { id: 'parent', cwd: '/w/alpha' }),
        tc('2026-11-21T10:01:00.000Z', 10000, 10000),
        tc('2026-11-21T10:02:00.000Z', 33000, 23000),
      ].join('\n') + '\n',
    );
    const fork = await home.writeRollout(
      home.rolloutPath('2026-11-21', 'fork'),
      [
        line.meta('2026-11-21T11:00:00.000Z', { id: 'fork', cwd: '/w/alpha', forked_from_id: 'parent' }),
        tc('2026-11-21T11:01:00.000Z', 38150, 5150),
        tc('2026-11-21T11:02:00.000Z', 40000, 1850),
      ].join('\n') + '\n',
    );
    const { recorder, backfilled } = await recorderFor(data, home.home, { now: fixedNow });
    await backfilled();
    const view = recorder.view({ days: 2, day: '2026-11-21' });
    const expected = await expectedDaily([parent, fork]);
    const day = view.days.find((d) => d.day === dayOf('2026-11-21T10:01:00.000Z'));
    expect(day?.projects).toEqual([
      {
        project: 'alpha',
        tokens: expected.get(day?.day ?? '')?.get('alpha')?.tokens,
        cachedInput: 0,
        // These lines name no model (no turn_context): nothing to price them by.
        cost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      },
    ]);
    expect(day?.tokens).toBe(33000 + 5150 + 1850);
    expect(view.topSessions.map((s) => [s.id, s.tokens])).toEqual([
      ['parent', 33000],
      ['fork', 7000],
    ]);
  });

  it("counts a sub-agent's own usage, not its copy of the parent's session_meta", async () => {
    await home.writeRollout(
      home.rolloutPath('2026-11-21', 'child'),
      [
        line.meta('2026-11-21T10:00:00.000Z', { id: 'child', cwd: '/w/beta' }),
        line.meta('2026-11-21T09:00:00.000Z', { id: 'parent', cwd: '/w/gamma', forked_from_id: 'x' }),
        tc('2026-11-21T10:01:00.000Z', 1200, 1200),
      ].join('\n') + '\n',
    );
    const { recorder, backfilled } = await recorderFor(data, home.home, { now: fixedNow });
    await backfilled();
    expect(recorder.view({ days: 2, day: '2026-11-21' }).topSessions).toEqual([
      {
        id: 'child',
        project: 'beta',
        model: null,
        tokens: 1200,
        cachedInput: 0,
        cost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      },
    ]);
  });

  it('never records an ignored project, and clear removes everything', async () => {
    await home.copySample(SAMPLES.basic);
    await home.copySample(SAMPLES.noHeaders);
    const { recorder, backfilled } = await recorderFor(data, home.home, { now: fixedNow, ignore: ['orbit-*'] });
    await backfilled();
    const text = await readFile(data.file, 'utf8');
    expect(text).toContain('ledger-cli');
    expect(text).not.toContain('orbit-api');
    expect(recorder.view({ days: 3 }).days.flatMap((d) => d.projects.map((p) => p.project))).toEqual(['ledger-cli']);
    await recorder.clear();
    const after = await readFile(data.file, 'utf8');
    expect(after).not.toContain('ledger-cli');
    expect(after).not.toContain('"k":"limit"');
    expect(after).not.toContain('"k":"file"');
    const view = recorder.view({ days: 3 });
    expect(view.days.every((d) => d.tokens === 0)).toBe(true);
    expect(view.windows).toEqual([]);
    await recorder.stop();
  });
});

describe('a history file that cannot be written', () => {
  it('stops the catch-up and says why, in the view; nothing throws', async () => {
    for (const s of Object.values(SAMPLES)) await home.copySample(s);
    const store = await HistoryStore.open(data.file, { now: fixedNow });
    // The file replaced by a folder: every append and every compaction fails (EISDIR), even for root.
    await rm(data.file);
    await mkdir(data.file);
    const recorder = new HistoryRecorder({ store, codexHome: home.home, now: fixedNow, ignore: () => [] });
    recorder.start();
    for (let i = 0; i < 500 && recorder.backfill.phase !== 'error'; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(recorder.backfill.phase).toBe('error');
    expect(recorder.backfill.message).toBe(`history could not be written to ${data.file} (EISDIR)`);
    expect(recorder.view({ days: 3 }).backfill).toMatchObject({ phase: 'error' });
    await recorder.stop();
  });
});

describe('live recording', () => {
  it('adds what a snapshot shows grew, from the rollout, on the day of its lines', async () => {
    const path = await home.writeLiveSample(SAMPLES.noHeaders, 'live', 60_000);
    const { recorder, backfilled } = await recorderFor(data, home.home);
    await backfilled();
    const today = recorder.view({ days: 1 }).days[0];
    expect(today?.tokens).toBe(3040);
    const at = new Date().toISOString();
    await appendFile(path, `${tc(at, 5000, 2000)}\n`);
    const engine = new UsageEngine({ codexHome: home.home });
    await engine.coldStart();
    recorder.record(engine.snapshot());
    await recorder.idle();
    expect(recorder.view({ days: 1 }).days[0]?.tokens).toBe(5000);
    expect(recorder.view({ days: 1 }).days[0]?.day).toBe(dayOf(at));
    await recorder.stop();
  });

  it('records a limit reading only when it changed', async () => {
    await home.writeLiveSample(SAMPLES.basic, 'live', 60_000);
    const { store, recorder, backfilled } = await recorderFor(data, home.home);
    await backfilled();
    const engine = new UsageEngine({ codexHome: home.home });
    await engine.coldStart();
    const before = store.state.limits.length;
    for (let i = 0; i < 5; i += 1) recorder.record(engine.snapshot());
    await store.flush();
    expect(store.state.limits.length).toBe(before);
    const size = (await stat(data.file)).size;
    recorder.record(engine.snapshot());
    await store.flush();
    expect((await stat(data.file)).size).toBe(size);
    await recorder.stop();
  });
});

describe('the history file', () => {
  const header = (): HistoryRecord => headerRecord(NOW);
  const limit = limitRecord;

  it('recovers from a truncated last line, keeping a byte-identical backup', async () => {
    const body = [header(), limit(NOW - 60_000, 10), limit(NOW - 30_000, 20)].map(encodeRecord).join('');
    const damaged = Buffer.concat([Buffer.from(body), Buffer.from('{"k":"limit","at":17953')]);
    await writeFile(data.file, damaged);
    const store = await HistoryStore.open(data.file, { now: fixedNow });
    expect(store.state.limits.map((l) => l.used)).toEqual([10, 20]);
    const files = await data.files();
    const backup = files.find((f) => f.startsWith('history.jsonl.damaged-'));
    expect(backup).toBeDefined();
    expect(Buffer.compare(await readFile(join(data.dir, backup ?? '')), damaged)).toBe(0);
    const reread = await readHistory(data.file, NOW);
    expect(reread.problem).toBeNull();
    expect(reread.state.limits.map((l) => l.used)).toEqual([10, 20]);
  });

  it('backs up a foreign or corrupt file byte for byte and starts afresh, never failing', async () => {
    const foreign = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a, 0x7b, 0x7d, 0x0a, 0x80]);
    await writeFile(data.file, foreign);
    const store = await HistoryStore.open(data.file, { now: fixedNow });
    expect(store.state.limits).toEqual([]);
    const backup = (await data.files()).find((f) => f.startsWith('history.jsonl.damaged-'));
    expect(Buffer.compare(await readFile(join(data.dir, backup ?? '')), foreign)).toBe(0);
    expect((await readHistory(data.file, NOW)).problem).toBeNull();
    // A bad line in the middle is skipped; the rest is kept.
    const body =
      [header(), limit(NOW - 60_000, 10)].map(encodeRecord).join('') + 'not json\n' + encodeRecord(limit(NOW, 30));
    await writeFile(data.file, body);
    const again = await HistoryStore.open(data.file, { now: fixedNow });
    expect(again.state.limits.map((l) => l.used)).toEqual([10, 30]);
  });

  it('keeps 400 days, and drops the oldest days first to stay under the size cap', async () => {
    const DAY = 86_400_000;
    const records: HistoryRecord[] = [header()];
    for (let d = 0; d < 500; d += 1) records.push(limit(NOW - d * DAY, d % 100));
    records.push({
      k: 'file',
      path: '/x/rollout-a.jsonl',
      ino: 1,
      offset: 10,
      lastAt: NOW,
      session: 's',
      project: 'p',
      model: null,
      fork: false,
      ignored: false,
      meta: true,
      prev: null,
      after: null,
      add: Array.from({ length: 500 }, (_, d) => [dayOf(new Date(NOW - d * DAY).toISOString()), 100 + d, 0]),
    });
    await writeFile(data.file, records.map(encodeRecord).join(''));
    const aged = await HistoryStore.open(data.file, { now: fixedNow });
    const days = [...(aged.state.usage.get('/x/rollout-a.jsonl')?.keys() ?? [])].sort();
    expect(days.length).toBe(400);
    expect(days.at(-1)).toBe(dayOf(new Date(NOW).toISOString()));
    expect(Math.min(...aged.state.limits.map((l) => l.at))).toBeGreaterThan(NOW - 400 * DAY);
    expect(aged.state.limits.length).toBe(400);

    const maxBytes = 20_000;
    const capped = await HistoryStore.open(data.file, { now: fixedNow, bounds: { maxDays: 400, maxBytes } });
    await capped.compactNow();
    expect((await stat(data.file)).size).toBeLessThanOrEqual(maxBytes);
    const kept = [...(capped.state.usage.get('/x/rollout-a.jsonl')?.keys() ?? [])].sort();
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.at(-1)).toBe(dayOf(new Date(NOW).toISOString()));
    // Oldest first: what is kept is a run of the newest days.
    const newest = Math.max(...capped.state.limits.map((l) => l.at));
    expect(newest).toBe(NOW);
    expect(capped.state.files.get('/x/rollout-a.jsonl')?.offset).toBe(10);
  });

  it('a compaction writes what was appended before it was asked for; a write queued earlier does not append it first', async () => {
    const store = await HistoryStore.open(data.file, { now: fixedNow });
    store.append([limit(NOW - 3000, 1)]);
    void store.flush();
    // That write has taken its line and is on the disk's way; the next one queues behind it.
    await Promise.resolve();
    store.append([limit(NOW - 2000, 2)]);
    const queued = store.flush();
    store.append([limit(NOW - 1000, 3)]);
    const compacted = store.compactNow();
    await queued;
    // The queued write has run and the compaction has not renamed yet: readings 2 and 3 are the compaction's.
    const between = readFileSync(data.file, 'utf8');
    expect(between).toContain('"used":1,');
    expect(between).not.toContain('"used":2,');
    expect(between).not.toContain('"used":3,');
    await compacted;
    expect((await readHistory(data.file, NOW)).state.limits.map((l) => l.used)).toEqual([1, 2, 3]);
    expect(readFileSync(data.file, 'utf8')).toMatch(/\{"k":"recent"[^\n]*\n$/);
  });

  it('a reader never writes, even to a damaged file', async () => {
    const damaged = Buffer.from(encodeRecord(header()) + '{"k":"li');
    await writeFile(data.file, damaged);
    const read = await readHistory(data.file, NOW);
    expect(read.problem).toMatch(/cut short/);
    expect(await data.files()).toEqual(['history.jsonl']);
    expect(Buffer.compare(await readFile(data.file), damaged)).toBe(0);
    expect(buildView(read.state, { days: 7 }, NOW, backfillFromState(read.state)).days).toHaveLength(7);
  });
});
