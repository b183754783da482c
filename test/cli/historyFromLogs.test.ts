import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, runCli } from '../support/cli.js';
import { line, SAMPLES } from '../support/codexHome.js';
import { homeAndDataPerTest, recorderFor } from '../history/support.js';
import { TMUX, TmuxTerminal } from '../support/tmux.js';
import type { HistoryViewJson } from '../../src/cli/jsonDates.js';
import { HistoryStore } from '../../src/history/store.js';
import { TAIL_BYTES } from '../../src/history/read.js';
import type { HistoryRecord } from '../../src/history/records.js';

// Issue 23 §2: `history` and `status` answer from the rollouts a publisher has
// not recorded yet, read-only, with exactly the figures the recorder writes.

const t = homeAndDataPerTest();

// The recorder below runs in this process: the CLI gets the same time zone.
const env = (): NodeJS.ProcessEnv => ({
  CODEX_HOME: t.home.home,
  CODEX_PRESENCE_DATA_DIR: t.data.dir,
  ...(process.env.TZ === undefined ? {} : { TZ: process.env.TZ }),
});

const DAY = 86_400_000;
/** Back to the line's start, then erase it: how the progress line is redrawn and cleared. */
const CLEAR = `\r${String.fromCharCode(27)}[K`;
const iso = (ms: number): string => new Date(ms).toISOString();
const plain = (n: number) => ({
  input_tokens: n,
  cached_input_tokens: Math.floor(n / 4),
  output_tokens: 7,
  total_tokens: n + 7,
});
/** Codex's display figure of `plain(n)`: non-cached input plus output. */
const shownOf = (n: number): number => n - Math.floor(n / 4) + 7;
const tokenLine = (ms: number, total: number, last: number): string =>
  line.event(iso(ms), {
    type: 'token_count',
    info: { total_token_usage: plain(total), last_token_usage: plain(last) },
  });

/** A generated session: a meta line, then a token_count per time, its total growing by `step`. */
function session(id: string, cwd: string, times: number[], step = 1000, from = 0): string {
  const lines = [line.meta(iso(times[0] ?? Date.now()), { id, cwd })];
  times.forEach((t, i) => lines.push(tokenLine(t, from + step * (i + 1), step)));
  return `${lines.join('\n')}\n`;
}

async function historyJson(days: number): Promise<{ view: HistoryViewJson; stderr: string }> {
  const out = await runCli(['history', '--json', '--days', String(days)], env());
  expect(out.code, out.stderr).toBe(0);
  return { view: JSON.parse(out.stdout) as HistoryViewJson, stderr: out.stderr };
}

const withoutSource = (view: HistoryViewJson) => view.days.map(({ source: _s, ...d }) => (void _s, d));

/** Every entry under `dir` with its size and mtime: what a read-only command must leave as it is. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const s = await stat(p);
      out.push(`${p} ${s.size} ${s.mtimeMs}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** A home of real samples and generated sessions over the last days, one of them running past midnight into today. */
async function populate(now: number): Promise<void> {
  for (const s of Object.values(SAMPLES)) await t.home.copySample(s, '2026-11-21', new Date(now - 3 * DAY));
  await t.home.writeLiveSample(SAMPLES.nearLimit, 'near', 60_000);
  for (let d = 1; d <= 5; d += 1) {
    const at = now - d * DAY;
    await t.home.writeRollout(
      t.home.rolloutPath(iso(at).slice(0, 10), `gen-${d}`),
      session(`gen-${d}`, `/w/p${d % 2}`, [at, at + 60_000, at + 120_000]),
    );
  }
}

async function record(): Promise<void> {
  const { recorder, backfilled } = await recorderFor(t.data, t.home.home);
  await backfilled();
  await recorder.stop();
}

describe('history from the logs', () => {
  it('with nothing recorded, --json gives exactly what the recorder then records, and writes nothing', async () => {
    const now = Date.now();
    await populate(now);
    const before = [...(await listing(t.home.home)), ...(await listing(t.data.dir))];
    const logs = await historyJson(400);
    // Piped: no progress line on stderr.
    expect(logs.stderr).toBe('');
    expect(logs.view.days.every((d) => d.source === 'logs')).toBe(true);
    expect(logs.view.days.some((d) => d.tokens > 0)).toBe(true);
    expect(logs.view.backfill.phase).toBe('idle');
    // Nothing written: no history file, cursor, lock or backup; the rollouts untouched.
    expect([...(await listing(t.home.home)), ...(await listing(t.data.dir))]).toEqual(before);
    const text = await runCli(['history', '--days', '400'], env());
    expect(text.stdout).toContain('Computed from your Codex logs');
    expect(text.stdout).not.toContain('Nothing recorded yet');
    expect(text.stderr).toBe('');

    await record();
    const recorded = await historyJson(400);
    expect(recorded.view.days.every((d) => d.source === 'recorded')).toBe(true);
    expect(withoutSource(logs.view)).toEqual(withoutSource(recorded.view));
    expect(logs.view.topSessions).toEqual(recorded.view.topSessions);
  });

  it('partly recorded, then newer rollouts and lines: merged exactly, nothing counted twice', async () => {
    const now = Date.now();
    await populate(now);
    await record();
    const afterRecord = await historyJson(30);
    // Codex goes on while nothing records: a recorded session grows today, a new one starts.
    const grown = t.home.rolloutPath(iso(now - DAY).slice(0, 10), 'gen-1');
    await t.home.append(grown, `${tokenLine(now - 60_000, 5000, 2000)}\n`);
    await t.home.writeRollout(
      t.home.rolloutPath(iso(now).slice(0, 10), 'new'),
      session('new', '/w/p9', [now - 30_000]),
    );
    const fileBefore = await readFile(t.data.file);
    const before = await listing(t.data.dir);
    const merged = await historyJson(30);
    expect(await listing(t.data.dir)).toEqual(before);
    expect(await readFile(t.data.file)).toEqual(fileBefore);
    const today = merged.view.days.at(-1);
    expect(today?.source).toBe('logs');
    // The grown session adds only its new line's growth beyond its cursor, the new session all of its own.
    const oldToday = afterRecord.view.days.at(-1)?.tokens ?? 0;
    expect(today?.tokens).toBe(oldToday + (shownOf(5000) - shownOf(3000)) + shownOf(1000));
    // Every other day is the recorded one, as it was: the grown session's earlier lines are not counted again.
    expect(merged.view.days.slice(0, -1).every((d) => d.source === 'recorded')).toBe(true);
    expect(withoutSource(merged.view).slice(0, -1)).toEqual(withoutSource(afterRecord.view).slice(0, -1));
    const text = await runCli(['history'], env());
    expect(text.stdout).toContain('What was not recorded yet is computed from your Codex logs');

    // The recorder catches up on the same file: the same figures, now recorded.
    await record();
    const caughtUp = await historyJson(30);
    expect(caughtUp.view.days.every((d) => d.source === 'recorded')).toBe(true);
    expect(withoutSource(merged.view)).toEqual(withoutSource(caughtUp.view));
  });

  it('a hostile rollout (malformed lines, a FIFO named like one) is skipped; the rest counts', async () => {
    const now = Date.now();
    const good = session('ok', '/w/ok', [now - 120_000, now - 60_000]);
    const path = t.home.rolloutPath(iso(now).slice(0, 10), 'bad');
    const [meta, first, second] = good.trimEnd().split('\n');
    await t.home.writeRollout(
      path,
      [meta, '{"not json', first, '\u0000\u0001', `${second?.slice(0, 40)}`, second].join('\n') + '\n',
    );
    execFileSync('mkfifo', [t.home.rolloutPath(iso(now).slice(0, 10), 'fifo')]);
    const logs = await historyJson(2);
    // The two good token lines count; the cut and broken ones are skipped (and counted where status reads the file).
    expect(logs.view.days.at(-1)?.tokens).toBe(shownOf(2000));
    const status = JSON.parse((await runCli(['status', '--json', '--no-refresh'], env())).stdout) as {
      history: unknown;
      diagnostics: { malformedLines: number; invalidUtf8Lines: number; skippedEntries: { count: number } };
    };
    expect(status.history).toEqual({
      today: shownOf(2000),
      lastSevenDays: shownOf(2000),
      // These lines name no model: today's tokens have no price.
      todayCost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      building: false,
      source: 'logs',
    });
    expect(status.diagnostics.malformedLines).toBeGreaterThanOrEqual(2);
    expect(status.diagnostics.skippedEntries.count).toBe(1);
    expect(await t.data.files()).toEqual([]);
  });
});

describe('status from the logs', () => {
  it("counts today's growth of a session started yesterday and still writing today", async () => {
    const now = Date.now();
    const midnight = new Date(new Date(now).getFullYear(), new Date(now).getMonth(), new Date(now).getDate()).getTime();
    // Started yesterday (its folder is yesterday's), written to until a minute ago.
    const path = t.home.rolloutPath(iso(midnight - 3 * 3_600_000).slice(0, 10), 'overnight');
    await t.home.writeRollout(
      path,
      session('overnight', '/w/night', [
        midnight - 3_600_000,
        midnight - 1_800_000,
        Math.max(midnight + 1000, now - 60_000),
      ]),
    );
    // An old session never written to since: it cannot add to these days, whatever it holds.
    await t.home.writeRollout(t.home.rolloutPath('2025-01-01', 'old'), session('old', '/w/old', [now - 40 * DAY]));
    // Today holds the third line's growth only; the seven days hold all three.
    const today = shownOf(3000) - shownOf(2000);
    const seven = shownOf(3000);
    const json = JSON.parse((await runCli(['status', '--json', '--no-refresh'], env())).stdout) as { history: unknown };
    expect(json.history).toEqual({
      today,
      lastSevenDays: seven,
      todayCost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      building: false,
      source: 'logs',
    });
    const text = await runCli(['status', '--no-refresh'], env());
    expect(text.stdout).toMatch(/^Tokens {6}today 750 · last 7 days 2\.3k$/m);
    expect(await t.data.files()).toEqual([]);
    // The same figures once recorded.
    await record();
    const recorded = JSON.parse((await runCli(['status', '--json', '--no-refresh'], env())).stdout) as {
      history: unknown;
    };
    expect(recorded.history).toEqual({
      today,
      lastSevenDays: seven,
      todayCost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      building: false,
      source: 'recorded',
    });
  });
});

describe('status from the logs, with a large history', () => {
  it('reads the recorded totals from the tail and folds only the rollouts beyond their cursors', async () => {
    const now = Date.now();
    // Every line today, whenever the test runs.
    const midnight = new Date(new Date(now).setHours(0, 0, 0, 0)).getTime();
    const at = (hoursAgo: number, n: number): number => Math.max(midnight + n * 1000, now - hoursAgo * 3_600_000);
    const path = t.home.rolloutPath(iso(now).slice(0, 10), 'a');
    await t.home.writeRollout(path, session('a', '/w/a', [at(3, 1), at(2, 2)]));
    await record();
    // Padding past what status reads from the end (TAIL_BYTES): readings of another family, compacted.
    const store = await HistoryStore.open(t.data.file, { now: () => now });
    const pad: HistoryRecord[] = [];
    for (let i = 0; i < 7000; i += 1) {
      pad.push({
        k: 'limit',
        at: now - DAY + i * 1000,
        id: 'pad',
        name: null,
        kind: 'primary',
        minutes: 300,
        used: i % 97,
        reset: null,
        src: 'log',
      });
    }
    store.append(pad);
    await store.compactNow();
    await store.flush();
    expect((await stat(t.data.file)).size).toBeGreaterThan(TAIL_BYTES);
    // Codex goes on: the recorded session grows, another starts.
    await t.home.append(path, `${tokenLine(at(1, 3), 3000, 1000)}\n`);
    await t.home.writeRollout(t.home.rolloutPath(iso(now).slice(0, 10), 'b'), session('b', '/w/b', [at(0.01, 4)]));
    const fileBefore = await readFile(t.data.file);
    const out = await runCli(['status', '--json', '--no-refresh', '--verbose'], env());
    expect(out.stderr).toContain('read its tail');
    const totals = (JSON.parse(out.stdout) as { history: { today: number; lastSevenDays: number } }).history;
    // a's three lines once (two recorded, one from the log), b's one.
    const today = shownOf(3000) + shownOf(1000);
    expect(totals).toEqual({
      today,
      lastSevenDays: today,
      todayCost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      building: false,
      source: 'logs',
    });
    // The same figures as history's whole-file path, which folds everything.
    const view = (await historyJson(7)).view;
    expect(totals.today).toBe(view.days.at(-1)?.tokens);
    expect(totals.lastSevenDays).toBe(view.days.reduce((n, d) => n + d.tokens, 0));
    expect(await readFile(t.data.file)).toEqual(fileBefore);
  });
});

describe.skipIf(TMUX === null)('history on a terminal', () => {
  it('draws a progress line on stderr, redrawn in place, and clears it at the end', async () => {
    const now = Date.now();
    for (let i = 0; i < 30; i += 1) {
      await t.home.writeRollout(
        t.home.rolloutPath(iso(now).slice(0, 10), `s${i}`),
        session(`s${i}`, '/w/t', [now - 60_000 - i]),
      );
    }
    // Beside sessions/ in the throwaway home: only sessions/ holds rollouts.
    const raw = join(t.home.home, 'pane.raw');
    const out = join(t.home.home, 'out.json');
    const shell = `read go; exec '${process.execPath}' '${CLI}' history --json > '${out}'`;
    const vars = Object.fromEntries(Object.entries(env()).filter((e): e is [string, string] => e[1] !== undefined));
    const term = await TmuxTerminal.start(t.home.home, ['sh', '-c', shell], vars, { columns: 80, rows: 10 });
    try {
      // Everything the pane is sent, from before the command starts.
      term.pipeTo(raw);
      term.type('\n');
      await term.until('the command to exit', () => term.exited());
      const bytes = await waitForText(raw, `reading 30 of 30 sessions…${CLEAR}`);
      expect(bytes).toContain('reading 0 of 30 sessions…');
      expect(bytes).toContain(`reading 30 of 30 sessions…${CLEAR}`);
      // In place: from the first draw on, carriage returns and line clears, never a new line.
      expect(bytes.slice(bytes.indexOf('reading 0 of'))).not.toContain('\n');
      // Cleared: nothing is left on the screen (stdout went to the file).
      expect(term.screen().filter((r) => r.trim() !== '')).toEqual([]);
      const view = JSON.parse(await readFile(out, 'utf8')) as HistoryViewJson;
      expect(view.days.at(-1)?.tokens).toBe(30 * shownOf(1000));
    } finally {
      await term.kill();
    }
  });
});

/** The raw pane output once it holds every one of `texts` (tmux's pipe writes as the pane runs). */
async function waitForText(path: string, ...texts: string[]): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (texts.every((t) => text.includes(t))) return text;
    if (Date.now() > deadline) throw new Error(`${path} never held ${JSON.stringify(texts)}: ${JSON.stringify(text)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
