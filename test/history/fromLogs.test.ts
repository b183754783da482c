import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { line } from '../support/codexHome.js';
import { homeAndDataPerTest, recorderFor } from './support.js';
import { foldFromLogs } from '../../src/history/catchUp.js';
import { readHistory } from '../../src/history/store.js';
import { buildView, idleBackfill } from '../../src/history/view.js';
import { listRolloutFiles } from '../../src/rollout/files.js';
import { DEFAULT_BOUNDS, type Bounds } from '../../src/history/bounds.js';

// Issue 23 §2: a reader's catch-up in memory ends where the recorder's does,
// its compaction included: under the byte cap (where it skips measuring) and
// over it (where the oldest days go).

const t = homeAndDataPerTest();
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** One session a day, `first` to `last` days ago, each with two token counts and a limit reading. */
async function sessions(first: number, last: number, now: number): Promise<void> {
  for (let d = first; d >= last; d -= 1) {
    const at = now - d * DAY;
    const reset = Math.floor((at + 3_600_000) / 1000);
    const limits = { limit_id: 'codex', primary: { used_percent: d % 90, window_minutes: 300, resets_at: reset } };
    await t.home.writeRollout(
      t.home.rolloutPath(iso(at).slice(0, 10), `d${d}`),
      [
        line.meta(iso(at), { id: `s${d}`, cwd: `/w/p${d % 3}` }),
        line.tokenCount(iso(at + 1000), 1000 + d, 1000 + d, limits),
        line.tokenCount(iso(at + 2000), 3000 + 2 * d, 2000 + d),
        '',
      ].join('\n'),
    );
  }
}

async function caughtUpInMemory(now: number, bounds: Bounds) {
  const read = await readHistory(t.data.file, now);
  const files = listRolloutFiles(join(t.home.home, 'sessions'));
  const logs = await foldFromLogs(read.state, files, {
    now,
    ignore: [],
    since: null,
    recordedBytes: read.bytes,
    bounds,
  });
  return buildView(logs.state, { days: 60 }, now, idleBackfill(), []);
}

async function caughtUpByRecorder(now: number, bounds: Bounds) {
  const { recorder, backfilled } = await recorderFor(t.data, t.home.home, { now: () => now, bounds });
  await backfilled();
  await recorder.stop();
  const { state } = await readHistory(t.data.file, now);
  return buildView(state, { days: 60 }, now, idleBackfill(), []);
}

describe('history caught up in memory', () => {
  for (const [name, bounds] of [
    ['under the byte cap', DEFAULT_BOUNDS],
    ['over a small byte cap, the oldest days dropped', { maxDays: 400, maxBytes: 20 * 1024 }],
  ] as const) {
    it(`is what the recorder then records: ${name}`, async () => {
      const now = Date.now();
      await sessions(50, 26, now);
      await caughtUpByRecorder(now, bounds);
      await sessions(25, 1, now);
      const memory = await caughtUpInMemory(now, bounds);
      const recorded = await caughtUpByRecorder(now, bounds);
      expect(memory.days).toEqual(recorded.days);
      expect(memory.windows).toEqual(recorded.windows);
      expect(memory.days.filter((d) => d.tokens > 0).length).toBeGreaterThan(0);
      // The small cap really dropped days: fewer than the 50 written are left.
      if (bounds.maxBytes < DEFAULT_BOUNDS.maxBytes)
        expect(recorded.days.filter((d) => d.tokens > 0).length).toBeLessThan(50);
      else expect(recorded.days.filter((d) => d.tokens > 0).length).toBe(50);
    });
  }
});
