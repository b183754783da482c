import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_READ_BYTES, readRecentTotals } from '../../src/history/read.js';
import { encodeRecord } from '../../src/history/codec.js';
import type { HistoryRecord } from '../../src/history/records.js';
import { appendRoom } from '../../src/history/bounds.js';
import { HistoryFileRefused, HistoryStore, readHistory } from '../../src/history/store.js';
import { buildView, idleBackfill } from '../../src/history/view.js';
import { TempDataDir, dayOf, fileRecord, headerRecord, limitRecord } from './support.js';

// Issue 21 §1–2: the history file as an input like any other. Every case is a
// real file (a FIFO, a link to /dev/zero, a link into a dotfiles folder, a
// process really killed while its compaction file was open).

const posix = process.platform !== 'win32';
const NOW = Date.parse('2026-11-22T12:00:00Z');
const now = (): number => NOW;

let data: TempDataDir;
let elsewhere: string;
beforeEach(async () => {
  data = await TempDataDir.create();
  elsewhere = await mkdtemp(join(tmpdir(), 'cdp-dotfiles-'));
});
afterEach(async () => {
  await data.remove();
  await rm(elsewhere, { recursive: true, force: true });
});

const header = (): HistoryRecord => headerRecord(NOW - 86_400_000);
const limit = limitRecord;
const file = (path: string, day: string, tokens: number): HistoryRecord => fileRecord(path, NOW, [[day, tokens, 0]]);
const today = dayOf(new Date(NOW).toISOString());

/** Every file in a folder, with a symlink said as one. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    out.push((await lstat(join(dir, name))).isSymbolicLink() ? `${name} -> link` : name);
  }
  return out;
}

describe.runIf(posix)('a history file that is not a regular file', () => {
  it('a FIFO: readers return at once and say what it is; the publisher leaves it alone', async () => {
    execFileSync('mkfifo', [data.file]);
    const read = await readHistory(data.file, NOW);
    expect(read.refused).toBe('a FIFO (named pipe), not a regular file');
    expect(read.state.limits).toEqual([]);
    expect((await readRecentTotals(data.file, NOW, [])).refused).toBe('a FIFO (named pipe), not a regular file');
    const opened = HistoryStore.open(data.file, { now });
    await expect(opened).rejects.toThrow(HistoryFileRefused);
    await expect(opened).rejects.toThrow(
      `history file ${data.file} is a FIFO (named pipe), not a regular file: it is left alone`,
    );
    expect((await lstat(data.file)).isFIFO()).toBe(true);
    expect(await data.files()).toEqual(['history.jsonl']);
  });

  it('a symlink to /dev/zero: nothing is read (no growth), and the link is left as it is', async () => {
    await symlink('/dev/zero', data.file);
    const what = 'a symlink to /dev/zero, which is a device, not a regular file';
    expect((await readHistory(data.file, NOW)).refused).toBe(what);
    expect((await readRecentTotals(data.file, NOW, [])).refused).toBe(what);
    await expect(HistoryStore.open(data.file, { now })).rejects.toThrow(`is ${what}: it is left alone`);
    expect(await listing(data.dir)).toEqual(['history.jsonl -> link']);
  });

  it('a folder, and a symlink loop, are named too', async () => {
    await mkdir(data.file);
    expect((await readHistory(data.file, NOW)).refused).toBe('a directory, not a regular file');
    await expect(HistoryStore.open(data.file, { now })).rejects.toThrow(HistoryFileRefused);
    await rm(data.file, { recursive: true });
    await symlink(join(data.dir, 'b'), data.file);
    await symlink(data.file, join(data.dir, 'b'));
    expect((await readHistory(data.file, NOW)).refused).toBe('a symlink loop (ELOOP)');
    await expect(HistoryStore.open(data.file, { now })).rejects.toThrow(HistoryFileRefused);
  });
});

describe.runIf(posix)('a symlinked history file (dotfiles managers)', () => {
  it('to a file that is not a history file: refused, its bytes never copied, nothing written', async () => {
    const dotfile = join(elsewhere, 'notes.txt');
    const bytes = Buffer.from('my own notes\nnot yours\n');
    await writeFile(dotfile, bytes);
    await symlink(dotfile, data.file);
    const read = await readHistory(data.file, NOW);
    expect(read.refused).toBe(`a symlink to ${dotfile}, which is not a history file of this app`);
    expect(read.problem).toBeNull();
    await expect(HistoryStore.open(data.file, { now })).rejects.toThrow(
      `history file ${data.file} is a symlink to ${dotfile}, which is not a history file of this app: it is left alone`,
    );
    expect(Buffer.compare(await readFile(dotfile), bytes)).toBe(0);
    expect(await listing(data.dir)).toEqual(['history.jsonl -> link']);
    expect(await listing(elsewhere)).toEqual(['notes.txt']);
  });

  it('to our history file: written through, compacted beside the target, and the link stays a link', async () => {
    const target = join(elsewhere, 'history.jsonl');
    await writeFile(target, [header(), limit(NOW - 60_000, 10)].map(encodeRecord).join(''));
    await symlink(target, data.file);
    const store = await HistoryStore.open(data.file, { now });
    expect(store.target).toBe(target);
    store.append([limit(NOW - 30_000, 20), file('/x/rollout-a.jsonl', today, 500)]);
    await store.flush();
    await store.compactNow();
    expect(await listing(data.dir)).toEqual(['history.jsonl -> link']);
    expect(await listing(elsewhere)).toEqual(['history.jsonl']);
    const read = await readHistory(data.file, NOW);
    expect(read.problem).toBeNull();
    expect(read.state.limits.map((l) => l.used)).toEqual([10, 20]);
    expect((await readRecentTotals(data.file, NOW, [])).totals).toEqual({
      today: 500,
      lastSevenDays: 500,
      // Lines with no model (no split by model): nothing to price them by.
      todayCost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      building: false,
      source: 'recorded',
    });
  });

  it('dangling: the target is created through it; damaged: backed up beside the target, never in the data folder', async () => {
    const target = join(elsewhere, 'sub', 'history.jsonl');
    await symlink(target, data.file);
    const store = await HistoryStore.open(data.file, { now });
    store.append([limit(NOW - 30_000, 20)]);
    await store.flush();
    expect((await lstat(data.file)).isSymbolicLink()).toBe(true);
    expect((await readHistory(target, NOW)).state.limits).toHaveLength(1);
    // Cut short by a crash, behind the link: it is ours (our header), so it is backed up where it lives.
    const damaged = Buffer.concat([await readFile(target), Buffer.from('{"k":"limit","at":')]);
    await writeFile(target, damaged);
    const logged: string[] = [];
    const again = await HistoryStore.open(data.file, { now, log: (m) => logged.push(m) });
    expect(again.state.limits).toHaveLength(1);
    expect(await listing(data.dir)).toEqual(['history.jsonl -> link']);
    const backups = (await readdir(join(elsewhere, 'sub'))).filter((n) => n.includes('.damaged-'));
    expect(backups).toHaveLength(1);
    expect(Buffer.compare(await readFile(join(elsewhere, 'sub', backups[0] ?? '')), damaged)).toBe(0);
    expect(logged.join('\n')).toContain('the last line was cut short');
  });
});

describe('a history file the bounds refuse', () => {
  it('larger than any history file this app writes: not read; at our own path, moved aside (not copied)', async () => {
    // Sparse: it takes no disk, and a reader that read it would need 100 MB.
    await writeFile(data.file, encodeRecord(header()));
    await truncate(data.file, MAX_READ_BYTES + 1);
    const before = await stat(data.file);
    const read = await readHistory(data.file, NOW);
    expect(read.refused).toMatch(/^larger than any history file this app writes/);
    const logged: string[] = [];
    const store = await HistoryStore.open(data.file, { now, log: (m) => logged.push(m) });
    expect(store.state.limits).toEqual([]);
    const aside = (await data.files()).find((n) => n.startsWith('history.jsonl.damaged-')) ?? '';
    const moved = await stat(join(data.dir, aside));
    expect([moved.ino, moved.size]).toEqual([before.ino, before.size]);
    expect(logged.join('\n')).toContain(`it was moved to ${join(data.dir, aside)}`);
    expect((await readHistory(data.file, NOW)).problem).toBeNull();
  });
});

describe('values out of range in the file (issue 21 §2)', () => {
  it('a limit line with "at": 1e20 is skipped and counted; readers do not fail; the rebuild drops it', async () => {
    const good = [header(), limit(NOW - 60_000, 10)].map(encodeRecord).join('');
    const bad =
      '{"k":"limit","at":1e20,"id":"codex","name":null,"kind":"primary","minutes":300,"used":5,"reset":null,"src":"log"}\n';
    await writeFile(data.file, good + bad);
    const read = await readHistory(data.file, NOW);
    expect(read.problem).toBe('1 line was not readable');
    expect(read.state.limits.map((l) => l.used)).toEqual([10]);
    expect(() => buildView(read.state, { days: 7 }, NOW, idleBackfill())).not.toThrow();
    await HistoryStore.open(data.file, { now });
    const text = await readFile(data.file, 'utf8');
    expect(text).not.toContain('1e20');
    expect(text).not.toContain('100000000000000000000');
    const reread = await readHistory(data.file, NOW);
    expect(reread.problem).toBeNull();
    expect(reread.state.limits.map((l) => l.used)).toEqual([10]);
  });

  it('a value out of range that the line can do without is cut or left out, and the publisher rewrites it once', async () => {
    const long = 'n'.repeat(5000);
    const lines = [
      encodeRecord(header()),
      `${JSON.stringify({ ...limit(NOW - 60_000, 140), name: long, minutes: -5, reset: 1e20 })}\n`,
      `${JSON.stringify({
        ...file('/x/a.jsonl', today, 300),
        model: long,
        add: [
          [today, 300, 0],
          ['999-01-01', 5, 0],
        ],
      })}\n`,
    ];
    await writeFile(data.file, lines.join(''));
    const read = await readHistory(data.file, NOW);
    expect(read.problem).toBeNull();
    expect(read.adjusted).toBe(2);
    expect(read.state.limits[0]).toMatchObject({ used: 100, minutes: null, reset: null, name: 'n'.repeat(256) });
    expect(read.state.files.get('/x/a.jsonl')?.model).toHaveLength(256);
    await HistoryStore.open(data.file, { now });
    expect(await data.files()).toEqual(['history.jsonl']);
    const reread = await readHistory(data.file, NOW);
    expect([reread.problem, reread.adjusted]).toEqual([null, 0]);
    // A line without a split by model: its 300 tokens have no model (their cost is unavailable).
    expect(reread.state.usage.get('/x/a.jsonl')?.get(today)).toEqual([300, 0, []]);
  });
});

describe('compaction files left by a writer that was killed (issue 21 §2)', () => {
  it('are removed at open when their process is gone; a live writer’s is kept', async () => {
    // A real process writes its compaction file and is killed with SIGKILL while it is open.
    const script = `require('fs').writeFileSync(process.argv[1] + '.tmp-' + process.pid, 'x'.repeat(1 << 20)); setInterval(() => {}, 1000);`;
    const dead = spawn(process.execPath, ['-e', script, data.file], { stdio: 'ignore' });
    const deadTmp = `${data.file}.tmp-${dead.pid}`;
    for (let i = 0; i < 500 && !((await stat(deadTmp).catch(() => null))?.size === 1 << 20); i += 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const exited = new Promise((resolve) => dead.once('exit', resolve));
    dead.kill('SIGKILL');
    await exited;
    // A live process: its file is written after it started, so it is its own and stays.
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const liveTmp = `${data.file}.tmp-${live.pid}`;
      await writeFile(liveTmp, 'y');
      // A file under the same live pid from before that process started: its writer died, the pid was reused.
      const reused = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      try {
        const reusedTmp = `${data.file}.tmp-${reused.pid}`;
        await writeFile(reusedTmp, 'z');
        const hourAgo = new Date(Date.now() - 3_600_000);
        await utimes(reusedTmp, hourAgo, hourAgo);
        // Another file's compaction file is not ours to touch.
        await writeFile(join(data.dir, `other.jsonl.tmp-${dead.pid}`), 'o');
        await writeFile(data.file, encodeRecord(header()));
        const logged: string[] = [];
        await HistoryStore.open(data.file, { now, log: (m) => logged.push(m) });
        expect(existsSync(deadTmp)).toBe(false);
        expect(existsSync(reusedTmp)).toBe(false);
        expect(existsSync(liveTmp)).toBe(true);
        expect(existsSync(join(data.dir, `other.jsonl.tmp-${dead.pid}`))).toBe(true);
        expect(logged.join('\n')).toContain(`history.jsonl.tmp-${dead.pid}`);
      } finally {
        reused.kill('SIGKILL');
      }
    } finally {
      live.kill('SIGKILL');
    }
  });
});

describe('the cap is a cap (issue 21 §4)', () => {
  it('the file never passes maxBytes, appends included; a compaction leaves the append room free', async () => {
    const bounds = { maxDays: 400, maxBytes: 64 * 1024 };
    const store = await HistoryStore.open(data.file, { now, bounds });
    const DAY = 86_400_000;
    let largest = 0;
    for (let i = 0; i < 3000; i += 1) {
      const at = NOW - (3000 - i) * 3 * 3_600_000;
      store.append([limit(at, i % 100), file(`/x/rollout-${i % 40}.jsonl`, dayOf(new Date(at).toISOString()), 10 + i)]);
      if (i % 50 === 0) {
        await store.flush();
        largest = Math.max(largest, (await stat(data.file)).size);
      }
    }
    await store.flush();
    largest = Math.max(largest, (await stat(data.file)).size);
    expect(largest).toBeLessThanOrEqual(bounds.maxBytes);
    expect(largest).toBeGreaterThan(bounds.maxBytes / 2);
    await store.compactNow();
    expect((await stat(data.file)).size).toBeLessThanOrEqual(bounds.maxBytes - appendRoom(bounds));
    // The newest day is kept; days went oldest first.
    const read = await readHistory(data.file, NOW);
    expect(read.problem).toBeNull();
    expect(Math.max(...read.state.limits.map((l) => l.at))).toBe(NOW - 3 * 3_600_000);
    expect(Math.min(...read.state.limits.map((l) => l.at))).toBeGreaterThan(NOW - 3000 * 3 * 3_600_000 + DAY);
  });

  it('a compaction of 200,000 readings writes them all (a spread of them overflowed the stack: no compaction ever again)', async () => {
    const store = await HistoryStore.open(data.file, { now });
    const failures: string[] = [];
    store.onWriteError((m) => failures.push(m));
    const readings: HistoryRecord[] = [];
    for (let i = 0; i < 200_000; i += 1) readings.push(limit(NOW - i * 60_000, i % 100));
    store.append(readings);
    await store.flush();
    await store.compactNow();
    expect(failures).toEqual([]);
    // Compacted: the summary is the last line, after the readings.
    const text = await readFile(data.file, 'utf8');
    expect(text.slice(text.lastIndexOf('\n', text.length - 2) + 1)).toMatch(/^\{"k":"recent"/);
    const read = await readHistory(data.file, NOW);
    expect(read.problem).toBeNull();
    expect(read.state.limits).toHaveLength(store.state.limits.length);
    expect(store.state.limits.length).toBeGreaterThan(100_000);
  });
});
