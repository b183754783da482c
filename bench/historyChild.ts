import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyPath } from '../src/history/location.js';
import { HistoryRecorder } from '../src/history/recorder.js';
import { HistoryStore } from '../src/history/store.js';
import { UsageEngine } from '../src/usage/engine.js';
import type { UsageSnapshot } from '../src/contract/index.js';

/**
 * Usage history in its own process (issue 15 §3): the first-start backfill of
 * the whole bench home, then the cost `record` adds to a snapshot.
 * argv: <codex home>
 */
const [home = ''] = process.argv.slice(2);

function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const data = await mkdtemp(join(tmpdir(), 'cdp-bench-history-'));
try {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const store = await HistoryStore.open(historyPath(data), { now: Date.now });
  const recorder = new HistoryRecorder({ store, codexHome: home, now: Date.now, ignore: () => [] });
  recorder.start();
  while (recorder.backfill.phase !== 'done') await new Promise((r) => setTimeout(r, 5));
  await recorder.idle();
  await store.compactNow();
  const backfillMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const backfillCpuMs = (cpu.user + cpu.system) / 1000;
  const backfillRssMb = peakRssMb();
  const view = recorder.view({ days: 400 });
  const tokens = view.days.reduce((n, d) => n + d.tokens, 0);
  const fileBytes = (await readFile(historyPath(data))).length;

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
  });
} finally {
  await rm(data, { recursive: true, force: true });
}
