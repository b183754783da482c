import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLES, TempCodexHome, line, mainLimits, shown } from '../support/codexHome.js';
import { runCli, startCli } from '../support/cli.js';
import { expectedDaily, TempDataDir } from '../history/support.js';
import { HistoryStore, readHistory } from '../../src/history/store.js';
import { backfillFromState, buildView } from '../../src/history/view.js';
import { formatHistory } from '../../src/cli/historyText.js';
import type { HistoryView } from '../../src/contract/index.js';
import { toJsonDates, type HistoryViewJson } from '../../src/cli/jsonDates.js';
import { NO_COST } from '../../src/cost/rule.js';

let home: TempCodexHome;
let data: TempDataDir;
beforeEach(async () => {
  home = await TempCodexHome.create();
  data = await TempDataDir.create();
  // Discord off and no account ask: only history matters here.
  await writeFile(
    join(home.home, 'discord-presence-config.json'),
    JSON.stringify({ discord_enabled: false, limits: { ask_codex: false }, ignore_projects: ['ledger-*'] }),
  );
});
afterEach(async () => {
  await home.remove();
  await data.remove();
});

const env = (tz: string): NodeJS.ProcessEnv => ({
  CODEX_HOME: home.home,
  CODEX_PRESENCE_STATE_DIR: data.dir,
  TZ: tz,
});

/** Runs `run` until its backfill is written as done, then stops it with SIGINT. */
async function publishUntilBackfilled(tz: string): Promise<void> {
  const run = startCli(['run'], env(tz));
  try {
    for (let i = 0; i < 1000; i += 1) {
      const text = await readFile(data.file, 'utf8').catch(() => '');
      if (text.includes('"phase":"done"')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(0);
  }
}

const withoutTime = <V extends { generatedAt: unknown }>(v: V): Omit<V, 'generatedAt'> => {
  const { generatedAt: _drop, ...rest } = v;
  void _drop;
  return rest;
};

describe('history', () => {
  it('--json prints what the publisher recorded: the same view the app gets, with exact figures', async () => {
    const paths = [];
    for (const s of Object.values(SAMPLES)) paths.push(await home.copySample(s));
    await publishUntilBackfilled('UTC');
    const out = await runCli(['history', '--json', '--days', '30'], env('UTC'));
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const view = JSON.parse(out.stdout) as HistoryViewJson;
    expect(view.days).toHaveLength(30);
    expect(view.backfill).toEqual({ phase: 'done', filesDone: 4, filesTotal: 4, message: null });
    // The same function behind the app's getHistory, on the same file, its times printed as ISO 8601.
    const { state } = await readHistory(data.file, Date.parse(view.generatedAt));
    const same = buildView(state, { days: 30 }, Date.parse(view.generatedAt), backfillFromState(state), ['ledger-*']);
    expect(withoutTime(view)).toEqual(withoutTime(toJsonDates(same)));
    // Exact daily totals by project, counted independently; the ignored project is absent.
    const expected = await expectedDaily(paths, 'UTC');
    for (const d of view.days) {
      const want = [...(expected.get(d.day) ?? new Map<string, { tokens: number; cached: number }>())]
        .filter(([project]) => !project.startsWith('ledger-'))
        .map(([project, c]) => ({ project, tokens: c.tokens, cachedInput: c.cached }))
        .sort((a, b) => b.tokens - a.tokens);
      expect(d.projects.map(({ project, tokens, cachedInput }) => ({ project, tokens, cachedInput }))).toEqual(want);
      // Every sample is gpt-5.5: each project's cost is exact, and the day's is theirs together.
      for (const p of d.projects) expect(p.cost.status, `${d.day} ${p.project}`).toBe('exact');
      const sum = d.projects.reduce((n, p) => n + (p.cost.usd ?? 0), 0);
      expect(d.cost.usd).toBeCloseTo(sum, 9);
    }
    expect(view.cost.basis).toBe('apiEquivalent'); // rate-limit windows were recorded: a ChatGPT plan
    expect(view.days.some((d) => d.tokens > 0)).toBe(true);
    expect(await readFile(data.file, 'utf8')).not.toContain('ledger-cli');
    expect(view.windows.some((w) => w.limitId === 'codex' && w.kind === 'secondary')).toBe(true);
  });

  it("splits a rollout spanning midnight at its lines' timestamps, in the local time zone", async () => {
    const tokyoToday = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
    const midnight = Date.parse(`${tokyoToday}T00:00:00+09:00`);
    const iso = (ms: number): string => new Date(ms).toISOString();
    const plain = (n: number) => ({ input_tokens: n, cached_input_tokens: 0, output_tokens: 0, total_tokens: n });
    const tc = (ms: number, total: number) =>
      line.event(iso(ms), {
        type: 'token_count',
        info: { total_token_usage: plain(total), last_token_usage: plain(total) },
      });
    await home.writeRollout(
      home.rolloutPath('2026-11-21', 'midnight'),
      [
        line.meta(iso(midnight - 600_000), { id: 'late', cwd: '/w/owl' }),
        tc(midnight - 120_000, 1000),
        tc(midnight - 60_000, 1400),
        tc(midnight + 1_000, 1900),
      ].join('\n') + '\n',
      new Date(midnight + 1_000),
    );
    await publishUntilBackfilled('Asia/Tokyo');
    const tokyo = JSON.parse(
      (await runCli(['history', '--json', '--days', '2'], env('Asia/Tokyo'))).stdout,
    ) as HistoryViewJson;
    expect(tokyo.days.map((d) => [d.day, d.tokens])).toEqual([
      [new Date(midnight - 60_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }), 1400],
      [tokyoToday, 500],
    ]);
    // status reads the same file: today's and the last 7 days' tokens, as history counts them.
    const status = await runCli(['status', '--no-refresh'], env('Asia/Tokyo'));
    expect(status.stdout).toMatch(/^Tokens {6}today 500 · last 7 days 1\.9k$/m);
    const json = JSON.parse((await runCli(['status', '--json', '--no-refresh'], env('Asia/Tokyo'))).stdout) as {
      history: unknown;
    };
    expect(json.history).toEqual({
      today: 500,
      lastSevenDays: 1900,
      // These lines name no model: today's tokens have no price.
      todayCost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      building: false,
      source: 'recorded',
    });
    // Days are the publisher's local days. Tokyo's midnight is 15:00 UTC: recorded in UTC, the same lines fall on one day.
    await data.remove();
    await publishUntilBackfilled('UTC');
    const utc = JSON.parse((await runCli(['history', '--json', '--days', '2'], env('UTC'))).stdout) as HistoryViewJson;
    const utcDay = new Date(midnight).toLocaleDateString('sv-SE', { timeZone: 'UTC' });
    expect(utc.days.find((d) => d.day === utcDay)?.tokens).toBe(1900);
  });

  it('text mode draws sparklines and bars, without colour when not on a terminal', async () => {
    await home.copySample(SAMPLES.basic);
    await publishUntilBackfilled('UTC');
    const out = await runCli(['history', '--days', '30'], env('UTC'));
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain('\x1b[');
    expect(out.stdout).toMatch(/Tokens per day, last 30 days \(19k in all\)/);
    expect(out.stdout).toMatch(/^ {2}\d{4}-\d{2}-\d{2} {2}█{30} {2}\s*19k \(\+10k cached\) {2}orbit-api$/m);
  });

  it('colours a window with the tray thresholds: amber below 20 % left, red below 5 %', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    const window = (used: number, kind: 'primary' | 'secondary') => ({
      limitId: 'codex',
      limitName: null,
      kind,
      label: kind === 'primary' ? '5h' : 'weekly',
      windowMinutes: 300,
      startsAt: Date.parse('2026-11-22T10:00:00.000Z'),
      resetsAt: Date.parse('2026-11-22T15:00:00.000Z'),
      current: true,
      points: [
        { at: Date.parse('2026-11-22T10:30:00.000Z'), usedPercent: 10, source: 'log' as const },
        { at: Date.parse('2026-11-22T11:30:00.000Z'), usedPercent: used, source: 'log' as const },
      ],
      usage: null,
    });
    const view: HistoryView = {
      generatedAt: now,
      days: [{ day: '2026-11-22', tokens: 0, cachedInput: 0, cost: NO_COST, projects: [], source: 'recorded' }],
      windows: [window(85, 'primary'), window(97, 'secondary')],
      topSessions: [],
      cost: { basis: 'apiEquivalent', pricesAsOf: '2026-09-23', total: NO_COST },
      backfill: { phase: 'done', filesDone: 0, filesTotal: 0, message: null },
    };
    const coloured = formatHistory(view, now, { color: true });
    expect(coloured).toContain('\x1b[33m15% left');
    expect(coloured).toContain('\x1b[31m3% left');
    const plain = formatHistory(view, now, { color: false });
    expect(plain).not.toContain('\x1b[');
    // From 10:00 to 12:00 in 24 cells of 5 minutes: blank before the first reading, 90 % left, then 15 % left.
    expect(plain).toMatch(/^ {2}5h {4} {2} {5}█{12}▂{7} {2}15% left · resets \d\d:\d\d$/m);
  });

  it('words each window’s tokens and cost, a lower bound with when counting began, and leaves out one not counted', () => {
    const now = new Date(2026, 10, 22, 12, 0).getTime();
    const base = {
      limitId: 'codex',
      limitName: null,
      windowMinutes: 300,
      points: [{ at: now - 3_600_000, usedPercent: 40, source: 'log' as const }],
    };
    const view: HistoryView = {
      generatedAt: now,
      days: [{ day: '2026-11-22', tokens: 0, cachedInput: 0, cost: NO_COST, projects: [], source: 'recorded' }],
      windows: [
        {
          ...base,
          kind: 'primary',
          label: '5h',
          startsAt: new Date(2026, 10, 22, 9, 0).getTime(),
          resetsAt: new Date(2026, 10, 22, 14, 0).getTime(),
          current: true,
          usage: {
            tokens: 412_000,
            cachedInput: 0,
            cost: { usd: 2.06, status: 'partial', unpriced: [] },
            complete: false,
            countingStartedAt: new Date(2026, 10, 22, 10, 30).getTime(),
          },
        },
        {
          ...base,
          kind: 'primary',
          label: '5h',
          startsAt: new Date(2026, 10, 22, 4, 0).getTime(),
          resetsAt: new Date(2026, 10, 22, 9, 0).getTime(),
          current: false,
          usage: null,
        },
      ],
      topSessions: [],
      cost: { basis: 'api', pricesAsOf: '2026-09-23', total: NO_COST },
      backfill: { phase: 'done', filesDone: 0, filesTotal: 0, message: null },
    };
    const text = formatHistory(view, now, { color: false });
    expect(text).toMatch(/^ {2}5h .* 60% left · resets 14:00 · ≥ 412k tokens · ≥ \$2\.06$/m);
    const section = text.slice(text.indexOf('Cost per window'));
    expect(section.split('\n').slice(0, 3)).toEqual([
      'Cost per window',
      '  5h  22 Nov 09:00–14:00  ≥ 412k tokens · ≥ $2.06  (now)',
      '  ≥: counted from 22 Nov 10:30 (history was cleared then, or recorded by an earlier version)',
    ]);
    // Not counted at all (over before counting began): not a row of zeros.
    expect(section).not.toContain('04:00–09:00');
  });

  it('--days must be a whole number from 1 to 400 (usage error, exit 2)', async () => {
    for (const bad of ['0', '401', '2.5', 'x', '-3']) {
      const out = await runCli(['history', `--days=${bad}`], env('UTC'));
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`--days takes a whole number of days from 1 to 400, not '${bad}'`);
      expect(out.stderr).toContain('Run `codex-discord-presence help history` for usage.');
    }
    expect((await runCli(['history', '--days', '400', '--json'], env('UTC'))).code).toBe(0);
  });

  it('only the publisher writes: history and status read, even a damaged file, and change nothing', async () => {
    // Nothing recorded and no rollouts: nothing to say, and status has no Tokens row rather than zeros.
    expect((await runCli(['history'], env('UTC'))).stdout).toContain('Nothing recorded yet');
    expect((await runCli(['status', '--no-refresh'], env('UTC'))).stdout).not.toMatch(/^Tokens /m);
    const json = await runCli(['status', '--json'], env('UTC'));
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { history: unknown }).history).toBeNull();
    // With rollouts, what is not recorded is computed from them (test/cli/historyFromLogs.test.ts), and said so.
    await home.copySample(SAMPLES.basic);
    expect((await runCli(['history'], env('UTC'))).stdout).toContain('Computed from your Codex logs');
    expect(await data.files()).toEqual([]);
    const damaged =
      '{"k":"header","format":"codex-discord-presence/history","version":1,"createdAt":1,"clearedAt":null}\n{"k":"lim';
    await writeFile(data.file, damaged);
    const out = await runCli(['history', '--json'], env('UTC'));
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('the last line was cut short');
    expect(await readFile(data.file, 'utf8')).toBe(damaged);
    expect(await data.files()).toEqual(['history.jsonl']);
  });
});

describe('a history file that is not ours, or holds values out of range (issue 21)', () => {
  const posix = process.platform !== 'win32';

  it.runIf(posix)(
    'a FIFO: status and history return and say so; run publishes, says so, and stops on SIGTERM',
    async () => {
      await home.copySample(SAMPLES.basic);
      execFileSync('mkfifo', [data.file]);
      const said = `history file ${data.file} is a FIFO (named pipe), not a regular file`;
      for (const args of [
        ['status', '--no-refresh'],
        ['status', '--json', '--no-refresh'],
        ['history'],
        ['history', '--json'],
      ]) {
        const out = await runCli(args, env('UTC'));
        expect(out.code).toBe(0);
        expect(out.stderr).toContain(`${said}: it is not read, and it is left as it is`);
      }
      const run = startCli(['run'], env('UTC'));
      try {
        await run.printed(/discord disabled/);
        await run.printed(`history is not recorded: ${said}: it is left alone`, 'stderr');
      } finally {
        run.child.kill('SIGTERM');
      }
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect((await lstat(data.file)).isFIFO()).toBe(true);
      expect(await data.files()).toEqual(['history.jsonl']);
    },
  );

  it.runIf(posix)(
    'a symlink to /dev/zero: nothing is read; a symlink to a dotfile: its bytes are never copied',
    async () => {
      await symlink('/dev/zero', data.file);
      const zero = await runCli(['history', '--json'], env('UTC'));
      expect(zero.code).toBe(0);
      expect(zero.stderr).toContain(`is a symlink to /dev/zero, which is a device, not a regular file`);
      await rm(data.file);
      const dotfiles = await mkdtemp(join(tmpdir(), 'cdp-dotfiles-'));
      try {
        const notes = join(dotfiles, 'notes');
        await writeFile(notes, 'not a history file\n');
        await symlink(notes, data.file);
        await home.copySample(SAMPLES.basic);
        const run = startCli(['run'], env('UTC'));
        try {
          await run.printed(
            `is a symlink to ${notes}, which is not a history file of this app: it is left alone`,
            'stderr',
          );
        } finally {
          run.child.kill('SIGTERM');
        }
        expect((await run.exited).code).toBe(0);
        expect(await readFile(notes, 'utf8')).toBe('not a history file\n');
        expect(await readdir(dotfiles)).toEqual(['notes']);
        expect(await data.files()).toEqual(['history.jsonl']);
        expect((await lstat(data.file)).isSymbolicLink()).toBe(true);
      } finally {
        await rm(dotfiles, { recursive: true, force: true });
      }
    },
  );

  it('what the publisher writes from long names and a year-999 line reads back at the next start: no damage, tokens kept', async () => {
    const at = (ms: number): string => new Date(ms).toISOString();
    const t = Date.now() - 3_600_000;
    const resetSec = Math.round(t / 1000) + 7200;
    await home.writeRollout(
      home.rolloutPath('2026-11-21', 'long-names'),
      [
        line.meta(at(t), { id: 'long-session', cwd: '/w/longnames' }),
        line.turnContext(at(t + 1000), 'm'.repeat(5000)),
        line.tokenCount('0999-06-01T10:00:00.000Z', 1000, 1000),
        line.tokenCount(at(t + 2000), 10_000, 9000, {
          limit_id: 'x'.repeat(300),
          limit_name: 'n'.repeat(5000),
          primary: { used_percent: 12, window_minutes: 300, resets_at: resetSec },
        }),
        line.tokenCount(at(t + 3000), 20_000, 10_000, mainLimits(15, 30, resetSec, resetSec + 86_400)),
      ].join('\n') + '\n',
    );
    // The year-999 line's own tokens fall on no day that can be kept (and long before 400 days): the rest are.
    const tokens = shown(20_000) - shown(1000);
    await publishUntilBackfilled('UTC');
    // The next start opens what this one wrote: nothing to report, nothing to back up.
    const logged: string[] = [];
    await HistoryStore.open(data.file, { now: Date.now, log: (m) => logged.push(m) });
    expect(logged).toEqual([]);
    expect(await data.files()).toEqual(['history.jsonl']);
    const read = await readHistory(data.file, Date.now());
    expect([read.problem, read.adjusted]).toEqual([null, 0]);
    const out = await runCli(['history', '--json', '--days', '2'], env('UTC'));
    expect(out.stderr).toBe('');
    const view = JSON.parse(out.stdout) as HistoryViewJson;
    expect(view.days.reduce((n, d) => n + d.tokens, 0)).toBe(tokens);
    expect(view.topSessions[0]).toMatchObject({ id: 'long-session', model: 'm'.repeat(256), tokens });
    expect(view.windows.find((w) => w.limitId.startsWith('xxx'))?.limitName).toBe('n'.repeat(256));
  });
});
