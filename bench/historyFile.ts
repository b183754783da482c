import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDay } from '../src/history/day.js';
import { historyPath } from '../src/history/location.js';
import type { HistoryRecord } from '../src/history/records.js';
import { DEFAULT_BOUNDS } from '../src/history/bounds.js';
import { HistoryRecorder } from '../src/history/recorder.js';
import { HistoryStore } from '../src/history/store.js';

/**
 * A 50 MB history (issue 21 §4), the bench home's rollouts recorded in it as
 * a running app leaves them: what it costs `status` (its Tokens row reads
 * only the file's tail, and folds only what the rollouts added after it), `history --json` (the whole file) and `run`'s first
 * snapshot (published before history opens), each against the same command
 * with no history, on the bench home, with the built CLI as users run it.
 * Also that the cap holds with the appends after a compaction.
 */

const MB = 1024 * 1024;
const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 5);

interface Measured {
  ms: number;
  rssMb: number | null;
}

export async function benchHistoryFile(root: string, home: string): Promise<void> {
  console.log('');
  console.log('measuring a 50 MB usage history (status, history, run) against none…');
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.log('50 MB history: could not build the CLI');
    return;
  }
  const cli = join(root, 'out', 'cli', 'index.mjs');
  const work = await mkdtemp(join(tmpdir(), 'cdp-bench-bighistory-'));
  try {
    const full = join(work, 'full');
    const none = join(work, 'none');
    await mkdir(none);
    const t0 = performance.now();
    const size = await writeBigHistory(full, home);
    const genS = (performance.now() - t0) / 1000;
    const config = join(work, 'config.json');
    await writeFile(config, JSON.stringify({ discord_enabled: false, limits: { ask_codex: false } }));
    const env = (data: string): NodeJS.ProcessEnv => ({
      ...process.env,
      CODEX_HOME: home,
      CODEX_PRESENCE_DATA_DIR: data,
      CODEX_PRESENCE_STATE_DIR: join(work, 'state'),
    });
    const cmd = (args: string[], data: string) => measureCommand(cli, [...args, '--config', config], env(data));
    const status = { none: await median(() => cmd(['status', '--no-refresh'], none)) };
    const statusFull = await median(() => cmd(['status', '--no-refresh'], full));
    const historyNone = await median(() => cmd(['history', '--json', '--days', '400'], none));
    const historyFull = await median(() => cmd(['history', '--json', '--days', '400'], full));
    // `run` records into its data folder: each run gets a fresh copy of the 50 MB file.
    const runIn = async (withHistory: boolean): Promise<{ firstMs: number; stopMs: number }> => {
      const data = await mkdtemp(join(work, 'run-'));
      if (withHistory) await copyFile(historyPath(full), historyPath(data));
      try {
        return await firstSnapshot(cli, ['run', '--config', config], env(data));
      } finally {
        await rm(data, { recursive: true, force: true });
      }
    };
    const runNone = await medianOf(RUNS, () => runIn(false));
    const runFull = await medianOf(RUNS, () => runIn(true));
    const rssOver =
      statusFull.rssMb !== null && status.none.rssMb !== null ? statusFull.rssMb - status.none.rssMb : null;
    const sameFirst = runFull.firstMs <= runNone.firstMs * 1.1 + 10;
    const rows: Array<[string, string, string, boolean | null]> = [
      [
        'history file: compacted, then appended to',
        `${(size / MB).toFixed(2)} MB (${size} bytes; written in ${genS.toFixed(1)} s)`,
        `≤ ${DEFAULT_BOUNDS.maxBytes / MB} MB`,
        size <= DEFAULT_BOUNDS.maxBytes,
      ],
      [
        'status --no-refresh, 50 MB history',
        `${statusFull.ms.toFixed(0)} ms (none: ${status.none.ms.toFixed(0)} ms)`,
        '≤ 300 ms',
        statusFull.ms <= 300,
      ],
      [
        'status peak RSS over its no-history figure',
        rssOver === null
          ? 'not measured (no GNU time)'
          : `${rssOver >= 0 ? '+' : ''}${rssOver.toFixed(1)} MB (${statusFull.rssMb?.toFixed(0)} vs ${status.none.rssMb?.toFixed(0)} MB)`,
        '≤ 100 MB',
        rssOver === null ? null : rssOver <= 100,
      ],
      [
        "run's first snapshot, 50 MB history",
        `${runFull.firstMs.toFixed(0)} ms (none: ${runNone.firstMs.toFixed(0)} ms)`,
        'unchanged',
        sameFirst,
      ],
      [
        'run stops on SIGTERM at its first snapshot',
        `${runFull.stopMs.toFixed(0)} ms with the history opening (none: ${runNone.stopMs.toFixed(0)} ms)`,
        '',
        null,
      ],
      [
        'history --json --days 400 (reads it whole)',
        `${historyFull.ms.toFixed(0)} ms, peak RSS ${historyFull.rssMb?.toFixed(0) ?? '?'} MB (none: ${historyNone.ms.toFixed(0)} ms, ${historyNone.rssMb?.toFixed(0) ?? '?'} MB)`,
        '',
        null,
      ],
    ];
    const w0 = Math.max(...rows.map((x) => x[0].length));
    const w1 = Math.max(...rows.map((x) => x[1].length));
    for (const [name, value, goal, ok] of rows) {
      console.log(
        `${name.padEnd(w0)}  ${value.padEnd(w1)}  ${goal.padEnd(9)} ${ok === null ? '' : ok ? '✓' : '✗ MISSED'}`,
      );
    }
    console.log(`(medians of ${RUNS} runs each; "unchanged" is within 10 % + 10 ms of the run with no history)`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Fills `dir`'s history through the real store until the cap bites: 430 days
 * of readings every 4 minutes of a 5h and a weekly window, and 60,000
 * rollouts of one to three days; compacts (the oldest days go), then appends
 * 2.5 MB of today's lines, as a publisher does between compactions.
 */
async function writeBigHistory(dir: string, home: string): Promise<number> {
  const now = Date.now();
  const store = await HistoryStore.open(historyPath(dir), { now: () => now });
  const DAY = 86_400_000;
  const first = now - 430 * DAY;
  let used5h = 0;
  let usedWeek = 0;
  const batch: HistoryRecord[] = [];
  const push = async (r: HistoryRecord): Promise<void> => {
    batch.push(r);
    if (batch.length >= 5000) {
      store.append(batch.splice(0));
      await store.flush();
    }
  };
  for (let at = first; at < now; at += 4 * 60_000) {
    const reset5h = first + Math.ceil((at - first + 1) / (300 * 60_000)) * 300 * 60_000;
    const resetWeek = first + Math.ceil((at - first + 1) / (10_080 * 60_000)) * 10_080 * 60_000;
    used5h = reset5h - at <= 4 * 60_000 ? 0 : Math.min(100, used5h + 1.3);
    usedWeek = resetWeek - at <= 4 * 60_000 ? 0 : Math.min(100, usedWeek + 0.04);
    const limit = (kind: 'primary' | 'secondary', used: number, minutes: number, reset: number): HistoryRecord => ({
      k: 'limit',
      at,
      id: 'codex',
      name: null,
      kind,
      minutes,
      used: Math.round(used * 10) / 10,
      reset,
      src: 'log',
    });
    await push(limit('primary', used5h, 300, reset5h));
    await push(limit('secondary', usedWeek, 10_080, resetWeek));
  }
  const rollout = (i: number, day: number, extra = 0): HistoryRecord => {
    const at = first + day * DAY + (i % 1000) * 60_000;
    const d = new Date(at);
    const days = 1 + (i % 3);
    return {
      k: 'file',
      path: `/home/user/.codex/sessions/${d.getFullYear()}/${String(d.getMonth() + 1).padStart(2, '0')}/${String(d.getDate()).padStart(2, '0')}/rollout-${d.toISOString().slice(0, 19).replace(/:/g, '-')}-${String(i).padStart(8, '0')}-0000-7000-8000-000000000000.jsonl`,
      ino: 1_000_000 + i,
      offset: 50_000 + i + extra,
      lastAt: at + days * 3_600_000,
      session: `0199${String(i).padStart(8, '0')}-0000-7000-8000-000000000000`,
      project: `project-${i % 30}`,
      model: 'gpt-5.5',
      fork: false,
      ignored: false,
      meta: true,
      prev: [120_000 + i, 80_000, 9_000, 129_000 + i],
      after: null,
      add: Array.from({ length: days }, (_, k) => [localDay(at + k * DAY), 40_000 + (i % 977), 30_000]),
    };
  };
  const ROLLOUTS = 60_000;
  for (let i = 0; i < ROLLOUTS; i += 1) await push(rollout(i, Math.floor((i / ROLLOUTS) * 428)));
  store.append(batch.splice(0));
  await store.compactNow();
  // The bench home recorded too, as the app leaves it: every rollout has its cursor, so a reader folds
  // only what was written after (issue 23 §2), not all 10,003 files as a home the file never saw.
  const recorder = new HistoryRecorder({ store, codexHome: home, now: () => now, ignore: () => [] });
  recorder.start();
  while (recorder.backfill.phase !== 'done' && recorder.backfill.phase !== 'error') {
    await new Promise((r) => setTimeout(r, 20));
  }
  await recorder.idle();
  await store.compactNow();
  // Today's sessions moving on: what appends add after a compaction.
  const today = Math.floor((now - first) / DAY);
  for (let i = 0, bytes = 0; bytes < 2.5 * MB; i += 1) {
    const r = rollout(ROLLOUTS + (i % 40), today, i);
    store.append([r]);
    bytes += JSON.stringify(r).length + 1;
    if (i % 500 === 0) await store.flush();
  }
  await store.flush();
  return (await stat(historyPath(dir))).size;
}

/** Wall time and peak RSS (GNU time, where it exists) of one run of the CLI. */
export function measureCommand(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const gnuTime = process.platform === 'linux' && existsSync('/usr/bin/time');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = gnuTime
      ? spawn('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args], {
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        })
      : spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      const kb = gnuTime ? Number(stderr.trim().split('\n').at(-1)) : NaN;
      resolve({ ms, rssMb: Number.isFinite(kb) ? kb / 1024 : null });
    });
  });
}

/** `run` until its first snapshot line, then SIGTERM: how long each took. */
function firstSnapshot(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ firstMs: number; stopMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let firstMs = 0;
    let stopAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      if (firstMs === 0 && /\d{4}-\d\d-\d\dT\S+ (5h|Codex home)/.test(d.toString())) {
        firstMs = performance.now() - t0;
        stopAt = performance.now();
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      if (firstMs === 0) return reject(new Error('run printed no snapshot'));
      resolve({ firstMs, stopMs: performance.now() - stopAt });
    });
  });
}

/** The median wall time of RUNS runs, and the largest peak RSS among them. */
export async function median(run: () => Promise<Measured>, runs = RUNS): Promise<Measured> {
  const all: Measured[] = [];
  for (let i = 0; i < runs; i += 1) all.push(await run());
  const rss = all.map((m) => m.rssMb).filter((r): r is number => r !== null);
  return { ms: middle(all.map((m) => m.ms)), rssMb: rss.length === 0 ? null : Math.max(...rss) };
}

function middle(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
}

async function medianOf<T extends Record<string, number>>(n: number, run: () => Promise<T>): Promise<T> {
  const all: T[] = [];
  for (let i = 0; i < n; i += 1) all.push(await run());
  const out: Record<string, number> = {};
  for (const key of Object.keys(all[0] ?? {})) {
    out[key] = middle(all.map((x) => x[key] as number));
  }
  return out as T;
}
