// One ask to `codex app-server` (issue 12 §3): wall time to the answer, and
// the peak RSS of the server's process group. Uses the real codex cached by
// the integration test (test/codex/realCodex.test.ts) against the local HTTPS
// ChatGPT mock; without it, the fake server from test/support, and says so.
// Prints one JSON object. bench/index.ts runs it inside `unshare -rn` on Linux.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askAccount, childrenStopped } from '../src/codex/appServer.js';
import { liveChildren } from '../src/codex/childProcess.js';
import { startChatgptBackend, writeFakeLogin } from '../test/support/chatgptBackend.js';
import { fakeCodexDir } from '../test/support/codexShim.js';
import { CODEX_PINNED, codexBin } from '../test/support/realCodex.js';

const realBin = codexBin(CODEX_PINNED);

/** Peak resident memory (VmHWM) summed over a process group, Linux only. */
function groupPeakKb(pgid: number): number | null {
  if (process.platform !== 'linux') return null;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      total += Number(hwm?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const now = Math.floor(Date.now() / 1000);
const window = (used: number, seconds: number) => ({
  used_percent: used,
  limit_window_seconds: seconds,
  reset_after_seconds: 3600,
  reset_at: now + 3600,
});
const home = await mkdtemp(join(tmpdir(), 'cdp-bench-ask-'));
const real = existsSync(realBin);
const backend = real
  ? await startChatgptBackend({
      plan_type: 'plus',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: window(30, 18000),
        secondary_window: window(60, 604800),
      },
      credits: { has_credits: false, unlimited: false, balance: '0' },
      additional_rate_limits: [],
    })
  : null;
const fake = real ? null : await fakeCodexDir();
try {
  const env: NodeJS.ProcessEnv = { ...process.env, CODEX_BIN: real ? realBin : fake?.bin };
  if (backend !== null) {
    await writeFakeLogin(home, backend.port);
    await writeFile(join(home, 'ca.pem'), backend.caPem);
    env.CODEX_CA_CERTIFICATE = join(home, 'ca.pem');
  }
  let peakKb = 0;
  const sampler = setInterval(() => {
    for (const pid of liveChildren()) peakKb = Math.max(peakKb, groupPeakKb(pid) ?? 0);
  }, 10);
  const t0 = performance.now();
  const answer = await askAccount({
    codexHome: home,
    env,
    clientVersion: 'bench',
    timeoutMs: Number(process.env.BENCH_ASK_TIMEOUT_MS ?? 5000),
  });
  const wallMs = performance.now() - t0;
  for (const pid of liveChildren()) peakKb = Math.max(peakKb, groupPeakKb(pid) ?? 0);
  clearInterval(sampler);
  await childrenStopped();
  process.stdout.write(
    JSON.stringify({
      server: real
        ? `real codex ${CODEX_PINNED} (cached), local HTTPS mock backend`
        : 'the fake app-server (no cached codex)',
      ok: answer.ok,
      reason: answer.ok ? null : answer.reason,
      wallMs,
      peakRssMb: process.platform === 'linux' ? peakKb / 1024 : null,
    }),
  );
} finally {
  await backend?.close();
  await fake?.remove();
  await rm(home, { recursive: true, force: true });
}
