import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TempCodexHome } from '../support/codexHome.js';
import { engineSnapshot, liveWith, MAIN, MONTHLY_ONLY, SPARK, WEEKLY_ONLY, type Limits } from '../support/oneWindow.js';
import type { AppState, CodexSessionSnapshot } from '../../src/contract/index.js';
import { pickCurrent, waitingFirst } from '../../src/usage/aggregate.js';
import { session, snapshot, T0, window } from '../support/snapshots.js';
import { fakeCalls, pushAppState, pushSettings, pushSnapshot } from './fakeBridge.js';
import { APP, ARTIFACTS, openPage, settings, startHarness, type Harness } from './setup.js';
import { axeSerious, contrastReport, outsideViewport } from './measure.js';

// The popover in a real Chromium, with a fake bridge typed against the contract.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/**
 * Six sessions in the order main sends them (foldSessions' `waitingFirst`: the one waiting for approval first),
 * with main's pick: the popover and the README's picture never show an order main would not send.
 */
const inMainOrder = (sessions: CodexSessionSnapshot[]) => {
  const sorted = [...sessions].sort(waitingFirst);
  return snapshot(sorted, { current: pickCurrent(sorted) });
};
const six = () =>
  inMainOrder([
    session(),
    session({
      id: 'b',
      project: 'skyline-web',
      status: 'waiting',
      activity: 'waiting',
      model: 'gpt-5.5-mini',
      lastActivityAt: T0 - 40_000,
    }),
    session({ id: 'c', project: 'ledger-cli', status: 'idle', branch: 'main' }),
    session({
      id: 'd',
      project: 'a-very-long-project-name-that-cannot-possibly-fit-in-the-row',
      branch: 'feature/an-equally-long-branch-name',
      context: { window: 258400, used: 230_000, percentLeft: 11 },
    }),
    session({ id: 'e', project: 'notes', status: 'idle', branch: null }),
    session({ id: 'f', project: 'infra', status: 'ended', model: null }),
  ]);

describe('popover', () => {
  it('limit rows: a large "72% left", a bar as wide as what is left, one reset line', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    const row = page.getByTestId('limit-5h');
    await expect.poll(() => row.getByTestId('left').textContent()).toBe('72% left');
    const bar = row.getByRole('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe('72');
    expect(await bar.getAttribute('aria-valuetext')).toBe('72% left');
    const widths = await bar.evaluate((el) => [
      el.getBoundingClientRect().width,
      el.getBoundingClientRect().height,
      (el.firstElementChild as HTMLElement).getBoundingClientRect().width,
    ]);
    expect((widths[2] ?? 0) / (widths[0] ?? 1)).toBeCloseTo(0.72, 2);
    expect(widths[1]).toBe(6);
    // T0 is 14:00 UTC; the reset is 2h 13m later.
    expect(await row.getByTestId('reset').textContent()).toBe('Resets in 2h 13m · 16:13');
    expect(await page.getByTestId('limit-weekly').getByTestId('reset').textContent()).toBe(
      'Resets in 3d · 24 Nov 14:00',
    );
    await context.close();
  });

  it('the countdown ticks every minute with no new snapshot', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    const reset = page.getByTestId('limit-5h').getByTestId('reset');
    await expect.poll(() => reset.textContent()).toBe('Resets in 2h 13m · 16:13');
    await page.clock.fastForward(61_000);
    await expect.poll(() => reset.textContent()).toBe('Resets in 2h 11m · 16:13');
    await context.close();
  });

  it('pace in words, stale dimmed with "updated 23 min ago", rollover said once, unknown with a visible track', async () => {
    const snap = snapshot();
    snap.limits.primary = window(3.6, {
      stale: true,
      observedAt: T0 - 23 * 60_000,
      pace: { expectedUsedPercent: 50, reservePercent: 8, runsOutAt: null },
    });
    snap.limits.secondary = window(100, {
      label: 'weekly',
      source: 'account',
      rolledOver: true,
      usedPercent: 0,
      resetsAt: T0 - 60 * 60_000,
    });
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    const primary = page.getByTestId('limit-5h');
    await expect.poll(() => primary.getAttribute('class')).toContain('tone-critical');
    expect(await primary.getAttribute('class')).toContain('is-stale');
    expect(await primary.getByTestId('left').textContent()).toBe('4% left');
    expect(await primary.getByTestId('stale').textContent()).toBe('updated 23 min ago');
    expect(await primary.getByTestId('pace').textContent()).toBe('8% in reserve · lasts until reset');
    expect(await primary.evaluate((el) => getComputedStyle(el.querySelector('.bar') as Element).opacity)).toBe('0.6');
    expect(await primary.getByTestId('source').textContent()).toBe('from your last session');
    const weekly = page.getByTestId('limit-weekly');
    expect(await weekly.getByTestId('source').textContent()).toBe('from your account');
    expect(await weekly.getByTestId('reset').textContent()).toBe('Reset at 13:00');
    expect((await weekly.textContent())?.match(/100% left/g)).toHaveLength(1);
    await context.close();

    const warn = snapshot();
    warn.limits.primary = window(15, {
      pace: { expectedUsedPercent: 60, reservePercent: -12, runsOutAt: T0 + 100 * 60_000 },
    });
    warn.limits.secondary = null;
    const second = await openPage(h, 'popover', { snapshot: warn }, { now: T0 });
    const row = second.page.getByTestId('limit-5h');
    await expect.poll(() => row.getAttribute('class')).toContain('tone-warning');
    expect(await row.getByTestId('pace').textContent()).toBe('12% in deficit · runs out in 1h 40m');
    expect(await second.page.textContent('body')).not.toContain('ahead of pace');
    // An absent second window is not an unknown one (issue 23 §3): no phantom row.
    expect(await second.page.getByTestId('limit-weekly').count()).toBe(0);
    expect(await second.page.getByText('unknown').count()).toBe(0);
    await second.context.close();

    // Unknown is the main family with no window at all (only another family seen): one "5h" row, a visible track.
    const noMain = snapshot();
    noMain.limits.primary = null;
    noMain.limits.secondary = null;
    noMain.limits.others = [{ limitId: 'codex_bengalfox', limitName: null, primary: window(90), secondary: null }];
    const third = await openPage(h, 'popover', { snapshot: noMain }, { now: T0 });
    const unknown = third.page.getByTestId('limit-5h');
    await expect.poll(() => unknown.getByTestId('left').textContent()).toBe('unknown');
    expect(await unknown.getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
    // The empty track is drawn with an edge, not left invisible against the card.
    expect(await unknown.evaluate((el) => getComputedStyle(el.querySelector('.bar') as Element).boxShadow)).toMatch(
      /inset/,
    );
    await third.context.close();
  });

  it('limit rows share one grid: a shared source said once, "updated … ago" at the right on every row, stale dims the number', async () => {
    const snap = snapshot();
    snap.limits.primary = window(72, { stale: true, observedAt: T0 - 40 * 60_000 });
    snap.limits.secondary = window(40, {
      label: 'weekly',
      windowMinutes: 10080,
      resetsAt: T0 + 3 * 86_400_000,
      stale: true,
      observedAt: T0 - 40 * 60_000,
    });
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    await expect.poll(() => page.getByTestId('limits-source').textContent()).toBe('From your last session');
    expect(await page.getByTestId('source').count()).toBe(0);
    const rights = await page
      .getByTestId('stale')
      .evaluateAll((els) =>
        els.map((e) => [
          e.textContent,
          Math.round(e.getBoundingClientRect().right),
          Math.round(e.getBoundingClientRect().top - (e.closest('.limit-row') as Element).getBoundingClientRect().top),
        ]),
      );
    expect(rights).toHaveLength(2);
    expect(rights[0]?.[0]).toBe('updated 40 min ago');
    // The same place on each row: the same right edge, the same height in the row.
    expect(rights[0]?.[1]).toBe(rights[1]?.[1]);
    expect(rights[0]?.[2]).toBe(rights[1]?.[2]);
    const colours = await page.evaluate(() =>
      ['limit-5h', 'limit-weekly'].map(
        (id) => getComputedStyle(document.querySelector(`[data-testid="${id}"] .limit-value`) as Element).color,
      ),
    );
    const fresh = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    await expect.poll(() => fresh.page.getByTestId('limit-5h').count()).toBe(1);
    const normal = await fresh.page.evaluate(
      () => getComputedStyle(document.querySelector('[data-testid="limit-5h"] .limit-value') as Element).color,
    );
    expect(colours[0]).not.toBe(normal);
    await page.screenshot({ path: join(ARTIFACTS, 'popover-light-stale.png') });
    await fresh.context.close();
    await context.close();
  });

  it('other families in the same row style, lowest first, never hidden; credits as Codex shows them', async () => {
    const snap = snapshot();
    snap.limits.others = [
      { limitId: 'codex_other', limitName: 'gpt-5.5-mini', primary: window(95), secondary: null },
      { limitId: 'codex_bengalfox', limitName: null, primary: window(8), secondary: null },
    ];
    snap.limits.credits = { hasCredits: true, unlimited: false, balance: '17.50' };
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    const others = page.getByTestId('limit-other');
    await expect.poll(() => others.count()).toBe(2);
    expect(await others.nth(0).locator('h3').textContent()).toBe('Codex_bengalfox 5h');
    expect(await others.nth(0).getAttribute('class')).toContain('tone-warning');
    expect(await others.nth(0).isVisible()).toBe(true);
    expect(await others.nth(1).locator('h3').textContent()).toBe('Gpt-5.5-mini 5h');
    expect(await page.locator('details').count()).toBe(0);
    expect(await page.getByTestId('credits').textContent()).toBe('Credits18 credits');
    await context.close();
  });

  describe('accounts with one window (issue 23 §3), as the engine folds Codex’s own rollout', () => {
    let home: TempCodexHome;
    beforeEach(async () => {
      home = await TempCodexHome.create();
    });
    afterEach(async () => home.remove());

    /** The popover of what main would send for a home whose live session carries these limits. */
    async function limitRowsOf(...limits: Limits[]) {
      await liveWith(home, ...limits);
      const snap = await engineSnapshot(home);
      const o = await openPage(h, 'popover', { snapshot: snap }, { now: Date.now() });
      const rows = o.page.locator('.limits .limit-row:not(.credits)');
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      const shown = await rows.evaluateAll((els) =>
        els.map((el) => ({
          id: el.getAttribute('data-testid'),
          title: el.querySelector('h3')?.textContent,
          left: el.querySelector('[data-testid="left"]')?.textContent,
        })),
      );
      return { ...o, shown };
    }

    it('weekly-only: one Weekly row, no phantom unknown row', async () => {
      const o = await limitRowsOf(WEEKLY_ONLY);
      expect(o.shown).toEqual([{ id: 'limit-weekly', title: 'Weekly', left: '70% left' }]);
      expect(await o.page.locator('.limits').textContent()).not.toContain('unknown');
      await o.page.screenshot({ path: join(ARTIFACTS, 'popover-light-weekly-only.png') });
      await o.context.close();
    });

    it('monthly-only: one Monthly row', async () => {
      const o = await limitRowsOf(MONTHLY_ONLY);
      expect(o.shown).toEqual([{ id: 'limit-monthly', title: 'Monthly', left: '45% left' }]);
      await o.context.close();
    });

    it('a Spark-style family never fills the main 5h slot, after the main one or alone', async () => {
      const both = await limitRowsOf(MAIN, SPARK);
      expect(both.shown.slice(0, 2)).toEqual([
        { id: 'limit-5h', title: '5h', left: '88% left' },
        { id: 'limit-weekly', title: 'Weekly', left: '59% left' },
      ]);
      expect(both.shown.slice(2).map((r) => [r.id, r.title])).toEqual([
        ['limit-other', 'GPT-5.3-Codex-Spark 5h'],
        ['limit-other', 'GPT-5.3-Codex-Spark weekly'],
      ]);
      await both.context.close();
      const alone = await limitRowsOf(SPARK);
      expect(alone.shown[0]).toEqual({ id: 'limit-5h', title: '5h', left: 'unknown' });
      expect(alone.shown.filter((r) => r.left === 'unknown')).toHaveLength(1);
      expect(alone.shown.slice(1).map((r) => [r.title, r.left])).toEqual([
        ['GPT-5.3-Codex-Spark 5h', '10% left'],
        ['GPT-5.3-Codex-Spark weekly', '40% left'],
      ]);
      await alone.context.close();
    });
  });

  it('names are shown under Standard, what the card leaves out said once; the mark only on the published session', async () => {
    const snap = snapshot([session(), session({ id: 'b', project: 'skyline-web', status: 'idle' })]);
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    const rows = page.getByTestId('session');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getByTestId('project').textContent()).toBe('orbit-api');
    expect(await rows.nth(0).textContent()).toContain('feature/login');
    expect(await rows.nth(1).getByTestId('project').textContent()).toBe('skyline-web');
    // The default (Standard) reads as intended: said once, in neutral words, not as a warning on every row,
    // and never "shown on Discord, Not on Discord" to a screen reader (issue 25 §8).
    expect(await page.getByTestId('card-leaves-out').textContent()).toBe(
      'Your Discord card leaves out project names and branches.',
    );
    expect(await page.getByTestId('not-shared').count()).toBe(0);
    expect(await rows.nth(0).getAttribute('aria-label')).toContain('shown on Discord');
    expect(await rows.nth(0).getAttribute('aria-label')).not.toContain('Not on Discord');
    expect(await rows.nth(0).getByTestId('on-discord').count()).toBe(1);
    // The "on Discord" mark is an icon named for screen readers.
    expect(await rows.nth(0).getByRole('img', { name: 'On Discord' }).count()).toBe(1);
    expect(await rows.nth(1).getByTestId('on-discord').count()).toBe(0);
    expect(await page.getByTestId('discord-live').textContent()).toBe('On Discord');
    expect(await page.getByTestId('codex-state').textContent()).toBe('2 live, 1 working');
    // Two lines: status, name, time; then model, state, tokens and the context gauge.
    expect(await rows.nth(0).locator('.session-line').count()).toBe(2);
    expect(await rows.nth(0).getByTestId('tokens').textContent()).toBe('Δ 1.2k | last 3.4k | total 120k');
    const gauge = rows.nth(0).getByRole('progressbar', { name: 'Context left' });
    expect(await gauge.getAttribute('aria-valuetext')).toBe('89% of context left');

    // Connected but paused, connecting, error, disabled: never "on Discord".
    for (const app of [
      { ...APP, paused: true, published: false },
      { ...APP, discord: { state: 'connecting' as const }, published: false },
      { ...APP, discord: { state: 'error' as const, reason: 'Could not reach Discord' }, published: false },
      { ...APP, discord: { state: 'disabled' as const }, published: false },
      { ...APP, published: false },
    ]) {
      await pushAppState(page, app);
      await expect.poll(() => page.getByTestId('on-discord').count()).toBe(0);
      expect(await page.getByTestId('discord-live').count()).toBe(0);
    }
    // Published, but the session went idle past the delay: Discord shows "Idle", not this session
    // (the publisher picks it, and main sends no session with the idle snapshot).
    const idle = snapshot([session({ status: 'idle', lastActivityAt: T0 - 11 * 60_000 })]);
    await pushAppState(page, { ...APP, shownSessionId: null });
    await pushSnapshot(page, idle);
    await expect.poll(() => page.getByTestId('on-discord').count()).toBe(0);
    await pushSnapshot(page, snap);
    // Detailed: the card shows all the rows show, so nothing is said.
    await pushAppState(page, APP);
    await pushSettings(
      page,
      settings((s) => (s.privacy.preset = 'detailed')),
    );
    await expect.poll(() => page.getByTestId('card-leaves-out').count()).toBe(0);
    // A project in the "Never show" list is a fact about that session: its row is marked, with a name.
    await pushSettings(
      page,
      settings((s) => {
        s.privacy.preset = 'detailed';
        s.ignoreProjects = ['skyline-*'];
      }),
    );
    await expect.poll(() => rows.nth(1).getByTestId('not-shared').count()).toBe(1);
    expect(await rows.nth(1).getByTestId('not-shared').getAttribute('title')).toContain('Not on Discord');
    expect(
      await rows
        .nth(1)
        .getByRole('img', { name: /Not on Discord/ })
        .count(),
    ).toBe(1);
    expect(await rows.nth(0).getByTestId('not-shared').count()).toBe(0);
    await context.close();
  });

  it('Discord not live: a full-width row with the reason in words, Retry, Open settings and Run doctor', async () => {
    const reason =
      'Could not connect to Discord: no Discord IPC socket found. Start the Discord desktop app and try again.';
    const o = await openPage(
      h,
      'popover',
      { snapshot: snapshot(), app: { ...APP, discord: { state: 'error', reason }, published: false } },
      { now: T0 },
    );
    const row = o.page.getByTestId('discord-row');
    await expect.poll(() => row.getByTestId('discord-reason').textContent()).toBe(`Not on Discord: ${reason}`);
    // Not cut: the whole reason is on screen.
    const fits = await row
      .getByTestId('discord-reason')
      .evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().width > 300);
    expect(fits).toBe(true);
    await row.getByRole('button', { name: 'Retry' }).click();
    await row.getByRole('button', { name: 'Open settings' }).click();
    await row.getByRole('button', { name: 'Run doctor' }).click();
    await expect.poll(() => row.getByTestId('doctor').textContent()).toContain('no Discord IPC socket found');
    const calls = (await fakeCalls(o.page)).map((c) => c[0]);
    expect(calls).toEqual(expect.arrayContaining(['retryDiscord', 'openSettings', 'runDoctor']));
    await o.page.screenshot({ path: join(ARTIFACTS, 'popover-light-discord-error.png') });
    await o.context.close();
  });

  it('Discord switched off in Settings says so (not "no application id")', async () => {
    const o = await openPage(
      h,
      'popover',
      {
        snapshot: snapshot(),
        app: {
          ...APP,
          discord: { state: 'disabled', reason: 'No Discord application id is set.' },
          published: false,
        },
        settings: settings((s) => (s.discordEnabled = false)),
      },
      { now: T0 },
    );
    await expect
      .poll(() => o.page.getByTestId('discord-reason').textContent())
      .toBe('Discord is turned off in Settings: nothing is shown there.');
    expect(await o.page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await o.context.close();
  });

  it('a reason main gave a kind for is said in the terminal’s short words (discordShortReason)', async () => {
    const cases: Array<[AppState['discord'], string]> = [
      [
        {
          state: 'disabled',
          reason: 'No Discord application id is set. Add yours in Settings → Discord.',
          kind: 'no-application',
        },
        'Not on Discord: no application id: run doctor',
      ],
      [
        { state: 'error', reason: 'Could not connect to Discord: no Discord IPC socket found.', kind: 'not-running' },
        'Not on Discord: Discord not running',
      ],
      [
        { state: 'error', reason: 'Discord answered 4000', kind: 'rate-limited' },
        'Not on Discord: rate-limited by Discord',
      ],
      // A kind with no short form: the reason is said whole.
      [{ state: 'error', reason: 'the socket closed', kind: 'closed' }, 'Not on Discord: the socket closed'],
      [
        { state: 'disabled', reason: 'discord_enabled is false', kind: 'switched-off' },
        'Discord is turned off in Settings: nothing is shown there.',
      ],
    ];
    const o = await openPage(h, 'popover', { snapshot: snapshot(), app: { ...APP, published: false } }, { now: T0 });
    for (const [discord, text] of cases) {
      await pushAppState(o.page, { ...APP, discord, published: false });
      await expect.poll(() => o.page.getByTestId('discord-reason').textContent()).toBe(text);
    }
    await o.context.close();
  });

  it('a bridge failure says so and keeps the footer: Settings, Quit, and Retry', async () => {
    const o = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0, brokenBridge: true });
    await expect.poll(() => o.page.getByTestId('bridge-error').textContent()).toContain('not answering');
    expect(await o.page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    expect(await o.page.getByRole('button', { name: 'Settings' }).count()).toBe(1);
    expect(await o.page.getByRole('button', { name: 'Quit' }).count()).toBe(1);
    await o.page.screenshot({ path: join(ARTIFACTS, 'popover-light-bridge-error.png') });
    await o.context.close();
  });

  it('a theme saved in Settings reaches the open popover at once', async () => {
    const o = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0, colorScheme: 'light' });
    await expect.poll(() => o.page.getByTestId('session').count()).toBe(1);
    const bg = () => o.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await pushSettings(
      o.page,
      settings((s) => (s.general.theme = 'dark')),
    );
    await expect.poll(bg).not.toBe(light);
    expect(await o.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await o.context.close();
  });

  it('sub-agents: "+2 agents" with their tokens apart on the parent row; a lone sub-agent is marked, never on Discord', async () => {
    const agent = (id: string, status: 'working' | 'idle', total: number) =>
      session({
        id,
        status,
        subagent: { parentId: 'sess-a', depth: 1, role: 'explorer', nickname: 'Euclid' },
        tokens: { ...session().tokens, total },
      });
    const parent = session({
      agents: {
        count: 2,
        live: 2,
        working: 1,
        tokens: 5200,
        threads: [agent('x', 'working', 4000), agent('y', 'idle', 1200)],
      },
    });
    const lone = session({
      id: 'z',
      project: 'skyline-web',
      status: 'working',
      subagent: { parentId: 'gone', depth: 1, role: 'explorer', nickname: 'Euclid' },
    });
    const snap = snapshot([lone, parent], { current: 'sess-a' });
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    const rows = page.getByTestId('session');
    await expect.poll(() => rows.count()).toBe(2);
    const parentRow = rows.nth(1);
    const agents = parentRow.getByTestId('agents');
    expect(await agents.textContent()).toBe('+2 agents · 5.2k');
    expect(await agents.getAttribute('title')).toBe('+2 agents · 1 working · 5.2k tokens');
    // The parent's own total is unchanged: the agents' tokens are shown apart.
    expect(await parentRow.getByTestId('tokens').textContent()).toBe('Δ 1.2k | last 3.4k | total 120k');
    expect(await parentRow.getAttribute('aria-label')).toContain(
      'tokens Δ 1.2k | last 3.4k | total 120k, +2 agents · 1 working · 5.2k tokens',
    );
    expect(await parentRow.getByTestId('on-discord').count()).toBe(1);
    // The lone sub-agent: its own row, marked, and never the session on Discord even while it works.
    const loneRow = rows.nth(0);
    expect(await loneRow.getByTestId('subagent').getAttribute('title')).toBe('sub-agent Euclid (explorer)');
    expect(await loneRow.getByTestId('on-discord').count()).toBe(0);
    expect(await loneRow.getByTestId('agents').count()).toBe(0);
    // Nothing spills out of either line.
    expect(await parentRow.locator('.session-line.meta').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(
      await parentRow
        .locator('.session-line')
        .first()
        .evaluate((el) => el.scrollWidth <= el.clientWidth),
    ).toBe(true);
    await context.close();
  });

  it('one message per state: no Codex home, no sessions, no limits', async () => {
    const noHome = snapshot([], { codexHome: { path: '/home/dev/.codex', found: false, sessionsDirFound: false } });
    let o = await openPage(h, 'popover', { snapshot: noHome }, { now: T0 });
    await expect.poll(() => o.page.getByTestId('empty-no-home').textContent()).toContain('Run codex once');
    const text = (await o.page.textContent('body')) ?? '';
    expect(text.match(/Codex not found/g)).toHaveLength(1);
    expect(await o.page.getByRole('button', { name: /settings/i }).count()).toBe(1);
    await o.page.screenshot({ path: join(ARTIFACTS, 'popover-light-no-home.png') });
    await o.context.close();
    const none = snapshot([]);
    none.limits.primary = null;
    none.limits.secondary = null;
    o = await openPage(h, 'popover', { snapshot: none }, { now: T0 });
    await expect.poll(() => o.page.getByTestId('codex-state').textContent()).toBe('No live session');
    expect(await o.page.getByTestId('empty-no-sessions').textContent()).toContain('Start codex in a terminal');
    const body = (await o.page.textContent('body')) ?? '';
    expect(body.match(/no limits/gi)).toHaveLength(1);
    await o.page.screenshot({ path: join(ARTIFACTS, 'popover-light-empty.png') });
    await o.context.close();
  });

  it('asks main for its content height: small with one session, six sessions without scrolling', async () => {
    const o = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0, height: 900 });
    const asked = async () =>
      (await fakeCalls(o.page)).filter((c) => c[0] === 'resizePopover').map((c) => c[1][0] as number);
    await expect.poll(async () => (await asked()).length).toBeGreaterThan(0);
    const one = (await asked()).at(-1) ?? 0;
    const natural = await o.page.evaluate(() => document.querySelector('.popover')?.getBoundingClientRect().height);
    expect(one).toBe(Math.ceil(natural ?? 0));
    expect(one).toBeLessThan(420);
    await pushSnapshot(o.page, six());
    await expect.poll(async () => (await asked()).at(-1) ?? 0).toBeGreaterThan(one + 200);
    const wanted = (await asked()).at(-1) ?? 0;
    // Main sizes the window to what was asked: then nothing scrolls, and each row is 2 lines.
    await o.page.setViewportSize({ width: 360, height: wanted });
    await expect
      .poll(() => o.page.evaluate(() => document.querySelector('.scroll')?.scrollHeight ?? 0))
      .toBeLessThanOrEqual(await o.page.evaluate(() => document.querySelector('.scroll')?.clientHeight ?? 0));
    const heights = await o.page.getByTestId('session').evaluateAll((els) => els.map((e) => e.clientHeight));
    expect(Math.max(...heights)).toBeLessThan(56);
    // A long name ellipsizes, keeps its full text as a tooltip, and never pushes the time off the row.
    const long = o.page.getByTestId('session').nth(3);
    const project = long.getByTestId('project');
    expect(await project.getAttribute('title')).toBe('a-very-long-project-name-that-cannot-possibly-fit-in-the-row');
    expect(await project.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    const inside = await long.evaluate((li) => {
      const r = li.getBoundingClientRect();
      const t = (li.querySelector('.elapsed') as HTMLElement).getBoundingClientRect();
      return t.right <= r.right && t.width > 10;
    });
    expect(inside).toBe(true);
    // 11 % of context left is not green.
    expect(await long.locator('.context').getAttribute('class')).toContain('tone-warning');
    await o.page.screenshot({ path: join(ARTIFACTS, 'popover-light-six.png') });
    await o.context.close();
  });

  it('Escape closes; focus starts on the first actionable control, quietly; rows that open nothing are no tab stops', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: six() }, { now: T0 });
    await expect.poll(() => page.getByTestId('session').count()).toBe(6);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return {
          label: el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? el?.textContent ?? '',
          outline: el === null ? 'none' : getComputedStyle(el).outlineStyle,
        };
      });
    // Connected and live: the first control is Pause presence (a sparkline is a shortcut, a row opens nothing).
    await expect.poll(async () => (await focused()).label).toBe('Pause presence');
    // Opened by a click on the tray: no ring that reads as "selected" until a key is pressed.
    expect((await focused()).outline).toBe('none');
    expect(await page.getByTestId('session').evaluateAll((els) => els.map((e) => e.getAttribute('tabindex')))).toEqual(
      Array(6).fill(null),
    );
    // From the keyboard, every stop shows its ring, and no stop is a session row.
    const seen: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      await page.keyboard.press('Tab');
      const f = await focused();
      expect(f.outline, f.label).not.toBe('none');
      seen.push(f.label);
    }
    expect(seen).toEqual(['Settings', 'Quit']);
    expect(seen.some((l) => l.includes('orbit-api'))).toBe(false);
    // Each row still says everything to a screen reader, in its accessible name.
    expect(await page.getByTestId('session').filter({ hasText: 'orbit-api' }).getAttribute('aria-label')).toMatch(
      /^orbit-api, branch/,
    );
    await page.keyboard.press('Escape');
    expect((await fakeCalls(page)).map((c) => c[0])).toContain('closePopover');
    await context.close();

    // Discord in error: Retry is the first actionable control.
    const err = await openPage(
      h,
      'popover',
      { snapshot: six(), app: { ...APP, discord: { state: 'error', reason: 'x' }, published: false } },
      { now: T0 },
    );
    await expect.poll(() => err.page.evaluate(() => document.activeElement?.textContent)).toBe('Retry');
    await err.context.close();
  });

  it('a row shows the token triplet, in its accessible name too; at 360 px the project name shrinks last', async () => {
    const long = (id: string, status: 'working' | 'waiting' | 'idle') =>
      session({
        id,
        status,
        project: `skyline-${id}-a-long-project-name-for-the-row`,
        branch: `feature/${id}-an-equally-long-branch-name-that-goes-first`,
        model: 'gpt-5.5-codex-mini-preview',
        tokens: { ...session().tokens, delta: 12_345, last: 234_567, total: 12_345_678 },
      });
    const eight = snapshot(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id, i) =>
        long(id, i === 0 ? 'waiting' : i < 4 ? 'working' : 'idle'),
      ),
    );
    const { context, page } = await openPage(h, 'popover', { snapshot: eight }, { now: T0, height: 900 });
    const rows = page.getByTestId('session');
    await expect.poll(() => rows.count()).toBe(8);
    const first = rows.nth(0);
    expect(await first.getByTestId('tokens').textContent()).toBe('Δ 12k | last 235k | total 12M');
    expect(await first.getAttribute('aria-label')).toContain('tokens Δ 12k | last 235k | total 12M');
    // Tabular digits, so the figures line up from row to row.
    expect(await first.getByTestId('tokens').evaluate((el) => getComputedStyle(el).fontVariantNumeric)).toBe(
      'tabular-nums',
    );
    // On every row: the project is at least as wide as any other part (branch, model, marks, figures),
    // the branch gives way first, and nothing leaves the row.
    const parts = await rows.evaluateAll((els) =>
      els.map((li) => {
        const row = li.getBoundingClientRect();
        const project = (li.querySelector('[data-testid="project"]') as HTMLElement).getBoundingClientRect().width;
        const others = [...li.querySelectorAll('.session-line > *')]
          .filter((e) => e.getAttribute('data-testid') !== 'project')
          .map((e) => [e.className, e.getBoundingClientRect().width, e.getBoundingClientRect().right] as const);
        return { project, rowRight: row.right, others };
      }),
    );
    for (const r of parts) {
      for (const [name, width, right] of r.others) {
        expect(r.project, name).toBeGreaterThanOrEqual(width);
        expect(right, name).toBeLessThanOrEqual(r.rowRight);
      }
      expect(r.project).toBeGreaterThan(120);
    }
    const branch = await first.getByTestId('branch').evaluate((el) => el.getBoundingClientRect().width);
    const model = await first.getByTestId('model').evaluate((el) => el.getBoundingClientRect().width);
    expect(branch).toBeLessThan(60);
    expect(model).toBeLessThan(120);
    await page.screenshot({ path: join(ARTIFACTS, 'popover-light-eight-long.png') });
    await context.close();
  });

  describe('cost (issue 24 §1): in each row’s tooltip and accessible name, and a Today line', () => {
    const costed = () => [
      session(),
      session({
        id: 'b',
        project: 'skyline-web',
        model: 'my-proxy-model',
        cost: { usd: 0.42, status: 'partial', unpriced: ['my-proxy-model'] },
      }),
      session({
        id: 'c',
        project: 'ledger-cli',
        model: null,
        cost: { usd: null, status: 'unavailable', unpriced: ['unknown model'] },
      }),
    ];
    for (const [basis, name] of [
      ['apiEquivalent', 'API-equivalent value'],
      ['api', 'cost'],
    ] as const) {
      it(`${basis}: "${name} ≈ $1.01", "≥ $0.420" with the unpriced model, "unavailable" with no number`, async () => {
        const snap = snapshot(costed(), { cost: { basis, pricesAsOf: '2026-09-23' } });
        const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
        const rows = page.getByTestId('session');
        await expect.poll(() => rows.count()).toBe(3);
        const said = async (i: number) => [
          await rows.nth(i).getAttribute('aria-label'),
          await rows.nth(i).getByTestId('tokens').getAttribute('title'),
        ];
        const [exactName, exactTip] = await said(0);
        expect(exactName).toContain(`tokens Δ 1.2k | last 3.4k | total 120k, ${name} ≈ $1.01,`);
        expect(exactTip).toBe(
          `Tokens: this request | last turn | session total\n${name} ≈ $1.01 at API prices as of 2026-09-23`,
        );
        const [partialName, partialTip] = await said(1);
        expect(partialName).toContain(`${name} ≥ $0.420, no price for my-proxy-model,`);
        expect(partialTip).toContain(`${name} ≥ $0.420 (no price for my-proxy-model) at API prices as of 2026-09-23`);
        const [noneName, noneTip] = await said(2);
        expect(noneName).toContain(`${name} unavailable, no price for unknown model`);
        expect(noneTip).toContain(`${name} unavailable (no price for unknown model)`);
        expect(`${noneName} ${noneTip}`).not.toMatch(/\$/);
        // A ChatGPT plan's figure is never called a cost or a bill.
        if (basis === 'apiEquivalent')
          for (const i of [0, 1, 2]) expect((await said(i)).join(' ')).not.toMatch(/\b(cost|bill)\b/i);
        // The Today line, from AppState.today, worded alike; the prices' date in its tooltip and for screen readers.
        const today = page.getByTestId('today');
        expect(await today.getByTestId('today-shown').innerText()).toBe(`Today: 100k tokens · ${name} ≈ $1.01`);
        expect(await today.textContent()).toBe(`Today: 100k tokens · ${name} ≈ $1.01, at API prices as of 2026-09-23`);
        expect(await today.getAttribute('title')).toBe(
          `Today: 100,000 tokens, 20,000 cached input; ${name} ≈ $1.01, at API prices as of 2026-09-23`,
        );
        expect(await today.evaluate((el) => el.closest('footer') !== null)).toBe(true);
        await context.close();
      });
    }

    it('Today partial, unavailable, none yet, and no line before history opens', async () => {
      const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
      const today = page.getByTestId('today');
      const shown = today.getByTestId('today-shown');
      await expect.poll(() => shown.innerText()).toBe('Today: 100k tokens · cost ≈ $1.01');
      const day = APP.today ?? {
        day: '2026-11-21',
        tokens: 0,
        cachedInput: 0,
        cost: { usd: 0, status: 'exact', unpriced: [] },
      };
      await pushAppState(page, {
        ...APP,
        today: { ...day, cost: { usd: 0.5, status: 'partial', unpriced: ['x-model'] } },
      });
      await expect.poll(() => shown.innerText()).toBe('Today: 100k tokens · cost ≥ $0.500');
      expect(await today.getAttribute('title')).toContain('no price for x-model, at API prices as of 2026-09-23');
      await pushAppState(page, {
        ...APP,
        today: { ...day, cost: { usd: null, status: 'unavailable', unpriced: ['x-model'] } },
      });
      await expect.poll(() => shown.innerText()).toBe('Today: 100k tokens · cost unavailable');
      await pushAppState(page, {
        ...APP,
        today: { ...day, tokens: 0, cachedInput: 0, cost: { usd: 0, status: 'exact', unpriced: [] } },
      });
      await expect.poll(() => shown.innerText()).toBe('Today: no tokens yet');
      await pushAppState(page, { ...APP, today: null });
      await expect.poll(() => today.count()).toBe(0);
      await context.close();
    });

    it('the Today line fits 360 px and 150 % zoom, never pushes the limits down; axe finds nothing serious', async () => {
      // 150 %: the display scaled and the text at 150 % (the popover window keeps its 360 px).
      for (const zoom of [1, 1.5]) {
        const snap = snapshot(six().sessions, { cost: { basis: 'apiEquivalent', pricesAsOf: '2026-09-23' } });
        const o = await openPage(h, 'popover', { snapshot: snap }, { now: T0, zoom, height: 900 });
        await expect.poll(() => o.page.getByTestId('session').count()).toBe(6);
        await expect.poll(() => o.page.getByTestId('today').count()).toBe(1);
        if (zoom !== 1) await o.page.evaluate(() => (document.documentElement.style.fontSize = '150%'));
        expect(await outsideViewport(o.page), `${zoom * 100} %`).toEqual([]);
        // The limits are still the first thing in the scroll region.
        expect(
          await o.page.evaluate(() =>
            document.querySelector('.scroll-content > :not(.sr-only)')?.getAttribute('aria-label'),
          ),
        ).toBe('Limits');
        if (zoom === 1) {
          // One quiet line in the footer's small type.
          const [lineHeight, height] = await o.page
            .getByTestId('today')
            .evaluate((el) => [parseFloat(getComputedStyle(el).lineHeight), el.getBoundingClientRect().height]);
          expect(height).toBeLessThan((lineHeight ?? 0) * 1.5);
          expect(await axeSerious(o.page)).toEqual([]);
        }
        await o.page.screenshot({ path: join(ARTIFACTS, `popover-light-cost-${zoom * 100}.png`) });
        await o.context.close();
      }
    });
  });

  it('one session waiting for approval: "1 needs you" first in the header', async () => {
    const snap = snapshot([
      session(),
      session({ id: 'b', project: 'skyline-web', status: 'waiting', activity: 'waiting' }),
      session({ id: 'c', project: 'ledger-cli', status: 'idle' }),
    ]);
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    await expect.poll(() => page.getByTestId('codex-state').textContent()).toBe('1 needs you · 3 live, 1 working');
    await context.close();
  });

  it('idle is not an error: a quiet footer line, no callout, limits first; focus stays on a control', async () => {
    const { context, page } = await openPage(
      h,
      'popover',
      { snapshot: snapshot(), app: { ...APP, published: false, shownSessionId: null } },
      { now: T0 },
    );
    const note = page.getByTestId('discord-idle');
    await expect.poll(() => note.textContent()).toBe('Connected to Discord; nothing to show now (idle).');
    expect(await note.evaluate((el) => el.closest('footer') !== null)).toBe(true);
    expect(await page.getByTestId('discord-row').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run doctor' }).count()).toBe(0);
    // The limits are the first thing in the scroll region.
    expect(
      await page.evaluate(() => document.querySelector('.scroll-content > :not(.sr-only)')?.getAttribute('aria-label')),
    ).toBe('Limits');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
    await page.screenshot({ path: join(ARTIFACTS, 'popover-light-idle.png') });
    await context.close();
  });

  it('Codex not found comes first, with its own actions: choose the folder, or how to install Codex', async () => {
    const noHome = snapshot([], { codexHome: { path: '/home/dev/.codex', found: false, sessionsDirFound: false } });
    const { context, page } = await openPage(
      h,
      'popover',
      { snapshot: noHome, app: { ...APP, discord: { state: 'error', reason: 'Discord closed' }, published: false } },
      { now: T0 },
    );
    const card = page.getByTestId('empty-no-home');
    await expect.poll(() => card.count()).toBe(1);
    // Before Discord's own problem, in reading order and on screen.
    expect(
      await page.evaluate(() => {
        const home = document.querySelector('[data-testid="empty-no-home"]') as Element;
        const discord = document.querySelector('[data-testid="discord-row"]') as Element;
        return (
          (home.compareDocumentPosition(discord) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 &&
          home.getBoundingClientRect().bottom <= discord.getBoundingClientRect().top
        );
      }),
    ).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Choose Codex folder…');
    await card.getByRole('button', { name: 'Choose Codex folder…' }).click();
    await card.getByRole('button', { name: 'How to install Codex' }).click();
    const calls = await fakeCalls(page);
    expect(calls.map((c) => c[0])).toContain('openSettings');
    // Choosing the folder is General's: the window is asked to open there (main/ipc.ts checks the tab).
    expect(calls.find((c) => c[0] === 'openSettings')?.[1]).toEqual(['general']);
    expect(calls.find((c) => c[0] === 'openExternal')?.[1]).toEqual(['https://github.com/openai/codex#quickstart']);
    await page.screenshot({ path: join(ARTIFACTS, 'popover-light-no-home-first.png') });
    await context.close();
    // Main opens the window at #general: it lands on General, where the Codex folder is chosen.
    const settingsPage = await openPage(h, 'settings.html#general', { snapshot: noHome }, { now: T0 });
    await expect.poll(() => settingsPage.page.getByRole('tab', { selected: true }).textContent()).toBe('General');
    expect(await settingsPage.page.getByLabel('Codex home').isVisible()).toBe(true);
    await settingsPage.context.close();
  });

  it('a Discord status change is announced once, politely', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    const live = page.getByTestId('announce');
    await expect.poll(() => page.getByTestId('session').count()).toBe(1);
    expect(await live.getAttribute('aria-live')).toBe('polite');
    expect(await live.textContent()).toBe('');
    await pushAppState(page, { ...APP, discord: { state: 'error', reason: 'Discord closed' }, published: false });
    await expect.poll(() => live.textContent()).toBe('Not on Discord: Discord closed');
    expect(await page.getByRole('status').count()).toBe(1);
    await context.close();
  });

  it('contrast: text 4.5:1, bars, dots and borders 3:1, in both themes; axe finds nothing serious', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const snap = six();
      snap.limits.primary = window(12, { stale: true });
      snap.limits.secondary = window(3, { label: 'weekly' });
      snap.limits.others = [
        { limitId: 'codex_other', limitName: 'gpt-5.5-mini', primary: window(60), secondary: null },
      ];
      const o = await openPage(
        h,
        'popover',
        { snapshot: snap, app: { ...APP, discord: { state: 'error', reason: 'x' }, published: false } },
        { now: T0, colorScheme: scheme, height: 900 },
      );
      await expect.poll(() => o.page.getByTestId('session').count()).toBe(6);
      const report = await contrastReport(o.page);
      expect(report.text.length).toBeGreaterThan(15);
      expect(report.nonText.length).toBeGreaterThan(10);
      expect(
        report.text.filter(([, r]) => r < 4.5),
        scheme,
      ).toEqual([]);
      expect(
        report.nonText.filter(([, r]) => r < 3),
        scheme,
      ).toEqual([]);
      expect(await axeSerious(o.page), scheme).toEqual([]);
      await o.context.close();
    }
  });

  it('follows the user’s font size (rem) and survives 150 % zoom without a horizontal scroll', async () => {
    const o = await openPage(h, 'popover', { snapshot: six() }, { now: T0 });
    await expect.poll(() => o.page.getByTestId('session').count()).toBe(6);
    const size = () =>
      o.page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.project') as Element).fontSize));
    const base = await size();
    await o.page.evaluate(() => (document.documentElement.style.fontSize = '20px'));
    expect(await size()).toBeGreaterThan(base);
    await o.page.evaluate(() => (document.documentElement.style.fontSize = '150%'));
    expect(
      await o.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    ).toBe(true);
    await o.context.close();
  });

  it('saves screenshots (light and dark, one session and six)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [name, snap] of [
        ['one', snapshot()],
        ['six', six()],
      ] as const) {
        const o = await openPage(h, 'popover', { snapshot: snap }, { now: T0, colorScheme: scheme, height: 900 });
        await expect.poll(() => o.page.getByTestId('session').count()).toBeGreaterThan(0);
        // Main's order, as main sends it: with six, the session waiting for approval is the first row.
        if (name === 'six')
          expect(await o.page.getByTestId('session').first().getByTestId('project').textContent()).toBe('skyline-web');
        const asked = async () =>
          (await fakeCalls(o.page)).filter((c) => c[0] === 'resizePopover').map((c) => c[1][0] as number);
        await expect.poll(async () => (await asked()).length).toBeGreaterThan(0);
        // As main would: the window takes the height the page asked for.
        await o.page.setViewportSize({ width: 360, height: (await asked()).at(-1) ?? 540 });
        await o.page.screenshot({ path: join(ARTIFACTS, `popover-${scheme}-${name}.png`) });
        await o.context.close();
      }
    }
  });
});
