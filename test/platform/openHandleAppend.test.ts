import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageMonitor } from '../../src/usage/monitor.js';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { line, mainLimits, shown, TempCodexHome } from '../support/codexHome.js';
import { snapshotWhere } from '../support/monitor.js';

/**
 * Codex keeps its rollout open for append while a session runs. On NTFS a
 * size change on an open handle may be reported only when metadata flushes
 * (docs/platforms.md), so updates could lag until the next write or the
 * minute timer. Here a second process holds the file open exactly like that
 * and appends; `status` and the live monitor must each see every append.
 *
 * The 2 s below is a liveness bound, not a speed measurement: "seen at all
 * without another write or the minute timer" cannot be observed without some
 * deadline, and 2 s is far below the one-minute fallback it rules out while
 * far above an event's normal latency, so a slow runner does not fail it.
 * It runs on every OS; the Windows runner in CI is where it matters.
 */
const LIVENESS_MS = 2000;

let home: TempCodexHome;
let holder: ChildProcessWithoutNullStreams | null = null;
let monitor: UsageMonitor | null = null;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await monitor?.stop();
  monitor = null;
  if (holder !== null && holder.exitCode === null) {
    const exited = new Promise((r) => holder?.once('exit', r));
    holder.kill();
    await exited;
  }
  holder = null;
  await home.remove();
});

/** Starts the holder and returns a function that appends one line and resolves once it is written. */
async function holdOpen(file: string): Promise<(text: string) => Promise<void>> {
  const child = spawn(process.execPath, [join(ROOT, 'test', 'support', 'appendHolder.mjs'), file], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  holder = child;
  let out = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      if (out.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const printed = (text: string) =>
    out.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  await printed('ready\n');
  let n = 0;
  return async (text) => {
    n += 1;
    child.stdin.write(`append ${text}\n`);
    await printed(`appended ${n}\n`);
  };
}

const seenWithin = (m: UsageMonitor, predicate: (s: UsageSnapshot) => boolean, what: string): Promise<UsageSnapshot> =>
  snapshotWhere(m, what, predicate, LIVENESS_MS);

describe('appends to a rollout another process holds open (as Codex does)', () => {
  it('status and the live monitor see each append', async () => {
    const iso = () => new Date().toISOString();
    const file = home.rolloutPath('2026-11-21', 'held');
    await home.writeRollout(file, `${line.meta(iso())}\n${line.turnContext(iso(), 'gpt-5.5')}\n`, new Date());
    const append = await holdOpen(file);
    monitor = new UsageMonitor({ codexHome: home.home });
    await monitor.start();
    const reset = Math.floor(Date.now() / 1000) + 3600;

    let total = 0;
    for (let i = 1; i <= 5; i += 1) {
      total += 1000 * i;
      await append(line.tokenCount(iso(), total, 1000 * i, mainLimits(10 + i, 40, reset, reset + 86400)));
      const expected = shown(total); // Codex's figure of the raw total written
      const snap = await seenWithin(monitor, (s) => s.sessions[0]?.tokens.total === expected, `append ${i}`);
      expect(snap.limits.primary?.usedPercent).toBe(10 + i);

      const status = await runCli(['status', '--json', '--codex-home', home.home]);
      expect(status.code).toBe(0);
      const fromCli = JSON.parse(status.stdout) as SnapshotJson;
      expect(fromCli.sessions[0]?.tokens.total).toBe(expected);
      expect(fromCli.limits.primary?.usedPercent).toBe(10 + i);
    }
  });
});
