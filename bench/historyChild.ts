import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyPath } from '../src/history/location.js';
import { HistoryRecorder } from '../src/history/recorder.js';
import { HistoryStore } from '../src/history/store.js';
import { UsageEngine } from '../src/usage/engine.js';
import type { HistoryView, UsageSnapshot } from '../src/contract/index.js';

/**
 * Usage history in its own process (issue 15 §3): the first-start backfill of
 * the whole bench home, then the cost `record` adds to a snapshot.
 * argv: <codex home> [full | split | plain | daily]: `split` and `plain` only time a
 * backfill with and without the splits by model and by window (what the cost adds, issue
 * 24 §1), each in a process of its own; `daily` prices a home's days for the
 * peer check; `full` measures everything.
 */
const [home = '', mode = 'full'] = process.argv.slice(2);

function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** The days with use, priced: what the peer check compares. */
function dailyOf(view: HistoryView) {
  return view.days
    .filter((d) => d.tokens > 0 || d.cachedInput > 0)
    .map((d) => ({ day: d.day, tokens: d.tokens, cachedInput: d.cachedInput, usd: d.cost.usd, status: d.cost.status }));
}

/** One first-start backfill of the whole home into a fresh history file. */
async function backfill(
  byModel: boolean,
): Promise<{ ms: number; cpuMs: number; recorder: HistoryRecorder; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cdp-bench-history-'));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const store = await HistoryStore.open(historyPath(dir), { now: Date.now });
  const recorder = new HistoryRecorder({
    store,
    codexHome: home,
    now: Date.now,
    ignore: () => [],
    ...(byModel ? {} : { byModel: false }),
  });
  recorder.start();
  while (recorder.backfill.phase !== 'done') await new Promise((r) => setTimeout(r, 5));
  await recorder.idle();
  await store.compactNow();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, recorder, dir };
}

if (mode === 'daily') {
  // The peer check's home: its days priced, nothing else.
  const run = await backfill(true);
  const view = run.recorder.view({ days: 400 });
  await run.recorder.stop();
  await rm(run.dir, { recursive: true, force: true });
  process.send?.({ daily: dailyOf(view), pricesAsOf: view.cost.pricesAsOf });
  process.exit(0);
}
if (mode === 'split' || mode === 'plain') {
  const run = await backfill(mode === 'split');
  await run.recorder.stop();
  await rm(run.dir, { recursive: true, force: true });
  process.send?.({ backfillMs: run.ms, cpuMs: run.cpuMs });
  process.exit(0);
}
const measured = await backfill(true);
const data = measured.dir;
try {
  const recorder = measured.recorder;
  const backfillMs = measured.ms;
  const backfillCpuMs = measured.cpuMs;
  const backfillRssMb = peakRssMb();
  const t2 = performance.now();
  const view = recorder.view({ days: 400 });
  const viewMs = performance.now() - t2;
  const tokens = view.days.reduce((n, d) => n + d.tokens, 0);
  const fileBytes = (await readFile(historyPath(data))).length;
  const daily = dailyOf(view);

  // A real snapshot of the home, then snapshots whose readings move (each one is a change to record).
  const engine = new UsageEngine({ codexHome: home });
  await engine.coldStart();
  const base = engine.snapshot();
  const RECORDS = 2000;
  const snapshots: UsageSnapshot[] = [];
  for (let i = 0; i < RECORDS; i += 1) {
    const s = structuredClone(base);
    if (s.limits.primary !== null) s.limits.primary.usedPercent = (i % 1000) / 10;
    const first = s.sessions[0];
    if (first !== undefined) first.tokens.total += i;
    snapshots.push(s);
  }
  const t1 = performance.now();
  for (const s of snapshots) recorder.record(s);
  const recordMs = (performance.now() - t1) / RECORDS;
  await recorder.stop();
  process.send?.({
    backfillMs,
    backfillCpuMs,
    backfillRssMb,
    files: view.backfill.filesTotal,
    tokens,
    fileBytes,
    recordMs,
    viewMs,
    daily,
    pricesAsOf: view.cost.pricesAsOf,
  });
} finally {
  await rm(data, { recursive: true, force: true });
}
