import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/history/store.js';
import { line, TempCodexHome } from '../support/codexHome.js';
import { dayOf, expectedDaily, recorderFor, TempDataDir } from './support.js';

/**
 * Usage history and compressed rollouts (`rollout-*.jsonl.zst`, Codex 0.169's
 * `local_thread_store_compression`): a compressed session counts as its plain
 * form did, once. Files are compressed with the real `zstd` CLI.
 */
const HAS_ZSTD = spawnSync('zstd', ['--version']).status === 0;
if (!HAS_ZSTD) console.log('compressed history tests skipped: the zstd CLI is not installed');

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

const NOW = Date.parse('2026-11-22T12:00:00Z');
const now = (): number => NOW;
const usage = (input: number, cached: number, output: number) => ({
  input_tokens: input,
  cached_input_tokens: cached,
  output_tokens: output,
  total_tokens: input + output,
});
const tc = (at: string, total: [number, number, number], last: [number, number, number]): string =>
  line.event(at, {
    type: 'token_count',
    info: { total_token_usage: usage(...total), last_token_usage: usage(...last) },
  });

/** A finished session on 2026-11-21: three requests, the last one just before midnight UTC. */
const SESSION = [
  line.meta('2026-11-21T10:00:00.000Z', { id: 'zipped', cwd: '/w/delta' }),
  tc('2026-11-21T10:01:00.000Z', [5000, 1000, 200], [5000, 1000, 200]),
  tc('2026-11-21T10:05:00.000Z', [12000, 5000, 700], [7000, 4000, 500]),
  tc('2026-11-21T23:59:00.000Z', [20000, 9000, 1000], [8000, 4000, 300]),
];

/** Compresses `path` with the zstd CLI into `path.zst` and removes the plain file, as Codex does. */
async function compressAway(path: string, content: string): Promise<string> {
  execFileSync('zstd', ['-q', '-f', '-o', `${path}.zst`], { input: content });
  await rm(path, { force: true });
  const at = new Date('2026-11-22T00:00:00Z');
  await utimes(`${path}.zst`, at, at);
  return `${path}.zst`;
}

const tokensOn = (view: { days: { day: string; tokens: number; cachedInput: number }[] }, day: string) =>
  view.days.find((d) => d.day === day);

describe.skipIf(!HAS_ZSTD)('usage history and compressed rollouts', () => {
  it('a compressed-only session counts exactly as its plain form would', async () => {
    const path = home.rolloutPath('2026-11-21', 'zipped');
    const content = SESSION.join('\n') + '\n';
    await home.writeRollout(path, content);
    const expected = await expectedDaily([path]);
    await compressAway(path, content);

    const { recorder, backfilled } = await recorderFor(data, home.home, { now });
    await backfilled();
    const view = recorder.view({ days: 2, day: '2026-11-21' });
    const day = dayOf('2026-11-21T10:01:00.000Z');
    expect(tokensOn(view, day)?.tokens).toBe(expected.get(day)?.get('delta')?.tokens);
    // Blended: 20000 − 9000 + 1000 over the session, split by the local day of each line.
    const all = [...expected.values()].reduce((sum, d) => sum + (d.get('delta')?.tokens ?? 0), 0);
    expect(all).toBe(12000);
    expect(view.days.reduce((sum, d) => sum + d.tokens, 0)).toBe(12000);
    expect(view.topSessions.find((s) => s.id === 'zipped')?.project).toBe('delta');
  });

  it('a session counted while plain, then compressed with more lines, counts each request once', async () => {
    const path = home.rolloutPath('2026-11-21', 'zipped');
    const first = SESSION.slice(0, 3).join('\n') + '\n';
    await home.writeRollout(path, first);
    const one = await recorderFor(data, home.home, { now });
    await one.backfilled();
    await one.recorder.stop();
    expect(one.recorder.view({ days: 2 }).days.reduce((sum, d) => sum + d.tokens, 0)).toBe(12000 - 5000 + 700);

    // The session went on, finished, and Codex compressed it; the plain file is gone.
    await compressAway(path, SESSION.join('\n') + '\n');
    const two = await recorderFor(data, home.home, { now });
    await two.backfilled();
    const view = two.recorder.view({ days: 2, day: dayOf('2026-11-21T10:01:00.000Z') });
    expect(view.days.reduce((sum, d) => sum + d.tokens, 0)).toBe(12000);
    expect(view.topSessions.filter((s) => s.id === 'zipped')).toHaveLength(1);
    await two.recorder.stop();

    // A third start finds nothing new: the compressed file is not read again, nothing is written.
    const before = await readFile(data.file);
    const three = await recorderFor(data, home.home, { now });
    await three.backfilled();
    expect(three.recorder.view({ days: 2 }).days.reduce((sum, d) => sum + d.tokens, 0)).toBe(12000);
    await three.recorder.stop();
    expect((await readFile(data.file)).equals(before)).toBe(true);
  });

  it('a corrupt compressed rollout adds nothing, stops nothing, and is not tried again', async () => {
    const good = home.rolloutPath('2026-11-21', 'good');
    await home.writeRollout(good, SESSION.join('\n').replaceAll('zipped', 'good') + '\n');
    const bad = home.rolloutPath('2026-11-21', 'bad');
    const zst = await compressAway(bad, SESSION.join('\n').replaceAll('zipped', 'bad') + '\n');
    const bytes = execFileSync('cat', [zst]);
    // Keep the frame header, break the data after it.
    await writeFile(zst, Buffer.concat([bytes.subarray(0, 12), Buffer.alloc(bytes.length - 12, 0xff)]));

    const { recorder, backfilled } = await recorderFor(data, home.home, { now });
    await backfilled();
    const view = recorder.view({ days: 2, day: dayOf('2026-11-21T10:01:00.000Z') });
    expect(view.days.reduce((sum, d) => sum + d.tokens, 0)).toBe(12000);
    expect(view.topSessions.map((s) => s.id)).toEqual(['good']);
    expect(view.backfill).toMatchObject({ phase: 'done', filesDone: 2, filesTotal: 2 });
    const { state } = await readHistory(data.file, NOW);
    expect(state.files.get(zst)).toMatchObject({ offset: 0, session: null });
  });
  it('bombs add nothing and cost a bounded time; one refused before decoding still gets its cursor', async () => {
    const good = home.rolloutPath('2026-11-21', 'good');
    await home.writeRollout(good, SESSION.join('\n').replaceAll('zipped', 'good') + '\n');
    // 250 MB of newlines in 8 KB (the history scan spent 88 s of CPU on it), and a frame asking for a 128 MB window.
    const newlines = `${home.rolloutPath('2026-11-21', 'newlines')}.zst`;
    execFileSync('sh', ['-c', `head -c 250000000 /dev/zero | tr '\\0' '\\n' | zstd -q -19 -o '${newlines}'`]);
    const window = `${home.rolloutPath('2026-11-21', 'window')}.zst`;
    execFileSync('sh', ['-c', `yes x | head -c 20000000 | zstd -q --long=27 -o '${window}'`]);

    const { recorder, backfilled } = await recorderFor(data, home.home, { now });
    await backfilled();
    const view = recorder.view({ days: 2, day: dayOf('2026-11-21T10:01:00.000Z') });
    expect(view.days.reduce((sum, d) => sum + d.tokens, 0)).toBe(12000);
    expect(view.backfill).toMatchObject({ phase: 'done', filesDone: 3, filesTotal: 3 });
    await recorder.stop();
    const { state } = await readHistory(data.file, NOW);
    expect(state.files.get(window)).toMatchObject({ offset: 0, session: null });
    expect(state.files.get(newlines)).toMatchObject({ session: null, prev: null });

    // The next start tries neither again: nothing is written.
    const before = await readFile(data.file);
    const again = await recorderFor(data, home.home, { now });
    await again.backfilled();
    await again.recorder.stop();
    expect((await readFile(data.file)).equals(before)).toBe(true);
  }, 60_000);
});
