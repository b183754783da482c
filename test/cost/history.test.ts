import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineCheck } from '../../src/ranges/ranges.js';
import { decodeRecord, encodeRecord } from '../../src/history/codec.js';
import type { FileRecord } from '../../src/history/records.js';
import { rangeRecord } from '../../src/history/schema.js';
import { HistoryStore, readHistory } from '../../src/history/store.js';
import { buildView, idleBackfill } from '../../src/history/view.js';
import { costConfig } from '../../src/cost/pricing.js';
import { localDay } from '../../src/history/day.js';
import { runCli } from '../support/cli.js';
import { fileRecord, headerRecord, TempDataDir } from '../history/support.js';

let data: TempDataDir;
beforeEach(async () => {
  data = await TempDataDir.create();
});
afterEach(async () => {
  await data.remove();
});

const NOW = Date.parse('2026-11-21T12:00:00');
const TODAY = '2026-11-21';

const file = (path: string, add: FileRecord['add']): FileRecord =>
  fileRecord(path, NOW, add, { ino: 1, session: path.replace(/\W/g, ''), project: 'orbit-api' });

async function writeHistory(records: readonly object[]): Promise<void> {
  await writeFile(data.file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

describe('history by model: the file', () => {
  it('a line written before the split still reads: its tokens are unpriced, a day with both is partial', async () => {
    await writeHistory([
      headerRecord(NOW - 86_400_000),
      file('/s/old.jsonl', [[TODAY, 5100, 1000]]), // three elements: no model
      file('/s/new.jsonl', [[TODAY, 18900, 10200, [['gpt-5.5', 18300, 10200, 600]]]]),
    ]);
    const read = await readHistory(data.file, NOW);
    expect([read.problem, read.adjusted]).toEqual([null, 0]);
    const view = buildView(read.state, { days: 1 }, NOW, idleBackfill());
    const day = view.days[0];
    expect(day?.tokens).toBe(24000);
    expect(day?.cost).toEqual({ usd: 0.1146, status: 'partial', unpriced: ['unknown model'] });
    expect(view.topSessions.map((s) => [s.tokens, s.cost.status])).toEqual([
      [18900, 'exact'],
      [5100, 'unavailable'],
    ]);
  });

  it('the split is one schema both ways: written, compacted and read back the same', async () => {
    const record = file('/s/a.jsonl', [[TODAY, 24500, 283000, [['gpt-5.5', 20000, 283000, 4500]]]]);
    const check = new LineCheck(0);
    expect(rangeRecord(record, check)).toEqual(record);
    expect(check.suspicious).toBe(false);
    expect(decodeRecord(encodeRecord(record).trimEnd())?.record).toEqual(record);
    await writeHistory([headerRecord(NOW - 86_400_000), record]);
    const store = await HistoryStore.open(data.file, { now: () => NOW });
    store.append([file('/s/a.jsonl', [[TODAY, 3040, 0, [['gpt-5.3-codex', 3000, 0, 40]]]])]);
    await store.compactNow();
    await store.flush();
    const text = await readFile(data.file, 'utf8');
    expect(text).toContain('["2026-11-21",27540,283000,[["gpt-5.5",20000,283000,4500],["gpt-5.3-codex",3000,0,40]]]');
    const view = buildView((await readHistory(data.file, NOW)).state, { days: 1 }, NOW, idleBackfill());
    // 0.3765 for gpt-5.5, and 3000 × $1.75 + 40 × $14 per million for gpt-5.3-codex.
    expect(view.days[0]?.cost).toEqual({ usd: 0.3765 + 0.00581, status: 'exact', unpriced: [] });
  });

  it('a split that does not add up, or is hostile, is left out and counted; the day stays', async () => {
    const wrong = file('/s/a.jsonl', [[TODAY, 100, 0, [['gpt-5.5', 99, 0, 0]]]]);
    const hostile = {
      ...file('/s/b.jsonl', []),
      add: [[TODAY, 100, 0, [[{ model: 1 }, 1e300, -1, 'x']]]],
    } as unknown as FileRecord;
    const many = file('/s/c.jsonl', [
      [TODAY, 65, 0, Array.from({ length: 65 }, (_, i) => [`m${i}`, 1, 0, 0] as [string, number, number, number])],
    ]);
    for (const r of [wrong, hostile, many]) {
      const check = new LineCheck(0);
      const ranged = rangeRecord(r, check) as FileRecord;
      expect(ranged.add).toEqual([[TODAY, r.add[0]?.[1], 0]]);
      expect(check.suspicious).toBe(true);
    }
  });
});

describe('history by model: the built CLI', () => {
  it('history and history --json price each day, with the config file’s overrides', async () => {
    await writeHistory([
      headerRecord(NOW - 86_400_000),
      file('/s/new.jsonl', [[TODAY, 18900, 10200, [['gpt-5.5', 18300, 10200, 600]]]]),
    ]);
    const home = data.dir;
    await writeFile(
      `${home}/discord-presence-config.json`,
      JSON.stringify({ pricing: { overrides: { 'gpt-5.5': { input_per_million: 10, output_per_million: 60 } } } }),
    );
    expect(costConfig({ pricing: { overrides: {} } }).problems).toEqual([]);
    const env = { CODEX_HOME: home, CODEX_PRESENCE_DATA_DIR: data.dir };
    const json = await runCli(['history', '--json', '--days', '400'], env);
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout) as { days: Array<{ day: string; cost: unknown }>; cost: { basis: string } };
    // 18300 × $10 + 10200 × $10 (no cached price given: the input price) + 600 × $60.
    expect(view.days.find((d) => d.day === TODAY)?.cost).toEqual({ usd: 0.321, status: 'exact', unpriced: [] });
    expect(view.cost.basis).toBe('api'); // no rate-limit windows, no plan configured: an API key's cost
    const text = await runCli(['history', '--days', '400'], env);
    expect(text.stdout).toMatch(/^Cost per day at API prices as of \d{4}-\d{2}-\d{2} \(\$0\.321 in all\)$/m);
    expect(text.stdout).toMatch(new RegExp(`^  ${TODAY} +\\$0\\.321  orbit-api \\$0\\.321$`, 'm'));
  });

  it('status and status --json say what today cost, from the history file’s tail', async () => {
    const today = localDay(Date.now());
    await writeHistory([
      headerRecord(Date.now() - 86_400_000),
      { ...file('/s/new.jsonl', [[today, 18900, 10200, [['gpt-5.5', 18300, 10200, 600]]]]), lastAt: Date.now() },
    ]);
    const env = { CODEX_HOME: data.dir, CODEX_PRESENCE_DATA_DIR: data.dir, CODEX_PRESENCE_STATE_DIR: data.dir };
    const json = await runCli(['status', '--json', '--no-refresh'], env);
    const status = JSON.parse(json.stdout) as { history: { today: number; todayCost: unknown } };
    expect(status.history.today).toBe(18900);
    expect(status.history.todayCost).toEqual({ usd: 0.1146, status: 'exact', unpriced: [] });
    const text = await runCli(['status', '--no-refresh'], env);
    expect(text.stdout).toMatch(
      /^Cost +today \$0\.115 · live sessions \$0\.00 · cost at API prices as of \d{4}-\d{2}-\d{2}$/m,
    );
  });
});
