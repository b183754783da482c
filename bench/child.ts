import { appendFileSync, readFileSync, watch } from 'node:fs';
import { UsageEngine } from '../src/usage/engine.js';
import { UsageMonitor } from '../src/usage/monitor.js';
import type { UsageSnapshot } from '../src/contract/index.js';

/**
 * Runs in its own process so RSS and CPU belong to the headless core alone.
 * argv: <codex home> <live file to append to> <appends> <idle seconds>
 */
const [home = '', target = '', appendsArg = '200', idleArg = '30', mode = 'engine'] = process.argv.slice(2);
const APPENDS = Number(appendsArg);
const IDLE_S = Number(idleArg);

const send = (msg: unknown): void => {
  process.send?.(msg);
};

function tokenLine(total: number): string {
  const u = (t: number) => ({
    input_tokens: t,
    cached_input_tokens: 0,
    output_tokens: 0,
    reasoning_output_tokens: 0,
    total_tokens: t,
  });
  return `${JSON.stringify({
    timestamp: new Date().toISOString(),
    type: 'event_msg',
    payload: {
      type: 'token_count',
      info: { total_token_usage: u(total), last_token_usage: u(1), model_context_window: 258400 },
    },
  })}\n`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * This process's own peak RSS. On Linux `getrusage` (process.resourceUsage)
 * keeps its maximum across execve, so a child forked from the bench parent
 * starts with the parent's RSS at fork time as its "peak": on a first run,
 * where the parent has just generated the 2 GB home, that was 96–98 MB against
 * 60–65 MB of the engine's own (issue #10). VmHWM belongs to the process's
 * own address space, created at exec; elsewhere getrusage is all there is.
 */
function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function engineRun(): Promise<void> {
  const t0 = performance.now();
  let firstAt = 0;
  const monitor = new UsageMonitor({ codexHome: home });
  let waiter: ((s: UsageSnapshot) => void) | null = null;
  let latest: UsageSnapshot | null = null;
  monitor.subscribe((s) => {
    if (firstAt === 0) firstAt = performance.now();
    latest = s;
    waiter?.(s);
  });
  const first = await monitor.start();
  const coldMs = firstAt - t0;
  const watchReadyMs = performance.now() - t0;
  const diagnostics = monitor.engine.diagnostics();
  const liveBytes = monitor.engine.liveSessionBytes();
  const live = first.sessions.find((s) => s.file === target);
  let total = live?.tokens.total ?? 0;
  const latencies: number[] = [];
  for (let i = 0; i < APPENDS; i += 1) {
    total += 1;
    const expected = total;
    const seen = new Promise<void>((resolve) => {
      waiter = (s) => {
        if (s.sessions.find((x) => x.file === target)?.tokens.total === expected) resolve();
      };
    });
    const start = performance.now();
    appendFileSync(target, tokenLine(expected));
    await seen;
    latencies.push(performance.now() - start);
    await sleep(10 + (i % 4) * 10);
  }
  waiter = null;
  await sleep(2000);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(IDLE_S * 1000);
  const cpu = process.cpuUsage(cpu0);
  const idleCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100;
  await monitor.stop();
  send({
    coldMs,
    watchReadyMs,
    sessions: first.sessions.length,
    limitsFound: first.limits.primary !== null,
    totalBytes: diagnostics.bytesRead,
    liveBytes,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    idleCpuPercent,
    maxRssMb: peakRssMb(),
    lastTotal: (latest as UsageSnapshot | null)?.sessions.find((s) => s.file === target)?.tokens.total,
  });
}

/** The naive baseline: on every change, re-read and parse every live file from the start. */
async function naiveRun(files: string[]): Promise<void> {
  const parseAll = (): number => {
    let total = 0;
    for (const f of files) {
      for (const l of readFileSync(f, 'utf8').split('\n')) {
        if (l === '') continue;
        try {
          const v = JSON.parse(l) as {
            payload?: { type?: string; info?: { total_token_usage?: { total_tokens?: number } } };
          };
          if (f === target && v.payload?.type === 'token_count')
            total = v.payload.info?.total_token_usage?.total_tokens ?? total;
        } catch {
          // skipped
        }
      }
    }
    return total;
  };
  let total = parseAll();
  let waiter: ((t: number) => void) | null = null;
  const watcher = watch(target, () => {
    const t = parseAll();
    waiter?.(t);
  });
  const latencies: number[] = [];
  for (let i = 0; i < APPENDS; i += 1) {
    total += 1;
    const expected = total;
    const seen = new Promise<void>((resolve) => {
      waiter = (t) => {
        if (t === expected) resolve();
      };
    });
    const start = performance.now();
    appendFileSync(target, tokenLine(expected));
    await seen;
    latencies.push(performance.now() - start);
    await sleep(20);
  }
  watcher.close();
  send({
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    maxRssMb: peakRssMb(),
  });
}

/** Cold start alone; the caller has made every session old, so limits must be searched for. */
async function coldOnly(): Promise<void> {
  const t0 = performance.now();
  const engine = new UsageEngine({ codexHome: home });
  await engine.coldStart();
  const snap = engine.snapshot();
  send({
    coldMs: performance.now() - t0,
    sessions: snap.sessions.length,
    limitsFound: snap.limits.primary !== null,
    bytes: engine.diagnostics().bytesRead,
    filesRead: engine.diagnostics().filesRead,
    maxRssMb: peakRssMb(),
  });
}

if (mode === 'naive') await naiveRun(process.argv.slice(7));
else if (mode === 'cold') await coldOnly();
else await engineRun();
