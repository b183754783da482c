import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageMonitor } from '../../src/usage/monitor.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { startCli } from '../support/cli.js';
import { line, shown } from '../support/codexHome.js';
import { snapshotWhere } from '../support/monitor.js';

/**
 * File-system churn against the real watcher (issue #10, section 3): folders
 * deleted and recreated under it, the whole Codex home replaced, files
 * renamed, truncated and replaced, symlink loops and FIFOs where rollouts
 * belong. What is asserted is what a person sees: the new session shows up.
 * The waits are event-driven; LIVENESS_MS only turns "never" into a failure
 * with a message, it is not a speed target (speed is `npm run bench`).
 */
const LIVENESS_MS = 10_000;
const iso = (): string => new Date().toISOString();

let root: string;
let home: string;
let monitor: UsageMonitor | null = null;
const errors: Error[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cdp-churn-'));
  home = join(root, 'codex');
  errors.length = 0;
});
afterEach(async () => {
  await monitor?.stop();
  monitor = null;
  await rm(root, { recursive: true, force: true });
});

function rolloutPath(id: string, day = '2026/11/22'): string {
  return join(home, 'sessions', day, `rollout-2026-11-22T10-00-00-${id}.jsonl`);
}

/** A fresh session as Codex writes it: meta first, then usage. */
async function writeSession(id: string, total: number, path = rolloutPath(id)): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(
    path,
    `${line.meta(iso(), { id, cwd: `/nonexistent/${id}` })}\n${line.tokenCount(iso(), total, total)}\n`,
  );
  return path;
}

async function startMonitor(): Promise<UsageMonitor> {
  monitor = new UsageMonitor({ codexHome: home, onError: (e) => errors.push(e) });
  await monitor.start();
  return monitor;
}

const until = (m: UsageMonitor, what: string, predicate: (s: UsageSnapshot) => boolean): Promise<UsageSnapshot> =>
  snapshotWhere(m, what, predicate, LIVENESS_MS, summary);

/** Session `id` is shown, with Codex's figure of the raw `total` written when one is given. */
const has = (id: string, total?: number) => (s: UsageSnapshot) =>
  s.sessions.some((x) => x.id === id && (total === undefined || x.tokens.total === shown(total)));
const summary = (s: UsageSnapshot) => ({
  home: s.codexHome,
  sessions: s.sessions.map((x) => [x.id, x.tokens.total]),
});

describe('the watcher under file-system churn', () => {
  it('sees a new session after sessions/ is deleted and recreated, again and again', async () => {
    await writeSession('before', 100);
    const m = await startMonitor();
    await until(m, 'the first session', has('before', 100));
    for (let round = 1; round <= 3; round += 1) {
      await rm(join(home, 'sessions'), { recursive: true, force: true });
      await until(
        m,
        `sessions/ gone (round ${round})`,
        (s) => !s.codexHome.sessionsDirFound && s.sessions.length === 0,
      );
      await writeSession(`after-${round}`, round * 1000);
      await until(m, `the session written after round ${round}`, has(`after-${round}`, round * 1000));
    }
    // And the recreated folders are watched for appends, not just found once.
    await writeFile(rolloutPath('after-3'), `${line.tokenCount(iso(), 5555, 2555)}\n`, { flag: 'a' });
    await until(m, 'an append after the churn', has('after-3', 5555));
  });

  it('follows the whole Codex home being deleted and recreated, and sees every later file', async () => {
    await writeSession('one', 1);
    const m = await startMonitor();
    await until(m, 'the first session', has('one'));
    await rm(home, { recursive: true, force: true });
    await until(m, 'the home reported missing', (s) => !s.codexHome.found);
    await writeSession('two', 2);
    await until(m, 'a session in the recreated home', has('two', 2));
    await writeSession('three', 3, rolloutPath('three', '2026/11/23'));
    await until(m, 'a later session in a new day folder', has('three', 3));
    // A home replaced by a rename (a restore from backup) is a different folder too.
    const restored = join(root, 'restored');
    await mkdir(join(restored, 'sessions', '2026', '11', '22'), { recursive: true });
    await rename(home, join(root, 'old'));
    await rename(restored, home);
    await writeSession('four', 4);
    await until(m, 'a session in the home swapped in by rename', (s) => has('four', 4)(s) && !has('two')(s));
    // Midnight on New Year's Eve: year, month and day folders appear at once.
    await writeSession('five', 5, rolloutPath('five', '2027/01/01'));
    await until(m, 'a session in a new year folder', has('five', 5));
  });

  it('picks up a Codex home that did not exist at start, with its parents', async () => {
    home = join(root, 'not', 'yet', 'codex');
    const m = await startMonitor();
    expect(m.current().codexHome.found).toBe(false);
    await writeSession('late', 42);
    await until(m, 'the session in the late home', has('late', 42));
    expect(errors).toEqual([]);
  });

  it('survives renames, truncation, replacement, a symlink loop and a FIFO among the rollouts', async () => {
    const a = await writeSession('a', 10);
    const m = await startMonitor();
    await until(m, 'session a', has('a', 10));
    const day = dirname(a);
    // A symlink loop and a FIFO named like rollouts, in a folder of their own
    // that stays to the end: skipped, never blocking, never a session.
    const odd = join(home, 'sessions', '2026', '11', '21');
    await mkdir(odd, { recursive: true });
    await symlink(join(odd, 'rollout-loop-b.jsonl'), join(odd, 'rollout-loop-a.jsonl'));
    await symlink(join(odd, 'rollout-loop-a.jsonl'), join(odd, 'rollout-loop-b.jsonl'));
    execFileSync('mkfifo', [join(odd, 'rollout-2026-11-21T10-00-00-fifo.jsonl')]);
    // Renamed away and back: the same session.
    await rename(a, `${a}.moved`);
    await until(m, 'session a gone after the rename', (s) => !has('a')(s));
    await rename(`${a}.moved`, a);
    await until(m, 'session a back', has('a', 10));
    // Truncated and rewritten.
    await truncate(a, 0);
    await writeFile(a, `${line.meta(iso(), { id: 'a' })}\n${line.tokenCount(iso(), 20, 20)}\n`);
    await until(m, 'session a after truncation', has('a', 20));
    // Replaced atomically.
    await writeFile(`${a}.tmp`, `${line.meta(iso(), { id: 'a' })}\n${line.tokenCount(iso(), 30, 30)}\n`);
    await rename(`${a}.tmp`, a);
    await until(m, 'session a after replacement', has('a', 30));
    // A whole day folder replaced by another one.
    const other = join(home, 'sessions', '2026', '11', 'staging');
    await mkdir(other);
    await writeFile(
      join(other, 'rollout-2026-11-22T11-00-00-c.jsonl'),
      `${line.meta(iso(), { id: 'c' })}\n${line.tokenCount(iso(), 7, 7)}\n`,
    );
    await rm(day, { recursive: true, force: true });
    await rename(other, day);
    await until(m, 'session c in the swapped day folder', (s) => has('c', 7)(s) && !has('a')(s));
    await writeSession('d', 8);
    const last = await until(m, 'a new session after all of it', has('d', 8));
    // The FIFO and the loop never became sessions, and nothing threw.
    expect(last.sessions.map((x) => x.id).sort()).toEqual(['c', 'd']);
    expect(errors).toEqual([]);
  });
});

describe('`run` under file-system churn (the real CLI)', () => {
  it('shows a session written after sessions/ and then the whole home were recreated', async () => {
    await writeSession('first', 1);
    const runtime = join(root, 'runtime');
    await mkdir(runtime);
    const cli = startCli(['run', '--codex-home', home], { XDG_RUNTIME_DIR: runtime, HOME: runtime });
    try {
      const printed = (text: string) => within(cli.printed(text), `run to print "${text}"`, cli.output);
      await printed('session first');
      await rm(join(home, 'sessions'), { recursive: true, force: true });
      // Wait for the loss to be noticed, so the new session cannot be found by the first scan.
      await printed('session none active');
      await writeSession('second', 2);
      await printed('session second');
      await rm(home, { recursive: true, force: true });
      await printed(`Codex home ${home} not found`);
      await writeSession('third', 3);
      await printed('session third');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
});

function within<T>(promise: Promise<T>, what: string, output: () => { stdout: string; stderr: string }): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${what}; output so far: ${JSON.stringify(output())}`)),
      LIVENESS_MS,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
