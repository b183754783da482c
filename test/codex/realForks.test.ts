import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/settings/settings.js';
import type { HistoryViewJson, SnapshotJson } from '../../src/cli/jsonDates.js';
import { compactNumber, tokenTriplet } from '../../src/format/numbers.js';
import { buildActivity } from '../../src/presence/activity.js';
import { UsageEngine } from '../../src/usage/engine.js';
import { runCli } from '../support/cli.js';
import { codexCompact, codexFigure, expectedForkTokens } from '../support/codexFigures.js';
import { backfillWithRun, makeRealHome, rolloutsById } from '../support/realHome.js';
import {
  CODEX_PINNED,
  execStep,
  installCodex,
  isolation,
  type RunOutput,
  type StepResult,
} from '../support/realCodex.js';
import { limitsNow, type MockUsage } from '../support/responsesMock.js';

// Issue 24 §2 on forks the real codex made: `codex exec fork` and `codex fork`
// in a real terminal, against the local Responses mock, with the figures of
// the capture (19,140 inherited; + 6,660 and + 6,180 own).

const ISOLATED = isolation();
if (!ISOLATED.ok) console.warn(`real codex fork tests skipped: ${ISOLATED.why}`);

/** Codex's figure of a usage: (input − cached) + output. */
const figure = (u: MockUsage): number => codexFigure(raw(u));
const raw = (u: MockUsage) => ({
  input_tokens: u.input,
  cached_input_tokens: u.cached,
  output_tokens: u.output,
  reasoning_output_tokens: u.reasoning ?? 0,
  total_tokens: u.input + u.output,
});

const TURN_1: MockUsage = { input: 12_000, cached: 3000, output: 300, reasoning: 120 }; // 9300
const TURN_2: MockUsage = { input: 16_000, cached: 6600, output: 440, reasoning: 90 }; // 9840
const EXEC_FORK: MockUsage = { input: 12_000, cached: 6000, output: 660, reasoning: 200 }; // 6660
const TUI_FORK: MockUsage = { input: 8000, cached: 2000, output: 180, reasoning: 64 }; // 6180

let dir: string;
let home: string;
let data: string;
let run: RunOutput;
const step = (name: string): StepResult => {
  const found = run.steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no step ${name}`);
  return found;
};

/** The CLI's environment: this home, its own history, one time zone for every day boundary. */
const env = (): NodeJS.ProcessEnv => ({ CODEX_HOME: home, CODEX_PRESENCE_STATE_DIR: data, TZ: 'UTC' });

async function status(): Promise<SnapshotJson & { history: { lastSevenDays: number } | null }> {
  const out = await runCli(['status', '--json', '--no-refresh'], env());
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as SnapshotJson & { history: { lastSevenDays: number } | null };
}

const session = (snap: SnapshotJson, id: string): SnapshotJson['sessions'][number] => {
  const found = snap.sessions.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no session ${id} in ${JSON.stringify(snap.sessions.map((s) => s.id))}`);
  return found;
};

describe.skipIf(!ISOLATED.ok)(`forks made by the real codex ${CODEX_PINNED}`, () => {
  beforeAll(async () => {
    const bin = installCodex(CODEX_PINNED);
    ({ dir, home, run } = await makeRealHome('orbit-api', limitsNow(21, 47), [
      execStep('parent', bin, ['Plan the release.'], TURN_1),
      execStep('resumed', bin, ['resume', '{id:parent}', 'Now the changelog.'], TURN_2),
      execStep('execFork', bin, ['fork', '{id:parent}', 'Try it another way.'], EXEC_FORK),
      { kind: 'tuiFork', name: 'tuiFork', bin, parent: 'parent', prompt: 'And a third way.', usage: [TUI_FORK] },
    ]));
    data = join(dir, 'data');
  }, 15 * 60_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('codex made exactly the planned requests, and printed the issue’s figures itself', () => {
    expect(run.served).toMatchObject({ answered: 4, refused: 0 });
    const parent = figure(TURN_1) + figure(TURN_2);
    expect(parent).toBe(19_140);
    expect(step('resumed')).toMatchObject({ id: step('parent').id, tokensUsed: parent });
    // `codex exec` closes with Codex's figure of the session: the parent's part included.
    expect(step('execFork').tokensUsed).toBe(parent + figure(EXEC_FORK));
    expect(step('execFork').tokensUsed).toBe(25_800);
    // `/status` in the terminal: "0 total" right after the fork, then "25.3K total".
    expect(step('tuiFork').statusBefore).toBe('0');
    expect(step('tuiFork').statusAfter).toBe(codexCompact(parent + figure(TUI_FORK)));
    expect(step('tuiFork').statusAfter).toBe('25.3K');
  });

  it('status --json: a fork’s total is Codex’s figure, its growth is tokens.own, and the parent keeps its own', async () => {
    const snap = await status();
    const files = await rolloutsById(home);
    const parentId = step('parent').id;
    const parent = session(snap, parentId);
    expect(parent).toMatchObject({ forkedFrom: null, tokens: { total: 19_140, own: 19_140 }, turns: 2 });
    for (const [name, own] of [
      ['execFork', EXEC_FORK],
      ['tuiFork', TUI_FORK],
    ] as const) {
      const { id } = step(name);
      const fork = session(snap, id);
      const expected = expectedForkTokens(await readFile(files.get(id) ?? '', 'utf8'));
      expect(fork.forkedFrom).toBe(parentId);
      expect(fork.tokens).toMatchObject({
        total: 19_140 + figure(own),
        own: figure(own),
        last: figure(own),
        delta: figure(own),
        input: TURN_1.input + TURN_2.input + own.input,
        cachedInput: TURN_1.cached + TURN_2.cached + own.cached,
        output: TURN_1.output + TURN_2.output + own.output,
      });
      // The same as Codex's formula on the fork's own lines.
      expect({ total: fork.tokens.total, own: fork.tokens.own }).toEqual(expected);
      expect(fork.turns).toBe(1);
      expect(fork.context.used).toBe(own.input + own.output);
    }
    // What Codex printed for each fork.
    expect(session(snap, step('execFork').id).tokens.total).toBe(step('execFork').tokensUsed);
    expect(codexCompact(session(snap, step('tuiFork').id).tokens.total)).toBe(step('tuiFork').statusAfter);
  });

  it('before its first turn a fork shows 0, as Codex’s /status did; the first turn brings the inherited part in', async () => {
    const files = await rolloutsById(home);
    const { id } = step('tuiFork');
    const whole = await readFile(files.get(id) ?? '', 'utf8');
    const lines = whole.split('\n');
    const firstUsage = lines.findIndex((l) => /"type":"(token_count|token_usage_record)"/.test(l));
    expect(firstUsage).toBeGreaterThan(0);
    const file = files.get(id) ?? '';
    try {
      // The file as it was when `/status` said "0 total": everything before the fork's first usage line.
      await writeFile(file, lines.slice(0, firstUsage).join('\n') + '\n');
      const before = session(await status(), id);
      expect(before.tokens).toMatchObject({ total: 0, own: 0, last: 0, delta: 0 });
      expect(String(before.tokens.total)).toBe(step('tuiFork').statusBefore);
    } finally {
      await writeFile(file, whole);
    }
    expect(session(await status(), id).tokens).toMatchObject({ total: 25_320, own: 6180 });
  });

  it('the status text and the Discord card show Codex’s figure for the fork; its delta and last turn are its own', async () => {
    const out = await runCli(['status', '--no-refresh'], env());
    expect(out.code).toBe(0);
    // The newest session (the terminal fork) is current: Δ and last are its own request, total Codex's 25,320.
    expect(out.stdout).toContain(tokenTriplet({ delta: 6180, last: 6180, total: 25_320 }));
    const config = defaultSettings();
    config.discordClientId = '123456789012345678';
    config.display.stateLine = 'tokens';
    expect((await status()).current).toBe(step('tuiFork').id);
    // The card from the snapshot a publisher has (epoch-ms times), read from the same home.
    const engine = new UsageEngine({ codexHome: home, now: Date.now });
    await engine.coldStart();
    const snap = engine.snapshot();
    expect(snap.current).toBe(step('tuiFork').id);
    const card = buildActivity({ snapshot: snap, config, now: Date.now(), lastBusyAt: null });
    expect(card?.state).toContain(`total ${compactNumber(25_320)}`);
  });

  it('history counts every token once: the parent’s, then only each fork’s growth', async () => {
    await backfillWithRun(env(), data);
    const out = await runCli(['history', '--json', '--days', '2'], env());
    const view = JSON.parse(out.stdout) as HistoryViewJson;
    const own = 19_140 + figure(EXEC_FORK) + figure(TUI_FORK);
    expect(view.days.reduce((sum, d) => sum + d.tokens, 0)).toBe(own);
    expect(view.days.flatMap((d) => d.projects.map((p) => p.project))).toEqual(['orbit-api']);
    // Top sessions are today's: all three, unless the setup ran across midnight.
    if (view.days.filter((d) => d.tokens > 0).length === 1) {
      const top = new Map(view.topSessions.map((s) => [s.id, s.tokens]));
      expect(top).toEqual(
        new Map([
          [step('parent').id, 19_140],
          [step('execFork').id, figure(EXEC_FORK)],
          [step('tuiFork').id, figure(TUI_FORK)],
        ]),
      );
    }
    const snap = await status();
    expect(snap.history?.lastSevenDays).toBe(own);
    // The sessions' own figures add up to the same: no fork brings its parent's tokens again.
    expect(snap.sessions.reduce((sum, s) => sum + s.tokens.own, 0)).toBe(own);
  });
});
