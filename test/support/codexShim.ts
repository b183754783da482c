import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { processTable } from '../../src/codex/processTree.js';
import { ROOT } from './cli.js';

export const FAKE_APP_SERVER = join(ROOT, 'test', 'support', 'fakeAppServer.mjs');

/** A folder holding an executable named `codex` that runs the fake app-server. */
export async function fakeCodexDir(): Promise<{ dir: string; bin: string; log: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cdp-fake-codex-'));
  let bin: string;
  if (process.platform === 'win32') {
    bin = join(dir, 'codex.cmd');
    await writeFile(bin, `@"${process.execPath}" "${FAKE_APP_SERVER}" %*\r\n`);
  } else {
    bin = join(dir, 'codex');
    await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_APP_SERVER}" "$@"\n`);
    await chmod(bin, 0o755);
  }
  return { dir, bin, log: join(dir, 'calls.log'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What the fake logged: its pid, the grandchildren it left (FAKE_GRANDCHILD), and each method it was asked. */
export async function fakeLog(path: string): Promise<{ pids: number[]; grandchildren: number[]; methods: string[] }> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    // never started
  }
  const lines = text.split('\n').filter(Boolean);
  return {
    pids: lines.filter((l) => l.startsWith('pid ')).map((l) => Number(l.slice(4))),
    grandchildren: lines.filter((l) => l.startsWith('grandchild ')).map((l) => Number(l.slice(11))),
    methods: lines.filter((l) => !l.startsWith('pid ') && !l.startsWith('grandchild ')),
  };
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The variable a test puts in a command's environment to find, afterwards, every process that command started. */
export const TEST_MARK = 'CDP_TEST_MARK';

/** A fresh mark: `{[TEST_MARK]: value}` goes into the command's env. */
export function testMark(): { env: NodeJS.ProcessEnv; value: string } {
  const value = randomUUID();
  return { env: { [TEST_MARK]: value }, value };
}

/** Live processes (zombies are not) whose environment carries this test's mark. */
export function markedProcesses(value: string): number[] {
  return processTable(TEST_MARK, value)
    .filter((p) => p.marked === true && isRunning(p.pid))
    .map((p) => p.pid);
}

/** Ends what a failed test left behind: the fake's grandchildren (by the pids it logged). */
export async function killGrandchildren(log: string): Promise<void> {
  for (const pid of (await fakeLog(log)).grandchildren) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
}
