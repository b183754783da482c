import { cp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryViewJson, SnapshotJson } from '../../src/cli/jsonDates.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { historyPath } from '../../src/history/location.js';
import { UsageMonitor } from '../../src/usage/monitor.js';
import { runCli, startCli } from '../support/cli.js';
import { codexFigure } from '../support/codexFigures.js';
import {
  CODEX_OLDEST,
  CODEX_PINNED,
  execStep,
  installCodex,
  isolation,
  realRollouts,
  runIsolated,
  type RunOutput,
} from '../support/realCodex.js';
import { backfillWithRun, fileHas, makeRealHome, rolloutsById } from '../support/realHome.js';
import { limitsNow, type MockUsage } from '../support/responsesMock.js';

// Issue 24 §3: `codex migrate-rollouts --apply` (0.171) rewrites legacy
// rollouts in place for paginated history. On a copy of a home the real codex
// made (a 0.100 session resumed once, a 0.171 fork of it, and a 0.171 session
// already paginated), every figure we show must be the same before and after,
// and a live monitor must not count a rewritten file again.

const ISOLATED = isolation();
if (!ISOLATED.ok) console.warn(`codex migrate-rollouts tests skipped: ${ISOLATED.why}`);

const OLD_1: MockUsage = { input: 8000, cached: 2000, output: 180, reasoning: 64 }; // 6180
const OLD_2: MockUsage = { input: 16_000, cached: 4000, output: 360, reasoning: 64 }; // 12360
const FORK: MockUsage = { input: 24_000, cached: 6000, output: 540, reasoning: 64 }; // 18540
const NATIVE: MockUsage = { input: 30_000, cached: 11_520, output: 660, reasoning: 120 }; // 19140
const RESUMED: MockUsage = { input: 12_000, cached: 6000, output: 660, reasoning: 200 }; // 6660

const figure = (u: MockUsage): number =>
  codexFigure({
    input_tokens: u.input,
    cached_input_tokens: u.cached,
    output_tokens: u.output,
    reasoning_output_tokens: u.reasoning ?? 0,
    total_tokens: u.input + u.output,
  });

let dir: string;
let home: string;
let made: RunOutput;
let pinned: string;
const idOf = (name: string): string => made.steps.find((s) => s.name === name)?.id ?? '';

interface Outcome {
  thread_id: string;
  status: string;
}

/** `codex migrate-rollouts --apply` on `codexHome`, isolated; its per-thread outcomes. */
async function migrate(codexHome: string): Promise<Outcome[]> {
  const out = await runIsolated(
    [pinned, 'migrate-rollouts', '--apply', '--json'],
    { CODEX_HOME: codexHome },
    { isolate: true, timeoutMs: 120_000 },
  );
  return (JSON.parse(out) as { outcomes: Outcome[] }).outcomes;
}

/**
 * A copy of the home, with the state databases left out: they name the
 * original's paths, and codex rebuilds them from the rollouts.
 */
async function copyHome(name: string): Promise<string> {
  const to = join(dir, name);
  await cp(home, to, {
    recursive: true,
    preserveTimestamps: true,
    filter: (src) => !/\.sqlite(-wal|-shm)?$/.test(src),
  });
  return to;
}

const env = (codexHome: string, stateDir: string): NodeJS.ProcessEnv => ({
  CODEX_HOME: codexHome,
  CODEX_PRESENCE_STATE_DIR: stateDir,
  TZ: 'UTC',
});

type Status = SnapshotJson & { history: unknown };

async function status(codexHome: string, stateDir: string): Promise<Status> {
  const out = await runCli(['status', '--json', '--no-refresh'], env(codexHome, stateDir));
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as Status;
}

async function history(codexHome: string, stateDir: string): Promise<Omit<HistoryViewJson, 'generatedAt'>> {
  const out = await runCli(['history', '--json', '--days', '3'], env(codexHome, stateDir));
  expect(out.code).toBe(0);
  const { generatedAt: _drop, ...view } = JSON.parse(out.stdout) as HistoryViewJson;
  void _drop;
  return view;
}

/**
 * Everything a session shows, and the limits: the figures that must not move.
 * Pace is left out: it follows the clock (the share of the window gone by now).
 */
const figures = <S extends UsageSnapshot | SnapshotJson>(s: S) => {
  const timeless = <W extends object>(w: W | null) => (w === null ? null : { ...w, pace: undefined });
  const { primary, secondary, others, ...rest } = s.limits;
  return {
    sessions: s.sessions as S['sessions'],
    limits: {
      ...rest,
      primary: timeless(primary),
      secondary: timeless(secondary),
      others: others.map((f) => ({ ...f, primary: timeless(f.primary), secondary: timeless(f.secondary) })),
    },
  };
};

/** What history shows; `backfill` says how many files a start read, not what they held. */
const counted = ({ backfill: _b, ...view }: Omit<HistoryViewJson, 'generatedAt'>) => (void _b, view);

const inodes = async (codexHome: string): Promise<Map<string, number>> => {
  const out = new Map<string, number>();
  for (const [id, path] of await rolloutsById(codexHome)) out.set(id, (await stat(path)).ino);
  return out;
};

describe.skipIf(!ISOLATED.ok)(`codex ${CODEX_PINNED} migrate-rollouts on a real home`, () => {
  beforeAll(async () => {
    const old = installCodex(CODEX_OLDEST);
    pinned = installCodex(CODEX_PINNED);
    ({
      dir,
      home,
      run: made,
    } = await makeRealHome('ledger-cli', limitsNow(33, 58), [
      execStep('old', old, ['Read the ledger.'], OLD_1),
      execStep('oldResumed', old, ['resume', '{id:old}', 'Sum it.'], OLD_2),
      execStep('fork', pinned, ['fork', '{id:old}', 'Sum it again.'], FORK),
      execStep('native', pinned, ['A new session.'], NATIVE),
    ]));
  }, 15 * 60_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('rewrites the legacy rollouts in place and leaves the paginated one as it was', async () => {
    const copy = await copyHome('rewrite');
    const files = await rolloutsById(copy);
    const native = await readFile(files.get(idOf('native')) ?? '', 'utf8');
    const before = await inodes(copy);
    const outcomes = await migrate(copy);
    expect(new Map(outcomes.map((o) => [o.thread_id, o.status]))).toEqual(
      new Map([
        [idOf('old'), 'migrated'],
        [idOf('fork'), 'migrated'],
        [idOf('native'), 'already_paginated'],
      ]),
    );
    const after = await inodes(copy);
    for (const name of ['old', 'fork']) {
      const id = idOf(name);
      // A new file under the old name, every line numbered, the meta marked paginated.
      expect(after.get(id)).not.toBe(before.get(id));
      const lines = (await readFile(files.get(id) ?? '', 'utf8')).trimEnd().split('\n');
      expect(lines.every((l, i) => (JSON.parse(l) as { ordinal?: number }).ordinal === i)).toBe(true);
      expect((JSON.parse(lines[0] ?? '') as { payload: { history_mode: string } }).payload.history_mode).toBe(
        'paginated',
      );
    }
    expect(await readFile(files.get(idOf('native')) ?? '', 'utf8')).toBe(native);
    expect(after.get(idOf('native'))).toBe(before.get(idOf('native')));
  }, 180_000);

  it('every figure is the same before and after: status --json, history --json, and a restarted publisher’s', async () => {
    const copy = await copyHome('figures');
    const stateA = join(dir, 'figures-state-a');
    const stateB = join(dir, 'figures-state-b');
    const before = await status(copy, stateA);
    await backfillWithRun(env(copy, stateA), stateA);
    const historyBefore = await history(copy, stateA);
    // The figures codex itself printed for its sessions.
    const total = (id: string) => before.sessions.find((s) => s.id === id)?.tokens.total;
    expect(total(idOf('old'))).toBe(made.steps.find((s) => s.name === 'oldResumed')?.tokensUsed);
    expect(total(idOf('fork'))).toBe(made.steps.find((s) => s.name === 'fork')?.tokensUsed);
    expect(total(idOf('native'))).toBe(figure(NATIVE));
    // The fork copied its parent's two turns (a legacy session): only its own turn is its own, and history counts
    // each request once, in the file that made it.
    expect(before.sessions.find((s) => s.id === idOf('fork'))?.tokens).toMatchObject({
      own: figure(FORK),
      last: figure(FORK),
    });
    expect(historyBefore.days.reduce((sum, d) => sum + d.tokens, 0)).toBe(
      figure(OLD_1) + figure(OLD_2) + figure(FORK) + figure(NATIVE),
    );

    await migrate(copy);
    expect(figures(await status(copy, stateA))).toEqual(figures(before));
    // History built afresh from the rewritten files…
    await backfillWithRun(env(copy, stateB), stateB);
    expect(await history(copy, stateB)).toEqual(historyBefore);
    // …and the publisher that had read the old files, started again: it reads the two rewritten ones, counting nothing twice.
    await backfillWithRun(env(copy, stateA), stateA);
    const restarted = await history(copy, stateA);
    expect(restarted.backfill).toMatchObject({ phase: 'done', filesDone: 2, filesTotal: 2 });
    expect(counted(restarted)).toEqual(counted(historyBefore));
  }, 180_000);

  it('a live monitor and a running publisher do not count a rewritten file again, and count what is appended to it', async () => {
    const copy = await copyHome('live');
    const state = join(dir, 'live-state');
    const monitor = new UsageMonitor({ codexHome: copy, onError: () => undefined });
    const run = startCli(['run'], env(copy, state));
    try {
      const first = figures(await monitor.start());
      await fileHas(historyPath(state), '"phase":"done"', 60_000);
      const historyBefore = await history(copy, state);
      const before = await inodes(copy);

      await migrate(copy);
      // The engine has read every rewritten file again once its sessions' readers hold exactly the files' new bytes.
      const files = await rolloutsById(copy);
      let size = 0;
      for (const path of files.values()) size += (await stat(path)).size;
      await until('the engine to read the rewritten files', () => monitor.engine.liveSessionBytes() === size);
      expect(figures(monitor.engine.snapshot())).toEqual(first);
      expect(await history(copy, state)).toEqual(historyBefore);

      // Codex resumes the rewritten session: only the new turn is added, live and in history.
      const parent = idOf('old');
      const resumed = await realRollouts({
        home: copy,
        cwd: join(dir, 'ledger-cli'),
        limits: null,
        steps: [execStep('resumed', pinned, ['resume', parent, 'Once more.'], RESUMED)],
      });
      expect(resumed.steps[0]?.id).toBe(parent);
      const old = (s: UsageSnapshot) => s.sessions.find((x) => x.id === parent);
      const grown = (first.sessions.find((s) => s.id === parent)?.tokens.total ?? 0) + figure(RESUMED);
      await until('the resumed turn live', () => old(monitor.engine.snapshot())?.tokens.total === grown);
      expect(old(monitor.engine.snapshot())?.tokens).toMatchObject({ own: grown, delta: figure(RESUMED) });
      expect(resumed.steps[0]?.tokensUsed).toBe(grown);
      const others = <S extends { id: string }>(sessions: S[]) => sessions.filter((x) => x.id !== parent);
      expect(others(monitor.engine.snapshot().sessions)).toEqual(others(first.sessions));
      // The publisher reads the rewritten, grown file (a new inode) and adds only the new turn.
      const ino = (await stat(files.get(parent) ?? '')).ino;
      expect(ino).not.toBe(before.get(parent));
      await fileHas(historyPath(state), `"ino":${ino},`, 60_000);
      const after = await history(copy, state);
      const sum = (v: Omit<HistoryViewJson, 'generatedAt'>) => v.days.reduce((n, d) => n + d.tokens, 0);
      expect(sum(after)).toBe(sum(historyBefore) + figure(RESUMED));
    } finally {
      run.child.kill('SIGINT');
      await monitor.stop();
      expect((await run.exited).code).toBe(0);
    }
  }, 180_000);
});

/** Resolves once `check` holds (checked every 20 ms); fails after a minute, naming `what`. */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
