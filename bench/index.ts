import { fork, spawnSync } from 'node:child_process';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { generateBenchHome } from './generate.js';

/**
 * `npm run bench`: the figures issue #2 names, printed next to their targets.
 * These are measurements, not tests: nothing here fails the build.
 */
const ROOT = join(import.meta.dirname, '..');
const APPENDS = Number(process.env.BENCH_APPENDS ?? 200);
const NAIVE_APPENDS = Number(process.env.BENCH_NAIVE_APPENDS ?? 30);
const IDLE_S = Number(process.env.BENCH_IDLE_SECONDS ?? 30);

interface EngineResult {
  coldMs: number;
  watchReadyMs: number;
  sessions: number;
  limitsFound: boolean;
  totalBytes: number;
  liveBytes: number;
  p50: number;
  p99: number;
  idleCpuPercent: number;
  maxRssMb: number;
}
interface NaiveResult {
  p50: number;
  p99: number;
  maxRssMb: number;
}

// The child is bundled and run under plain node, as the shipped CLI is: a
// TypeScript loader would add its own isolate to the RSS being measured.
const CHILD = join(ROOT, '.bench', 'child.mjs');
await build({
  entryPoints: [join(ROOT, 'bench', 'child.ts')],
  outfile: CHILD,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
});

function child<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = fork(CHILD, args, { stdio: 'inherit', execArgv: [] });
    let result: T | null = null;
    proc.on('message', (m) => (result = m as T));
    proc.on('error', reject);
    proc.on('exit', (code) => (result === null ? reject(new Error(`bench child exited ${code}`)) : resolve(result)));
  });
}

const MB = 1024 * 1024;
const bench = await generateBenchHome(join(ROOT, '.bench'));
const target = bench.active[0] ?? '';
console.log(
  `Codex home: ${bench.files} rollouts, ${(bench.totalBytes / 1024 ** 3).toFixed(2)} GB, 3 live sessions (one of 50 MB)`,
);
console.log(`measuring the engine (${APPENDS} appends, ${IDLE_S} s idle)…`);
const r = await child<EngineResult>([bench.home, target, String(APPENDS), String(IDLE_S), 'engine']);
console.log(`measuring the naive baseline (${NAIVE_APPENDS} appends)…`);
const naive = await child<NaiveResult>([bench.home, target, String(NAIVE_APPENDS), '0', 'naive', ...bench.active]);

const rows: Array<[string, string, string, boolean]> = [
  ['cold start to first snapshot', `${r.coldMs.toFixed(0)} ms`, '≤ 500 ms', r.coldMs <= 500],
  [
    'bytes read at cold start beyond live tails',
    `${((r.totalBytes - r.liveBytes) / MB).toFixed(2)} MB (live tails ${(r.liveBytes / MB).toFixed(2)} MB)`,
    '≤ 8 MB',
    r.totalBytes - r.liveBytes <= 8 * MB,
  ],
  ['append-to-snapshot latency p50', `${r.p50.toFixed(1)} ms`, '≤ 50 ms', r.p50 <= 50],
  ['append-to-snapshot latency p99', `${r.p99.toFixed(1)} ms`, '≤ 150 ms', r.p99 <= 150],
  [
    `CPU while idle for ${IDLE_S} s`,
    `${r.idleCpuPercent.toFixed(3)} % of one core`,
    '≤ 0.5 %',
    r.idleCpuPercent <= 0.5,
  ],
  ['peak RSS of the headless core', `${r.maxRssMb.toFixed(1)} MB`, '≤ 80 MB', r.maxRssMb <= 80],
];
const w0 = Math.max(...rows.map((x) => x[0].length));
const w1 = Math.max(...rows.map((x) => x[1].length));
console.log('');
console.log(`${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  target`);
for (const [name, value, target, ok] of rows)
  console.log(`${name.padEnd(w0)}  ${value.padEnd(w1)}  ${target.padEnd(9)} ${ok ? '✓' : '✗ MISSED'}`);
console.log('');
console.log(
  `naive baseline (re-read and parse every live file per change): p50 ${naive.p50.toFixed(1)} ms, p99 ${naive.p99.toFixed(1)} ms, ` +
    `peak RSS ${naive.maxRssMb.toFixed(0)} MB → the engine is ${(naive.p50 / r.p50).toFixed(0)}× faster at p50`,
);
// Second scenario: nobody is coding right now, so limits come from older files.
const dayAgo = new Date(Date.now() - 86_400_000);
for (const f of bench.active) await utimes(f, dayAgo, dayAgo);
const idle = await child<{
  coldMs: number;
  sessions: number;
  limitsFound: boolean;
  bytes: number;
  filesRead: number;
  maxRssMb: number;
}>([bench.home, target, '0', '0', 'cold']);
console.log(
  `no live session: cold start ${idle.coldMs.toFixed(0)} ms, limits ${idle.limitsFound ? 'found' : 'NOT found'} after ` +
    `${idle.filesRead} file(s) and ${(idle.bytes / MB).toFixed(2)} MB read (target ≤ 8 MB), peak RSS ${idle.maxRssMb.toFixed(1)} MB`,
);
console.log(`watching every folder took ${r.watchReadyMs.toFixed(0)} ms from start (after the first snapshot)`);
console.log(
  `(${r.sessions} live sessions seen; limits found: ${r.limitsFound ? 'yes' : 'no'}; file cache warm: the home was just written or read)`,
);

// One ask to codex app-server for the account's limits (issue 12 §3).
{
  const script = join(ROOT, 'bench', 'accountAsk.ts');
  const node = `"${process.execPath}" --import tsx "${script}"`;
  const isolate =
    process.platform === 'linux' &&
    spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;
  const out = isolate
    ? spawnSync('unshare', ['-rn', 'sh', '-c', `ip link set lo up && exec ${node}`], { cwd: ROOT })
    : spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT });
  try {
    const ask = JSON.parse(out.stdout.toString()) as {
      server: string;
      ok: boolean;
      reason: string | null;
      wallMs: number;
      peakRssMb: number | null;
    };
    console.log(
      `one account ask (${ask.server}${isolate ? ', loopback-only namespace' : ''}): ` +
        `${ask.ok ? 'answered' : `failed: ${ask.reason}`} in ${ask.wallMs.toFixed(0)} ms, ` +
        `peak RSS of codex app-server ${ask.peakRssMb === null ? 'not measured on this OS' : `${ask.peakRssMb.toFixed(1)} MB`}`,
    );
  } catch {
    console.log(`one account ask: could not run (${out.stderr.toString().trim().split('\n')[0] ?? 'no output'})`);
  }
}
