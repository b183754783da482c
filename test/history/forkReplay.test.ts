import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanRollout, type ScanOptions } from '../../src/history/foldFile.js';
import type { DayTokens, FileCursor } from '../../src/history/records.js';
import { codexFigure, plus, rawUsage } from '../support/codexFigures.js';
import { line } from '../support/codexHome.js';

// A fork of a session written before paginated history (0.171 forking a 0.100
// session, issue 24 §3): the parent's lines are copied into the fork, token
// counts included, before the fork's own first `token_usage_record`. What those
// copies count is the parent's, already counted in the parent's own file.

const NOW = Date.UTC(2026, 11, 7, 12);
const at = (s: number): string => new Date(NOW - 600_000 + s * 1000).toISOString();
const opts: ScanOptions = { project: async () => 'ledger-cli', ignored: () => false, now: NOW, countAfter: null };

const turn1 = rawUsage(8000, 2000, 180);
const turn2 = rawUsage(16_000, 4000, 360);
const own = rawUsage(24_000, 6000, 540);
const parentAfter1 = turn1;
const parentAfter2 = plus(turn1, turn2);
const forkTotal = plus(parentAfter2, own);

const count = (s: number, total: typeof turn1, last: typeof turn1): string =>
  line.event(at(s), { type: 'token_count', info: { total_token_usage: total, last_token_usage: last } });
const record = (s: number, thread: string, usage: typeof turn1): string =>
  JSON.stringify({
    timestamp: at(s),
    type: 'token_usage_record',
    payload: { thread_id: thread, turn_id: 't', turn_token_usage: usage },
  });

/** As 0.171 writes it: its meta, a copy of the parent's, the parent's two turns, then its own turn. */
const copied = [
  line.meta(at(20), { id: 'fork', forked_from_id: 'parent' }),
  line.meta(at(20), { id: 'parent' }),
  line.taskStarted(at(20)),
  count(20, parentAfter1, turn1),
  line.taskComplete(at(20)),
  line.taskStarted(at(20)),
  count(20, parentAfter2, turn2),
  line.taskComplete(at(20)),
];
const ownTurn = [
  line.taskStarted(at(21)),
  record(22, 'fork', own),
  count(22, forkTotal, own),
  line.taskComplete(at(23)),
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-fork-replay-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const sum = (add: readonly DayTokens[]): number => add.reduce((n, [, t]) => n + t, 0);

describe('history of a fork that replays its parent’s lines', () => {
  it('counts only the fork’s own request, read in one go', async () => {
    const path = join(dir, 'rollout-fork.jsonl');
    await writeFile(path, `${[...copied, ...ownTurn].join('\n')}\n`);
    const result = await scanRollout(path, null, opts);
    expect(sum(result?.add ?? [])).toBe(codexFigure(own));
    expect(result?.cursor.ownRecord).toBe(true);
  });

  it('the same when migrate-rollouts dropped the copy of the parent’s session_meta', async () => {
    const path = join(dir, 'rollout-fork.jsonl');
    await writeFile(path, `${[copied[0], ...copied.slice(2), ...ownTurn].join('\n')}\n`);
    expect(sum((await scanRollout(path, null, opts))?.add ?? [])).toBe(codexFigure(own));
  });

  it('a later turn adds its growth, across reads: the cursor keeps that the fork’s own record was seen', async () => {
    const path = join(dir, 'rollout-fork.jsonl');
    await writeFile(path, `${[...copied, ...ownTurn].join('\n')}\n`);
    const first = await scanRollout(path, null, opts);
    const next = rawUsage(3000, 1000, 90);
    // The next read begins at a token count whose record the previous read already passed.
    await appendFile(path, `${record(30, 'fork', next)}\n`);
    const second = await scanRollout(path, first?.cursor as FileCursor, opts);
    expect(second?.add).toEqual([]);
    await appendFile(path, `${count(31, plus(forkTotal, next), next)}\n`);
    const third = await scanRollout(path, second?.cursor as FileCursor, opts);
    expect(sum(third?.add ?? [])).toBe(codexFigure(next));
  });

  it('the parent’s copied lines count in no window either; the fork’s own request counts in the one it read', async () => {
    const reset = NOW + 3_600_000;
    const limits = { limit_id: 'codex', primary: { used_percent: 12, window_minutes: 300, resets_at: reset / 1000 } };
    const withLimits = (text: string): string => {
      const v = JSON.parse(text) as { type: string; payload: Record<string, unknown> };
      if (v.payload.type === 'token_count') v.payload.rate_limits = limits;
      return JSON.stringify(v);
    };
    const path = join(dir, 'rollout-fork.jsonl');
    await writeFile(path, `${[...copied, ...ownTurn].map(withLimits).join('\n')}\n`);
    const result = await scanRollout(path, null, opts);
    expect(sum(result?.add ?? [])).toBe(codexFigure(own));
    expect(result?.win?.map(([id, kind, at, tokens]) => [id, kind, at, tokens])).toEqual([
      ['codex', 'primary', reset, codexFigure(own)],
    ]);
    expect(result?.cursor.marks).toEqual([['codex', 'primary', reset]]);
  });

  it('a paginated fork (no copies, a record before each count) is counted as before', async () => {
    const path = join(dir, 'rollout-fork.jsonl');
    await writeFile(path, `${[copied[0], ...ownTurn].join('\n')}\n`);
    expect(sum((await scanRollout(path, null, opts))?.add ?? [])).toBe(codexFigure(own));
  });
});
