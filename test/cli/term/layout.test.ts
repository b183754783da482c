import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../src/cli/statusText.js';
import { layoutFor } from '../../../src/cli/term/layout.js';
import { fit, paint, plainText, seg } from '../../../src/cli/term/line.js';
import { BANNER, liveFrame, type LiveInput } from '../../../src/cli/term/liveFrame.js';
import { aboveFrame, drawAtTop, frameRows, redraw } from '../../../src/cli/term/screen.js';
import { colorEnabled, painter, plain } from '../../../src/cli/term/style.js';
import { truncate } from '../../../src/cli/term/width.js';
import { session, snapshot, T0, window } from '../../support/snapshots.js';

// Issue 13 §7: the terminal view laid out for 40, 60, 80 and 120 columns.

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

/** Three live sessions (one with a wide CJK name and an emoji branch), limits at every level, credits. */
function busySnapshot() {
  const sessions = [
    session({ id: 'a', status: 'working' }),
    session({ id: 'b', project: '数据平台-看板', branch: 'fix/🚀-launch', status: 'waiting', model: 'gpt-5.5-mini' }),
    session({
      id: 'c',
      project: 'ledger-cli',
      branch: null,
      status: 'idle',
      context: { window: 1, used: 1, percentLeft: 3 },
    }),
  ];
  const snap = snapshot(sessions);
  snap.limits.primary = window(15);
  snap.limits.secondary = window(3, { label: 'weekly', windowMinutes: 10080 });
  snap.limits.others = [
    { limitId: 'codex_other', limitName: 'gpt-5.5-mini', primary: window(64, { stale: true }), secondary: null },
  ];
  snap.limits.credits = { hasCredits: true, unlimited: false, balance: '17.50' };
  return snap;
}

function frameInput(columns: number): LiveInput {
  return {
    snapshot: busySnapshot(),
    discord: { state: 'connected' },
    publishing: true,
    onDiscord: 'a',
    now: T0,
    layout: layoutFor(columns),
    rows: null,
  };
}

function frame(columns: number, over: Partial<LiveInput> = {}) {
  return liveFrame({ ...frameInput(columns), ...over });
}

const texts = (columns: number, over: Partial<LiveInput> = {}) => frame(columns, over).map(plainText);

describe('layoutFor', () => {
  it('full at 100 and more, full with a short bar from 80, compact below 80, minimal below 50', () => {
    expect(layoutFor(120)).toEqual({ kind: 'full', columns: 120, bar: 20 });
    expect(layoutFor(100).kind).toBe('full');
    expect(layoutFor(99)).toEqual({ kind: 'full', columns: 99, bar: 10 });
    expect(layoutFor(80).kind).toBe('full');
    expect(layoutFor(79).kind).toBe('compact');
    expect(layoutFor(50).kind).toBe('compact');
    expect(layoutFor(49).kind).toBe('minimal');
    expect(layoutFor(40).kind).toBe('minimal');
    // Not a terminal: full rows, never cut.
    expect(layoutFor(undefined)).toEqual({ kind: 'full', columns: Infinity, bar: 20 });
  });
});

describe('the live frame', () => {
  it.each([40, 60, 80, 120])('no line is wider than %i columns, wide characters counted as two', (columns) => {
    const lines = texts(columns);
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
    expect(lines.join('\n')).toMatch(/数据/);
  });

  it('120 columns: the banner, 20-cell bars, countdown, source, and the token triplet', () => {
    const lines = texts(120);
    expect(lines[0]).toBe(BANNER.full);
    expect(lines[1]).toMatch(/^5h {15}\[█{3}░{17}\] 15% left · resets in 2h 13m · \d\d:\d\d · from your last session$/);
    expect(lines).toContainEqual(expect.stringMatching(/^weekly {11}\[█?░+\] 3% left/));
    expect(lines).toContainEqual(expect.stringMatching(/^gpt-5\.5-mini 5h +\[.*\] 64% left · .*updated 1 min ago/));
    expect(lines).toContain(`Credits${' '.repeat(10)}18 credits`);
    expect(lines).toContain(`Discord${' '.repeat(10)}connected · showing`);
    expect(lines).toContain(`Sessions${' '.repeat(9)}1 needs you · 3 live, 1 working`);
    const a = lines.findIndex((l) => l.startsWith('● orbit-api'));
    expect(lines[a]).toBe('● orbit-api (feature/login) · on Discord · 45m');
    expect(lines[a + 1]).toBe('    gpt-5.5 · working · Δ 1.2k | last 3.4k | total 120k · 89% of context left');
    expect(lines).toContain('● 数据平台-看板 (fix/🚀-launch) · 45m');
    expect(lines).toContain(
      '    gpt-5.5-mini · needs approval · Δ 1.2k | last 3.4k | total 120k · 89% of context left',
    );
  });

  it('80 columns: the same rows with 10-cell bars, cut with … at the edge', () => {
    const lines = texts(80);
    expect(lines[0]).toBe(BANNER.full);
    expect(lines[1]).toMatch(/^5h +\[█{2}░{8}\] 15% left · resets in 2h 13m/);
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
  });

  it('60 columns: compact rows (bar, % left, the reset clock), tokens as one number', () => {
    const lines = texts(60);
    expect(lines[0]).toBe(BANNER.compact);
    expect(lines[1]).toMatch(/^5h {15}█{2}░{8} 15% left · resets \d\d:\d\d$/);
    expect(lines).toContain('    gpt-5.5 · working · 120k tokens · 89% of context left');
    expect(lines.join('\n')).not.toContain('Δ');
  });

  it('40 columns: the tray’s own short lines, no banner', () => {
    const lines = texts(40);
    expect(lines[0]).toMatch(/^5h 15% left · resets \d\d:\d\d$/);
    expect(lines.join('\n')).not.toContain('Codex Discord Presence');
    expect(lines).toContain('18 credits');
    expect(lines).toContain('1 needs you · 3 live, 1 working');
    expect(lines).toContain('  working · 120k tokens · ctx 89%');
  });

  it('a terminal too short drops the banner, then the last sessions, and says how many', () => {
    const all = texts(120, { rows: 40 });
    expect(all[0]).toBe(BANNER.full);
    const short = texts(120, { rows: 12 });
    expect(short).toHaveLength(11);
    expect(short[0]).not.toBe(BANNER.full);
    expect(short.at(-1)).toMatch(/^… [12] more sessions? \(a taller terminal shows them\)$/);
  });

  it('a Discord reason that would be cut points to `doctor` instead', () => {
    const discord = {
      state: 'disabled' as const,
      reason: 'No Discord application id is set: put yours in discord_client_id',
    };
    expect(texts(60, { discord })).toContain(`Discord${' '.repeat(10)}disabled (\`doctor\` says why)`);
    expect(texts(120, { discord })).toContain(`Discord${' '.repeat(10)}disabled (${discord.reason})`);
  });

  it('a reason that would be cut is named in a few words, as the popover names it (issue 23 §1)', () => {
    const cases = [
      [
        {
          state: 'disabled',
          reason: `No Discord application id is set: put yours in discord_client_id in ${'/x'.repeat(20)}`,
          kind: 'no-application',
        },
        'disabled (no application id: run doctor)',
      ],
      [
        { state: 'disabled', reason: `discord_enabled is false in ${'/x'.repeat(30)}`, kind: 'switched-off' },
        'disabled (discord_enabled is false)',
      ],
      [
        { state: 'error', reason: 'Discord is not running (no IPC socket answered)', kind: 'not-running' },
        'error (Discord not running)',
      ],
      [
        { state: 'error', reason: 'a reason of a kind with no short form, long enough to be cut', kind: 'protocol' },
        'error (`doctor` says why)',
      ],
    ] as const;
    for (const [discord, shown] of cases)
      expect(texts(60, { discord: { ...discord } })).toContain(`Discord${' '.repeat(10)}${shown}`);
  });

  it('the App row names the Discord application while one is used', () => {
    const discord = { state: 'connected' as const };
    expect(texts(120, { discord, application: 'built-in (Codex)' })).toContain(`App${' '.repeat(14)}built-in (Codex)`);
    expect(
      texts(120, { discord: { state: 'disabled' as const }, application: 'built-in (Codex)' }).join('\n'),
    ).not.toContain('App ');
    expect(texts(120, { discord }).join('\n')).not.toContain('App ');
  });

  it('sub-agents: folded ones counted apart from the session’s tokens, a lone one marked (as in the popover)', () => {
    const snap = busySnapshot();
    snap.sessions[0] = session({
      id: 'a',
      status: 'working',
      agents: { count: 2, live: 1, working: 1, tokens: 5200, threads: [] },
    });
    snap.sessions[2] = session({
      id: 'c',
      project: 'ledger-cli',
      status: 'idle',
      subagent: { parentId: 'gone', depth: 1, role: 'explorer', nickname: 'Euclid' },
    });
    const lines = (columns: number) => liveFrame({ ...frameInput(columns), snapshot: snap }).map(plainText);
    const wide = lines(120);
    const head = wide.findIndex((l) => l.startsWith('● orbit-api'));
    expect(wide[head + 1]).toMatch(/ · \+2 agents · 5\.2k · /);
    expect(wide.find((l) => l.startsWith('● ledger-cli'))).toMatch(/^● ledger-cli \(feature\/login\) · sub-agent · /);
    // The tray's short lines have no room for the agents' count.
    expect(lines(40).join('\n')).not.toContain('agents');
  });

  it('usage history’s first build shows as a History row while it runs, and why it stopped; nothing once done', () => {
    const running = { phase: 'running' as const, filesDone: 120, filesTotal: 300, message: null };
    expect(texts(80, { history: running })).toContain(`History${' '.repeat(10)}building · 40% (120 of 300 files)`);
    expect(texts(40, { history: running }).find((l) => l.startsWith('History'))).toMatch(/^History building · 40% /);
    const stopped = { phase: 'error' as const, filesDone: 3, filesTotal: 300, message: 'disk full' };
    expect(texts(120, { history: stopped })).toContain(`History${' '.repeat(10)}stopped (disk full)`);
    const done = { phase: 'done' as const, filesDone: 300, filesTotal: 300, message: null };
    expect(texts(120, { history: done }).some((l) => l.startsWith('History'))).toBe(false);
    expect(texts(120, { history: done })).toEqual(texts(120));
  });

  it('without a Codex home it says what to do', () => {
    const snap = snapshot([], { codexHome: { path: '/nope', found: false, sessionsDirFound: false } });
    expect(texts(120, { snapshot: snap }).join('\n')).toContain(
      'Codex home /nope not found: run codex once, or pass --codex-home DIR.',
    );
  });
});

describe('colour', () => {
  const painted = (columns: number, color: boolean) => frame(columns).map((l) => paint(l, painter(color)));

  it('amber below 20 % left, red below 5 %, stale rows dimmed; the tray’s thresholds', () => {
    const lines = painted(120, true);
    const row = (prefix: string) => lines.find((l) => l.replace(ANSI, '').startsWith(prefix)) ?? '';
    expect(row('5h')).toContain(`${ESC}[33m15% left`);
    expect(row('weekly')).toContain(`${ESC}[31m3% left`);
    expect(row('gpt-5.5-mini 5h')).toContain(`${ESC}[2m`);
    expect(row('gpt-5.5-mini 5h')).not.toContain(`${ESC}[33m`);
    // A context nearly full is red too.
    expect(lines.find((l) => l.includes('ctx') || l.includes('3% of context left'))).toContain(
      `${ESC}[31m3% of context`,
    );
  });

  it('plain output has no escape codes at all', () => {
    for (const l of painted(60, false)) expect(l).not.toContain(ESC);
  });

  it('NO_COLOR wins, FORCE_COLOR forces (0 and false turn it off), otherwise only a terminal', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(colorEnabled({ TERM: 'dumb' }, true)).toBe(false);
    expect(plain('critical', 'x')).toBe('x');
  });
});

describe('width and redraw', () => {
  it('cuts by terminal columns, never through a wide character', () => {
    expect(truncate('数据平台', 5)).toBe('数据…');
    expect(stringWidth(truncate('数据平台', 4))).toBeLessThanOrEqual(4);
    expect(truncate('short', 10)).toBe('short');
    expect(plainText(fit([seg('abc'), seg('defgh', 'dim')], 6))).toBe('abcde…');
    expect(plainText(fit([seg('abc'), seg('def')], 6))).toBe('abcdef');
  });

  it('counts screen rows, wrapped lines included, so a redraw goes back exactly over the last frame', () => {
    expect(frameRows(['x'.repeat(60), 'y'.repeat(61), '', '数'.repeat(31)], 60)).toBe(1 + 2 + 1 + 2);
    expect(frameRows([`${ESC}[31m${'x'.repeat(60)}${ESC}[39m`], 60)).toBe(1);
    expect(redraw(0, ['a', 'b'])).toBe(`\r${ESC}[2Ka\n${ESC}[2Kb\n${ESC}[J`);
    expect(redraw(4, ['a'])).toBe(`${ESC}[4F${ESC}[2Ka\n${ESC}[J`);
    // After a width change: from the first row, each row erased as written, then what is below; no clear from the corner.
    expect(drawAtTop(['a', 'b'])).toBe(`${ESC}[H${ESC}[2Ka\n${ESC}[2Kb\n${ESC}[J`);
  });

  it('a message above the frame erases exactly the rows it will take, one by one, then starts on the first', () => {
    expect(aboveFrame(0, 1)).toBe('\r');
    expect(aboveFrame(4, 1)).toBe(`${ESC}[4F${ESC}[2K\r`);
    expect(aboveFrame(4, 2)).toBe(`${ESC}[4F${ESC}[2K${ESC}[1B${ESC}[2K${ESC}[1A\r`);
    // Longer than the frame: the rows below it are blank already.
    expect(aboveFrame(2, 5)).toBe(`${ESC}[2F${ESC}[2K${ESC}[1B${ESC}[2K${ESC}[1A\r`);
    expect(aboveFrame(3, 1)).not.toContain(`${ESC}[J`);
  });
});

describe('status text', () => {
  const extras = { publisher: null, configPath: '/home/dev/.codex/discord-presence-config.json' };

  it('piped: plain full rows with the same labels as everywhere else, credits with their unit', () => {
    const text = formatStatus(busySnapshot(), new Date(T0), extras);
    expect(text).not.toContain(ESC);
    expect(text).toMatch(/^5h {15}\[█{3}░{17}\] 15% left/m);
    expect(text).toMatch(/^weekly {11}\[/m);
    expect(text).toMatch(/^gpt-5\.5-mini 5h {2}\[/m);
    expect(text).not.toMatch(/limit {2}/);
    expect(text).toMatch(/^Credits {10}18 credits$/m);
    expect(text).toMatch(/^Sessions {9}1 needs you · 3 live, 1 working$/m);
    expect(text).toContain('● 数据平台-看板 (fix/🚀-launch) · 45m');
    // The config path is never cut.
    expect(text).toContain('/home/dev/.codex/discord-presence-config.json');
  });

  it.each([40, 60, 80, 120])('on a %i-column terminal limit and session lines fit', (columns) => {
    const text = formatStatus(busySnapshot(), new Date(T0), extras, {
      layout: layoutFor(columns),
      painter: painter(true),
    });
    const lines = text.split('\n').map((l) => l.replace(ANSI, ''));
    for (const l of lines.filter((x) => !/^(Codex home|Config|Publisher) /.test(x)))
      expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
    expect(text).toContain(`${ESC}[31m`);
  });

  it('Unlimited credits, and no live session', () => {
    const snap = snapshot([]);
    snap.limits.credits = { hasCredits: true, unlimited: true, balance: null };
    const text = formatStatus(snap, new Date(T0));
    expect(text).toMatch(/^Credits +Unlimited credits$/m);
    expect(text).toMatch(/^Sessions +No live session$/m);
  });
});
