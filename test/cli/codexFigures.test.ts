import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { runCli } from '../support/cli.js';
import {
  codexContextLeft,
  codexFigure,
  expectedTokens,
  plus,
  rawUsage,
  type RawUsage,
} from '../support/codexFigures.js';
import { line, readSample, SAMPLES, TempCodexHome } from '../support/codexHome.js';

// Issue 12 §1, §2 and §4 (forks): `status --json`, run as a real process on
// real files, gives the figures Codex's own /status prints. Every expected
// number is computed here from the raw fields (test/support/codexFigures.ts).

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

const WINDOW = 258_400;
/** A time `s` seconds after a start two minutes ago: every file reads as a live session. */
const base = Date.now() - 120_000;
const at = (s: number): string => new Date(base + s * 1000).toISOString();

function tokenCount(when: string, total: RawUsage, last: RawUsage | null, extra: Record<string, unknown> = {}): string {
  return line.event(when, {
    type: 'token_count',
    info: {
      total_token_usage: total,
      ...(last === null ? {} : { last_token_usage: last }),
      model_context_window: WINDOW,
    },
    ...extra,
  });
}

async function status(files: Record<string, string[]>): Promise<SnapshotJson> {
  for (const [name, lines] of Object.entries(files))
    await home.writeRollout(home.rolloutPath('2026-11-21', name), `${lines.join('\n')}\n`);
  return statusNow();
}

async function statusNow(): Promise<SnapshotJson> {
  const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as SnapshotJson;
}

const byId = (snap: SnapshotJson, id: string): SnapshotJson['sessions'][number] | undefined =>
  snap.sessions.find((s) => s.id === id);

describe('the four real 0.169 samples', () => {
  it.each(Object.values(SAMPLES))('%s: Codex’s total, last, delta and context', async (sample) => {
    await home.writeLiveSample(sample, sample.replace('.jsonl', ''), 60_000);
    const snap = await statusNow();
    const expected = expectedTokens(await readSample(sample));
    const { lastRequest, ...tokens } = expected;
    expect(snap.sessions).toHaveLength(1);
    expect(snap.sessions[0]?.tokens).toEqual(tokens);
    expect(snap.sessions[0]?.context).toEqual({
      window: WINDOW,
      used: lastRequest.total_tokens,
      percentLeft: codexContextLeft(WINDOW, lastRequest.total_tokens),
    });
    // Cached input is in no figure Codex displays.
    expect(tokens.total).toBe(tokens.input - tokens.cachedInput + tokens.output);
  });
});

describe('every token shape in SCHEMA.md', () => {
  it('§4: the documented token_count line', async () => {
    const u = rawUsage(8000, 2000, 180, 64);
    const snap = await status({
      a: [
        line.meta(at(0), { id: 'schema-4' }),
        line.taskStarted(at(1)),
        tokenCount(at(2), u, u, {
          rate_limits: {
            limit_id: 'codex',
            limit_name: null,
            primary: { used_percent: 12.5, window_minutes: 300, resets_at: Math.round(base / 1000) + 9000 },
            secondary: { used_percent: 41.0, window_minutes: 10080, resets_at: Math.round(base / 1000) + 400_000 },
            credits: { has_credits: true, unlimited: false, balance: '17.50' },
          },
        }),
      ],
    });
    expect(byId(snap, 'schema-4')?.tokens).toEqual({
      total: codexFigure(u), // 6180
      own: codexFigure(u),
      last: codexFigure(u),
      delta: codexFigure(u),
      input: 8000,
      cachedInput: 2000,
      output: 180,
      reasoningOutput: 64,
      processed: 8180,
    });
    expect(codexFigure(u)).toBe(6180);
  });

  it('§9: input 33000, cached 14400, output 660, total_tokens 33660 is shown as 19.3K', async () => {
    const u = rawUsage(33_000, 14_400, 660);
    expect(u.total_tokens).toBe(33_660);
    const snap = await status({ a: [line.meta(at(0), { id: 'schema-9' }), tokenCount(at(1), u, u)] });
    const tokens = byId(snap, 'schema-9')?.tokens;
    expect(tokens).toMatchObject({ total: 19_260, processed: 33_660, input: 33_000, cachedInput: 14_400 });
    // Codex compacts 19 260 to one decimal: 19.3K.
    expect(((tokens?.total ?? 0) / 1000).toFixed(1)).toBe('19.3');
  });

  it('§9: after /compact the context follows the new smaller request; no turn, no delta', async () => {
    const first = rawUsage(150_000, 100_000, 2000);
    const compaction = rawUsage(7000, 0, 226); // 7226, the figure Codex showed
    const lines = [
      line.meta(at(0), { id: 'compact' }),
      line.taskStarted(at(1)),
      tokenCount(at(2), first, first),
      line.taskComplete(at(3)),
    ];
    const before = await status({ a: lines });
    expect(byId(before, 'compact')?.context.percentLeft).toBe(codexContextLeft(WINDOW, 152_000));
    expect(byId(before, 'compact')?.context.percentLeft).toBeLessThan(100);
    await home.remove();
    home = await TempCodexHome.create();
    const snap = await status({
      a: [
        ...lines,
        JSON.stringify({ timestamp: at(4), type: 'compacted', payload: { message: '' } }),
        tokenCount(at(5), first, compaction),
      ],
    });
    const s = byId(snap, 'compact');
    expect(s?.context).toEqual({ window: WINDOW, used: 7226, percentLeft: 100 });
    expect(s?.turns).toBe(1);
    expect(s?.tokens).toMatchObject({ total: codexFigure(first), delta: codexFigure(first), last: codexFigure(first) });
  });

  it('§4: info: null keeps the totals; token_usage_record gives the last turn', async () => {
    const r1 = rawUsage(9000, 3000, 300);
    const r2 = rawUsage(4000, 3500, 120);
    const turn = plus(r1, r2);
    const snap = await status({
      a: [
        line.meta(at(0), { id: 'records' }),
        line.taskStarted(at(1)),
        tokenCount(at(2), r1, r1),
        JSON.stringify({ timestamp: at(3), type: 'token_usage_record', payload: { turn_token_usage: turn } }),
        tokenCount(at(3), turn, r2),
        line.event(at(4), { type: 'token_count', info: null, rate_limits: null }),
      ],
    });
    expect(byId(snap, 'records')?.tokens).toMatchObject({
      total: codexFigure(turn),
      last: codexFigure(turn),
      delta: codexFigure(turn) - codexFigure(r1),
      processed: turn.total_tokens,
    });
  });

  it('builds without last_token_usage: the request is the growth of the total', async () => {
    const t1 = rawUsage(5000, 1000, 100);
    const t2 = plus(t1, rawUsage(3000, 2500, 50));
    const snap = await status({
      a: [
        line.meta(at(0), { id: 'no-last' }),
        line.userMessage(at(1)),
        tokenCount(at(2), t1, null),
        line.userMessage(at(3)),
        tokenCount(at(4), t2, null),
      ],
    });
    expect(byId(snap, 'no-last')?.tokens).toMatchObject({
      total: codexFigure(t2),
      last: codexFigure(t2) - codexFigure(t1),
      delta: codexFigure(t2) - codexFigure(t1),
    });
    expect(byId(snap, 'no-last')?.context.used).toBe(t2.total_tokens - t1.total_tokens);
  });

  it('0.34–0.77 restart the total on resume: the figure restarts too, never a negative delta', async () => {
    const old = rawUsage(40_000, 10_000, 1000);
    const resumed = rawUsage(6000, 2000, 200);
    const snap = await status({
      a: [
        line.meta(at(0), { id: 'restart' }),
        line.userMessage(at(1)),
        tokenCount(at(2), old, old),
        line.userMessage(at(3)),
        tokenCount(at(4), resumed, resumed),
      ],
    });
    expect(byId(snap, 'restart')?.tokens).toMatchObject({
      total: codexFigure(resumed),
      last: codexFigure(resumed),
      delta: codexFigure(resumed),
    });
  });
});

describe('forks (issue 12 §4, issue 24 §2)', () => {
  // SCHEMA.md §11: the fork's first total 38150 = 33000 inherited + 5150 own.
  const parentTotal = rawUsage(32_400, 14_400, 600);
  const own1 = rawUsage(5000, 1000, 150);
  const own2 = rawUsage(6000, 4000, 200);
  const parent = [
    line.meta(at(0), { id: 'parent' }),
    line.taskStarted(at(1)),
    tokenCount(at(2), parentTotal, parentTotal),
    line.taskComplete(at(3)),
  ];

  it('shows Codex’s figure, inherited part included, keeps its own growth as `own`, and the parent keeps its own', async () => {
    expect(parentTotal.total_tokens).toBe(33_000);
    const first = plus(parentTotal, own1);
    expect(first.total_tokens).toBe(38_150);
    const second = plus(first, own2);
    const snap = await status({
      parent,
      fork: [
        line.meta(at(10), { id: 'fork', forked_from_id: 'parent' }),
        line.taskStarted(at(11)),
        tokenCount(at(12), first, own1),
        tokenCount(at(13), second, own2),
        line.taskComplete(at(14)),
      ],
    });
    const fork = byId(snap, 'fork');
    expect(fork?.forkedFrom).toBe('parent');
    expect(fork?.tokens).toEqual({
      // What Codex's /status prints for the fork: the file's running total, the parent's part included.
      total: codexFigure(second),
      own: codexFigure(own1) + codexFigure(own2),
      last: codexFigure(own1) + codexFigure(own2),
      delta: codexFigure(own2),
      input: second.input_tokens,
      cachedInput: second.cached_input_tokens,
      output: second.output_tokens,
      reasoningOutput: 0,
      processed: second.total_tokens,
    });
    expect(fork?.tokens.total).toBe(codexFigure(parentTotal) + codexFigure(own1) + codexFigure(own2));
    // The context gauge is the raw last request, as in Codex.
    expect(fork?.context.used).toBe(own2.total_tokens);
    expect(byId(snap, 'parent')).toMatchObject({
      forkedFrom: null,
      tokens: { total: codexFigure(parentTotal), own: codexFigure(parentTotal) },
    });
  });

  it('before its first usage line a fork shows 0, as Codex’s /status does ("0 total")', async () => {
    const snap = await status({
      parent,
      fork: [line.meta(at(10), { id: 'fork', forked_from_id: 'parent' }), line.taskStarted(at(11))],
    });
    expect(byId(snap, 'fork')).toMatchObject({
      forkedFrom: 'parent',
      tokens: { total: 0, own: 0, last: 0, delta: 0, processed: 0 },
      turns: 0,
    });
  });

  it('a fork whose first line has no last_token_usage counts that line as inherited, then its growth', async () => {
    const first = plus(parentTotal, own1);
    const second = plus(first, own2);
    const snap = await status({
      fork: [
        line.meta(at(10), { id: 'fork', forked_from_id: 'parent' }),
        line.userMessage(at(11)),
        tokenCount(at(12), first, null),
        tokenCount(at(13), second, null),
      ],
    });
    // The first request cannot be told from the parent's part: one request too few, never the parent's whole session.
    expect(byId(snap, 'fork')?.tokens).toMatchObject({
      total: codexFigure(second),
      own: codexFigure(own2),
      delta: codexFigure(own2),
      processed: second.total_tokens,
    });
  });

  it('a fork of an older session replays its parent’s lines: they are inherited, and only its own turn is its own', async () => {
    // 0.171 forking a 0.100 session (issue 24 §3): the parent's turns, token counts included, are copied in
    // before the fork's first own token_usage_record; migrate-rollouts later drops the copied meta, not the counts.
    const own = rawUsage(24_000, 6000, 540);
    const t1 = rawUsage(8000, 2000, 180);
    const t2 = rawUsage(16_000, 4000, 360);
    const replayed = plus(t1, t2);
    const total = plus(replayed, own);
    const record = JSON.stringify({
      timestamp: at(22),
      type: 'token_usage_record',
      payload: { thread_id: 'fork', turn_id: 'own', turn_token_usage: own },
    });
    const copies = [line.taskStarted(at(20)), tokenCount(at(20), t1, t1), tokenCount(at(20), replayed, t2)];
    const ownTurn = [line.taskStarted(at(21)), record, tokenCount(at(22), total, own), line.taskComplete(at(23))];
    for (const withMetaCopy of [true, false]) {
      const snap = await status({
        fork: [
          line.meta(at(20), { id: 'fork', forked_from_id: 'parent' }),
          ...(withMetaCopy ? [line.meta(at(20), { id: 'parent' })] : []),
          ...copies,
          line.taskComplete(at(20)),
          ...ownTurn,
        ],
      });
      expect(byId(snap, 'fork')).toMatchObject({
        turns: 1,
        tokens: { total: codexFigure(total), own: codexFigure(own), last: codexFigure(own), delta: codexFigure(own) },
      });
    }
  });

  it('only the file’s own session_meta decides: a copied parent meta does not make a fork', async () => {
    const u = rawUsage(1000, 0, 100);
    const snap = await status({
      child: [
        line.meta(at(10), { id: 'child' }),
        line.meta(at(10), { id: 'parent', forked_from_id: 'grandparent' }),
        tokenCount(at(12), u, u),
      ],
    });
    expect(byId(snap, 'child')).toMatchObject({ forkedFrom: null, tokens: { total: 1100, own: 1100 } });
  });
});
