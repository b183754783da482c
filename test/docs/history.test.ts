import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { HistoryRecorder } from '../../src/history/recorder.js';
import { HistoryStore } from '../../src/history/store.js';
import { historyPath } from '../../src/history/location.js';

type Obj = Record<string, unknown>;
const doc = (path: string) => readFile(join(ROOT, path), 'utf8');

/** Same keys all the way down (the first element of each array stands for all). */
function sameKeys(a: unknown, b: unknown, path = '$'): void {
  if (a === null || b === null) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length > 0 && b.length > 0) sameKeys(a[0], b[0], `${path}[0]`);
    return;
  }
  if (typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a as Obj).sort(), path).toEqual(Object.keys(b as Obj).sort());
    for (const k of Object.keys(a as Obj)) sameKeys((a as Obj)[k], (b as Obj)[k], `${path}.${k}`);
    return;
  }
  expect(typeof a, path).toBe(typeof b);
}

let home: TempCodexHome;
let data: string;
beforeAll(async () => {
  home = await TempCodexHome.create();
  data = await mkdtemp(join(tmpdir(), 'cdp-doc-history-'));
  await home.writeLiveSample(SAMPLES.nearLimit, 'near', 60_000);
  const store = await HistoryStore.open(historyPath(data), { now: Date.now });
  const recorder = new HistoryRecorder({ store, codexHome: home.home, now: Date.now, ignore: () => [] });
  recorder.start();
  while (recorder.backfill.phase !== 'done') await new Promise((r) => setTimeout(r, 10));
  await recorder.stop();
});
afterAll(async () => {
  await home.remove();
  await rm(data, { recursive: true, force: true });
});

describe('docs/api/history-json.md', () => {
  it('the example has exactly the shape `history --json` prints', async () => {
    const md = await doc('docs/api/history-json.md');
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(md)?.[1] ?? '') as Obj;
    const out = await runCli(['history', '--json', '--days', '2'], {
      CODEX_HOME: home.home,
      CODEX_PRESENCE_DATA_DIR: data,
    });
    const real = JSON.parse(out.stdout) as Obj;
    expect((real.topSessions as unknown[]).length).toBe(1);
    expect((real.windows as unknown[]).length).toBeGreaterThan(0);
    sameKeys(example, real);
  });
});
