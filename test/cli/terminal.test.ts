import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, PATH_WITHOUT_CODEX, ROOT, runCli, startCli } from '../support/cli.js';
import { line, mainLimits, SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { ArrpcHost } from '../support/arrpc.js';
import { TMUX, TmuxTerminal } from '../support/tmux.js';
import { historyPath, presenceDataDir } from '../../src/history/location.js';
import { readHistory } from '../../src/history/read.js';

// Issue 13 §7: `run` and `status` in a real terminal (tmux), at 60 and 120
// columns: redrawn in place however often it updates, laid out again on a
// resize, in colour on a terminal and not with NO_COLOR or through a pipe.

const ESC = String.fromCharCode(27);
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const FULL_BANNER = '◆ Codex Discord Presence · headless · Ctrl+C to stop';
const COMPACT_BANNER = 'Codex Discord Presence · Ctrl+C to stop';

let home: TempCodexHome;
let runtime: string;
let rollout: string;
const terminals: TmuxTerminal[] = [];
let arrpc: ArrpcHost | null = null;
beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-term-'));
  rollout = await home.writeLiveSample(SAMPLES.basic, 'orbit', 60_000);
});
afterEach(async () => {
  for (const t of terminals.splice(0)) await t.kill();
  await arrpc?.kill();
  arrpc = null;
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: PATH_WITHOUT_CODEX,
  HOME: runtime,
  XDG_RUNTIME_DIR: runtime,
  CODEX_HOME: home.home,
  ...extra,
});

async function open(args: string[], columns: number, extra: Record<string, string> = {}): Promise<TmuxTerminal> {
  const t = await TmuxTerminal.start(runtime, [process.execPath, CLI, ...args], env(extra), { columns, rows: 40 });
  terminals.push(t);
  return t;
}

/** Keeps what a terminal showed, plain and with its colour codes, as a test artifact to look at. */
async function keep(t: TmuxTerminal, name: string): Promise<void> {
  const dir = join(ROOT, 'test-artifacts', 'terminal');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.txt`), `${t.screen(false, true).join('\n')}\n`);
  await writeFile(join(dir, `${name}.ansi`), `${t.screen(true, true).join('\n')}\n`);
}

/**
 * A token count (and, optionally, new limits), as Codex appends it, whose
 * shown total is `shown`: Codex's figure is non-cached input plus output, and
 * the support's usage() caches a quarter of the input, so the raw total is 1.25×.
 */
const tokens = (shown: number, limits?: unknown) =>
  home.append(rollout, `${line.tokenCount(new Date().toISOString(), shown * 1.25, 1000, limits)}\n`);

/**
 * History opens after the first snapshot and shows a row while it builds: screens compared are taken once
 * it is built (its file says so), not before it opened, or a History row comes and goes between them.
 */
async function historyBuilt(): Promise<void> {
  const file = historyPath(presenceDataDir(env(), process.platform, runtime));
  await expect
    .poll(async () => (await readHistory(file, Date.now())).state.backfill?.phase, { interval: 100 })
    .toBe('done');
}

/** The screen with every number made `#`: what must stay the same from one update to the next. */
const shape = (rows: string[]) => rows.map((r) => r.replace(/\d+(\.\d+)?[kMB]?/g, '#'));
const count = (rows: string[], text: string) => rows.filter((r) => r.includes(text)).length;
/**
 * A frame drawn to its end, with nothing of the frame before it left below: its last row is the one
 * session's second line (`… · 100% of context left`), and the only one (a capture mid-redraw after the
 * frame shrank shows the old frame's last row under the new one).
 */
const drawnWhole = (rows: string[]) =>
  /% of context left$/.test(rows.at(-1) ?? '') && rows.filter((r) => /% of context left$/.test(r)).length === 1;

describe.skipIf(TMUX === null)('`run` in a terminal', () => {
  it.each([
    [60, COMPACT_BANNER, /^5h {8}█+░* \d+% left · resets \d\d:\d\d$/, '30k tokens'],
    [120, FULL_BANNER, /^5h {8}\[█+░*\] \d+% left · resets in /, 'total 30k'],
  ])(
    'at %i columns the screen after many updates is the screen after one',
    async (columns, banner, fiveHour, first) => {
      const t = await open(['run'], columns);
      await tokens(30_000);
      await historyBuilt();
      // Once the history row is gone too (the first start's backfill of the one rollout).
      const once = await t.until(
        `the first update (${first})`,
        (s) => s.some((r) => r.includes(first)) && !s.some((r) => r.startsWith('History')),
      );
      expect(once[0]).toBe(banner);
      expect(once.find((r) => r.startsWith('5h'))).toMatch(fiveHour);
      expect(once).toContain('Sessions  1 live');
      for (let i = 1; i <= 6; i += 1) {
        const total = 30 + i;
        await tokens(total * 1000);
        await t.until(`update ${i} (${total}k)`, (s) => s.some((r) => r.includes(`${total}k`)));
      }
      // History included: no copy may have scrolled off the top either.
      const after = t.screen(false, true);
      await keep(t, `run-${columns}-after-updates`);
      expect(shape(after)).toEqual(shape(once));
      expect(count(after, 'Codex Discord Presence')).toBe(1);
      expect(count(after, 'orbit-api')).toBe(1);
      for (const r of after) expect(stringWidth(r)).toBeLessThanOrEqual(columns);
    },
  );

  it('a resize lays it out again for the new width, leaving no copy of the old layout', async () => {
    const t = await open(['run'], 120);
    await historyBuilt();
    // Once the first start's history row is gone: the layouts compared must show the same rows.
    // The capture that showed it, not a later one that may catch the next redraw half done.
    const wide = await t.until(
      'the full layout',
      (s) =>
        s[0] === FULL_BANNER &&
        s.some((r) => r.startsWith('orbit') || r.includes('orbit-api')) &&
        !s.some((r) => r.startsWith('History')) &&
        drawnWhole(s),
    );
    expect(wide.find((r) => r.startsWith('5h'))).toMatch(/\[█{17}░{3}\] 84% left/);

    t.resize(60, 40);
    // The whole frame, not its first rows: a capture taken mid-redraw has the banner and fewer rows.
    const narrow = await t.until('the compact layout', (s) => s[0] === COMPACT_BANNER && drawnWhole(s));
    expect(count(narrow, 'Codex Discord Presence')).toBe(1);
    expect(narrow.find((r) => r.startsWith('5h'))).toMatch(/^5h {8}█{8}░{2} 84% left · resets \d\d:\d\d$/);
    expect(narrow.join('\n')).not.toContain('[█');
    expect(narrow.length).toBe(wide.length);
    await keep(t, 'run-resized-120-to-60');

    t.resize(45, 40);
    const minimal = await t.until('the minimal layout', (s) => s[0]?.startsWith('5h 84% left') === true);
    expect(count(minimal, 'Codex Discord Presence')).toBe(0);
    expect(count(minimal, '84% left')).toBe(1);
    expect(minimal).toContain('1 live');
    await keep(t, 'run-resized-to-45');

    t.resize(120, 40);
    const back = await t.until('the full layout again', (s) => s[0] === FULL_BANNER && drawnWhole(s));
    expect(shape(back)).toEqual(shape(wide));
  });

  it('colour on a terminal: amber below 20 % left, red below 5 %', async () => {
    const t = await open(['run'], 120);
    const reset = Math.round(Date.now() / 1000) + 3600;
    await tokens(30_000, mainLimits(97, 85, reset, reset + 86_400));
    const rows = await t.until('the new limits', (s) => s.some((r) => r.includes('3% left')), true);
    const row = (label: string) => rows.find((r) => r.replace(SGR, '').startsWith(label)) ?? '';
    expect(row('5h')).toMatch(new RegExp(`${ESC}\\[31m[^${ESC}]*3% left`));
    expect(row('weekly')).toMatch(new RegExp(`${ESC}\\[33m[^${ESC}]*15% left`));
    await keep(t, 'run-120-low-limits');
  });

  it('marks the session Discord shows, as the popover does', async () => {
    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: '123456789012345678' }),
    );
    arrpc = await ArrpcHost.start(runtime);
    const t = await open(['run'], 120);
    const rows = await t.until('Discord showing the session', (s) => s.includes('Discord   connected · showing'));
    expect(rows.find((r) => r.startsWith('● orbit-api'))).toMatch(/^● orbit-api · on Discord · \d+m$/);
    await keep(t, 'run-120-on-discord');
  });

  it('--verbose messages are written above the live view, which stays whole below them', async () => {
    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: '123456789012345678' }),
    );
    arrpc = await ArrpcHost.start(runtime);
    const t = await open(['run', '--verbose'], 120);
    const rows = await t.until(
      'the connection message and the frame',
      (s) =>
        s.some((r) => r.startsWith('discord: connected to Discord at ')) && s.includes('Discord   connected · showing'),
    );
    await tokens(31_000);
    const after = await t.until('the next update', (s) => s.some((r) => r.includes('total 31k')), false);
    await keep(t, 'run-120-verbose');
    // The scrollback too: no copy of the frame was left above the message.
    for (const screen of [rows, after, t.screen(false, true)]) {
      const top = screen.indexOf(FULL_BANNER);
      // Every message above the frame, none inside it; one frame, whole.
      expect(screen.slice(0, top).some((r) => r.startsWith('discord: connected'))).toBe(true);
      expect(screen.slice(top).filter((r) => r.startsWith('discord: '))).toEqual([]);
      expect(count(screen, 'Codex Discord Presence')).toBe(1);
      expect(count(screen, 'orbit-api')).toBe(1);
      expect(count(screen, 'Sessions  1 live')).toBe(1);
    }
  });

  it('no colour with NO_COLOR, on a terminal all the same', async () => {
    const t = await open(['run'], 120, { NO_COLOR: '1' });
    const rows = await t.until('the live view', (s) => s.some((r) => r.includes('orbit-api')), true);
    expect(rows[0]).toBe(FULL_BANNER);
    expect(rows.join('\n')).not.toContain(ESC);
  });

  it('piped: one plain line per change, no colour and no cursor movement', async () => {
    const cli = startCli(['run'], env());
    try {
      await cli.printed(/session orbit-api/);
      await tokens(31_000);
      await cli.printed('total 31k');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    expect(cli.output().stdout).not.toContain(ESC);
  });
});

describe.skipIf(TMUX === null)('`status` in a terminal', () => {
  const whenDone = (t: TmuxTerminal) => t.until('status to finish', (s) => t.exited() && s.length > 0);
  /** Everything `status` printed, from its first line (the end of the pane's history included). */
  const printed = (t: TmuxTerminal, escapes = false) => t.screen(escapes, true);

  it('120 columns: full rows in colour', async () => {
    const t = await open(['status', '--no-refresh'], 120);
    await whenDone(t);
    const rows = printed(t, true);
    expect(rows.join('\n')).toContain(`${ESC}[`);
    await keep(t, 'status-120');
    const plain = printed(t);
    expect(plain[0]).toBe(`Codex home  ${home.home}`);
    expect(plain.find((r) => r.startsWith('5h'))).toMatch(/^5h {10}\[█{17}░{3}\] 84% left · resets in /);
    expect(plain).toContain('Sessions    1 live');
    expect(plain.find((r) => r.startsWith('Credits'))).toMatch(/^Credits {5}18 credits$/);
  });

  it('60 columns: compact rows that fit, no colour with NO_COLOR', async () => {
    const t = await open(['status', '--no-refresh'], 60, { NO_COLOR: '1' });
    await whenDone(t);
    const rows = printed(t, true);
    expect(rows.join('\n')).not.toContain(ESC);
    await keep(t, 'status-60-no-color');
    expect(rows[0]).toBe(`Codex home  ${home.home}`);
    // A hint is never cut: it wraps onto the next row.
    expect(rows.join('')).toContain('none running (start the tray app, or `codex-discord-presence run`)');
    expect(rows.find((r) => r.startsWith('5h'))).toMatch(/^5h {10}█{8}░{2} 84% left · resets \d\d:\d\d$/);
    expect(rows.find((r) => r.startsWith('● orbit-api'))).toBeDefined();
    expect(rows).toContain('    gpt-5.5 · idle · 19k tokens · 100% of context left');
  });

  it('piped: plain text, full rows', async () => {
    const run = await runCli(['status', '--no-refresh'], env());
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(ESC);
    expect(run.stdout).toMatch(/^5h {10}\[█{17}░{3}\] 84% left/m);
  });
});
