import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryView } from '../../src/contract/index.js';
import { fixtureUsage, knownHistory, SESSIONS_BY_DAY } from '../support/history.js';
import { snapshot, T0 } from '../support/snapshots.js';
import { fakeCalls, pushHistory } from './fakeBridge.js';
import { axeSerious, contrastReport, outsideViewport } from './measure.js';
import { ARTIFACTS, openPage, startHarness, type Harness } from './setup.js';

// Issue 15 §2 in a real Chromium: the popover's sparklines and the History tab,
// drawn from a fake bridge holding a known series (test/support/history.ts).
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const historyCalls = async (page: Page): Promise<unknown[]> =>
  (await fakeCalls(page)).filter((c) => c[0] === 'getHistory').map((c) => c[1][0]);

const openHistory = (
  history: HistoryView | undefined,
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; zoom?: number } = {},
) =>
  openPage(
    h,
    'settings.html#history',
    { snapshot: snapshot(), history, sessionsByDay: history === undefined ? undefined : SESSIONS_BY_DAY },
    { now: T0, width: 760, height: 900, ...opts },
  );

const tableCells = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));

describe('popover sparklines', () => {
  it('each main row draws its current window with the even pace, in the row’s colour; activating it opens History', async () => {
    const { context, page } = await openPage(
      h,
      'popover',
      { snapshot: snapshot(), history: knownHistory() },
      { now: T0 },
    );
    const five = page.getByTestId('limit-5h').getByTestId('sparkline');
    await expect.poll(() => five.count()).toBe(1);
    expect(await five.locator('svg').getAttribute('data-values')).toBe('95,85,78,72');
    // Opening the popover does not put focus on a sparkline: it is a shortcut, not the first task.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('spark'))).toBe(false);
    // 72×22 box with 2 px margins: the even pace runs from 100 % at the start (2,2) to 0 % at the reset (70,20).
    expect(await five.locator('.spark-pace').getAttribute('d')).toBe('M2,2L70,20');
    // 11:30 of a window from 11:13 to 16:13 is 17/300 of 68 px in; 95 % left is 2 + 0.05 × 18 px down.
    expect(await five.locator('.spark-line').getAttribute('d')).toMatch(/^M5\.9,2\.9/);
    const weekly = page.getByTestId('limit-weekly').getByTestId('sparkline');
    expect(await weekly.locator('svg').getAttribute('data-values')).toBe('90,75,60,40');
    // The line takes the row's tone: normal green here.
    const stroke = await five.locator('.spark-line').evaluate((el) => getComputedStyle(el).stroke);
    const fill = await page
      .getByTestId('limit-5h')
      .locator('.bar .fill')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(stroke).toBe(fill);

    await page.getByRole('button', { name: '5h history: open the History tab' }).click();
    await page.getByRole('button', { name: 'Weekly history: open the History tab' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    await expect.poll(async () => (await fakeCalls(page)).filter((c) => c[0] === 'openHistory').length).toBe(3);
    expect((await historyCalls(page))[0]).toEqual({ days: 1 });
    await context.close();
  });

  it('a low window’s sparkline is amber, like its bar; no history draws no sparkline and leaves the rows as they were', async () => {
    const low = knownHistory();
    const five = low.windows[0];
    if (five === undefined) throw new Error('fixture');
    five.points = five.points.map((p) => ({ ...p, usedPercent: p.usedPercent + 60 }));
    const snap = snapshot();
    if (snap.limits.primary !== null) {
      snap.limits.primary.remainingPercent = 12;
      snap.limits.primary.usedPercent = 88;
    }
    const withHistory = await openPage(h, 'popover', { snapshot: snap, history: low }, { now: T0 });
    const row = withHistory.page.getByTestId('limit-5h');
    await expect.poll(() => row.getByTestId('sparkline').count()).toBe(1);
    expect(await row.getAttribute('class')).toContain('tone-warning');
    const [stroke, fill] = await row.evaluate((el) => [
      getComputedStyle(el.querySelector('.spark-line') as Element).stroke,
      getComputedStyle(el.querySelector('.bar .fill') as Element).backgroundColor,
    ]);
    expect(stroke).toBe(fill);
    const heights = async (p: Page) =>
      p.evaluate(() =>
        ['limit-5h', 'limit-weekly'].map(
          (id) => document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().height,
        ),
      );
    const withLines = await heights(withHistory.page);
    await withHistory.context.close();

    const without = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    await expect.poll(() => without.page.getByTestId('limit-5h').getByTestId('left').textContent()).toBe('12% left');
    await expect.poll(async () => (await historyCalls(without.page)).length).toBe(1);
    expect(await without.page.getByTestId('sparkline').count()).toBe(0);
    expect(await heights(without.page)).toEqual(withLines);
    await without.context.close();
  });

  it('history arriving later (historyChanged) is pulled again and adds the sparklines', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    await expect.poll(async () => (await historyCalls(page)).length).toBe(1);
    expect(await page.getByTestId('sparkline').count()).toBe(0);
    await pushHistory(page, knownHistory());
    await expect.poll(() => page.getByTestId('sparkline').count()).toBe(2);
    expect(await historyCalls(page)).toEqual([{ days: 1 }, { days: 1 }]);
    await context.close();
  });
});

describe('History tab', () => {
  it('#history opens it; burn-down charts of the current windows: readings, even pace, reset marked', async () => {
    const { context, page } = await openHistory(knownHistory());
    await expect.poll(() => page.getByRole('tab', { name: 'History' }).getAttribute('aria-selected')).toBe('true');
    const charts = page.getByTestId('burndown');
    await expect.poll(() => charts.count()).toBe(2);
    const five = page.locator('[data-testid="burndown"][data-window="codex:primary"]');
    const svg = five.locator('svg');
    expect(await svg.getAttribute('data-values')).toBe('95,85,78,72');
    expect(await svg.getAttribute('data-start')).toBe('2026-11-21T11:13:00.000Z');
    expect(await svg.getAttribute('data-end')).toBe('2026-11-21T16:13:00.000Z');
    // 340×168 box, plot from x 38 to 326 and y 18 (100 %) to 146 (0 %).
    expect(await five.getByTestId('pace-line').getAttribute('d')).toBe('M38,18L326,146');
    expect(await five.getByTestId('reset-mark').textContent()).toBe('Resets 16:13');
    expect(await five.locator('figcaption').textContent()).toBe('5h window72% left');
    const weekly = page.locator('[data-testid="burndown"][data-window="codex:secondary"]');
    expect(await weekly.locator('svg').getAttribute('data-values')).toBe('90,75,60,40');
    expect(await weekly.getByTestId('reset-mark').textContent()).toBe('Resets 24 Nov 14:00');
    await context.close();
  });

  it('keyboard focus on a chart shows each reading’s tooltip; hover does too; the table holds every reading', async () => {
    const { context, page } = await openHistory(knownHistory());
    const five = page.locator('[data-testid="burndown"][data-window="codex:primary"]');
    await expect.poll(() => five.count()).toBe(1);
    const tip = five.getByTestId('tooltip');
    // Tab from the History tab reaches the chart; focus starts on the latest reading.
    await page.getByRole('tab', { name: 'History' }).focus();
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      if (await five.locator('svg').evaluate((el) => el === document.activeElement)) break;
    }
    expect(await five.locator('svg').evaluate((el) => el === document.activeElement)).toBe(true);
    // 13:59 is 166 of the window's 300 minutes in: even pace leaves 44.7 %.
    await expect.poll(() => tip.textContent()).toBe('13:59 · 72% left · even pace 45% left');
    expect(await tip.isVisible()).toBe(true);
    expect(await five.locator('svg').getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tip.textContent()).toBe('13:00 · 78% left · even pace 64% left');
    await page.keyboard.press('Home');
    await expect.poll(() => tip.textContent()).toBe('11:30 · 95% left · even pace 94% left');
    await page.keyboard.press('Tab');
    await expect.poll(() => tip.textContent()).toBe('');

    // Hover the middle of the plot: the nearest reading's tooltip.
    const box = await five.locator('svg').boundingBox();
    if (box === null) throw new Error('no chart box');
    // 12:15 is 62 of 300 minutes in: x = 38 + 62/300 × 288 in a 340-wide viewBox.
    const x = box.x + ((38 + (62 / 300) * 288) / 340) * box.width;
    await page.mouse.move(x, box.y + box.height / 2);
    await expect.poll(() => tip.textContent()).toBe('12:15 · 85% left · even pace 79% left');
    await page.mouse.move(0, 0);
    await expect.poll(() => tip.textContent()).toBe('');

    await five.getByText('Show as table').click();
    // The table is built when the disclosure opens (its toggle event is async).
    await expect
      .poll(() => tableCells(page, 'burn-table'))
      .toEqual([
        ['11:30', '95%', '94%'],
        ['12:15', '85%', '79%'],
        ['13:00', '78%', '64%'],
        ['13:59', '72%', '45%'],
      ]);
    expect(await five.locator('th').allTextContents()).toEqual(['Time', 'Left', 'Even pace']);
    await context.close();
  });

  it('the last windows side by side, oldest first, each with what was left at its reset, and as a table', async () => {
    const { context, page } = await openHistory(knownHistory());
    const groups = page.getByTestId('multiples');
    await expect.poll(() => groups.count()).toBe(2);
    const fiveH = groups.nth(0);
    expect(await fiveH.locator('h3').textContent()).toBe('Last 3 · 5h windows');
    expect(await fiveH.locator('.multiple-left').allTextContents()).toEqual([
      '30% left at reset',
      '12% left at reset',
      '3% left at reset',
    ]);
    expect(await fiveH.getByTestId('multiple').evaluateAll((els) => els.map((e) => e.className))).toEqual([
      'multiple tone-normal',
      'multiple tone-warning',
      'multiple tone-critical',
    ]);
    expect(await fiveH.locator('svg').first().getAttribute('data-values')).toBe('76.7,65,30');
    // Its accessible name says what was left, then the tokens it took and what they are worth (a ChatGPT plan).
    expect(await fiveH.locator('svg').first().getAttribute('aria-label')).toBe(
      '20 Nov 20:13–01:13: 30% left at reset, 1.1M tokens, API-equivalent value ≈ $6.65',
    );
    expect(await groups.nth(1).locator('.multiple-span').allTextContents()).toEqual([
      '3 Nov – 10 Nov',
      '10 Nov – 17 Nov',
    ]);
    await fiveH.getByText('Show as table').click();
    await expect
      .poll(() => tableCells(page, 'multiples-table'))
      .toEqual([
        ['20 Nov 20:13–01:13', '30%', '3', '1,050,000', '$6.65'],
        ['21 Nov 01:13–06:13', '12%', '3', '1,320,000', '$8.36'],
        ['21 Nov 06:13–11:13', '3%', '3', '1,455,000', '$9.22'],
      ]);
    await context.close();
  });

  it('each past window says its tokens and cost under what was left: complete, a lower bound counted from partway in, or not counted; in its name, tooltip and table, on either basis', async () => {
    const history = knownHistory();
    const byReset = (iso: string) => {
      const w = history.windows.find((x) => x.resetsAt === Date.parse(iso));
      if (w === undefined) throw new Error(`no window resetting ${iso}`);
      return w;
    };
    // 21 Nov 01:13–06:13: counting began at 03:13 (a clear), so its figures are lower bounds.
    byReset('2026-11-21T06:13:00Z').usage = {
      tokens: 1_320_000,
      cachedInput: 3_520_000,
      cost: { usd: 8.36, status: 'partial', unpriced: [] },
      complete: false,
      countingStartedAt: Date.parse('2026-11-21T03:13:00Z'),
    };
    // 21 Nov 06:13–11:13: ended before history counted window usage.
    byReset('2026-11-21T11:13:00Z').usage = null;
    const { context, page } = await openHistory(history);
    const fiveH = page.getByTestId('multiples').first();
    await expect.poll(() => fiveH.getByTestId('multiple').count()).toBe(3);
    expect(await fiveH.getByTestId('multiple-usage').allTextContents()).toEqual([
      '1.1M tokens · $6.65',
      '≥ 1.3M tokens · ≥ $8.36',
      'not counted',
    ]);
    const names = () => fiveH.locator('svg').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(await names()).toEqual([
      '20 Nov 20:13–01:13: 30% left at reset, 1.1M tokens, API-equivalent value ≈ $6.65',
      '21 Nov 01:13–06:13: 12% left at reset, ≥ 1.3M tokens, API-equivalent value ≥ $8.36, counted from 21 Nov 03:13',
      '21 Nov 06:13–11:13: 3% left at reset, tokens not counted',
    ]);
    // The tooltip says the same as the name: the cost by its basis, and when counting began.
    expect(
      await fiveH.getByTestId('multiple-usage').evaluateAll((els) => els.map((e) => e.getAttribute('title'))),
    ).toEqual([
      '1.1M tokens, API-equivalent value ≈ $6.65',
      '≥ 1.3M tokens, API-equivalent value ≥ $8.36, counted from 21 Nov 03:13',
      'tokens not counted',
    ]);
    // Quiet: the muted colour, not the tone of what was left.
    const [usageColour, leftColour] = await fiveH
      .getByTestId('multiple')
      .nth(1)
      .evaluate((li) => [
        getComputedStyle(li.querySelector('.multiple-usage') as Element).color,
        getComputedStyle(li.querySelector('.multiple-left') as Element).color,
      ]);
    expect(usageColour).not.toBe(leftColour);
    expect(usageColour).toBe(
      await page
        .locator('.multiple-span')
        .first()
        .evaluate((e) => getComputedStyle(e).color),
    );

    await fiveH.getByText('Show as table').click();
    await expect
      .poll(() => tableCells(page, 'multiples-table'))
      .toEqual([
        ['20 Nov 20:13–01:13', '30%', '3', '1,050,000', '$6.65'],
        ['21 Nov 01:13–06:13', '12%', '3', '≥ 1,320,000', '≥ $8.36'],
        ['21 Nov 06:13–11:13', '3%', '3', '—', '—'],
      ]);
    const heads = () => page.getByTestId('multiples-table').locator('th').allTextContents();
    expect(await heads()).toEqual(['Window', 'Left at reset', 'Readings', 'Tokens', 'API-equivalent value']);

    // An API key's history: the same figures are its cost (a fresh copy of the same readings redraws them).
    await pushHistory(page, { ...history, cost: { ...history.cost, basis: 'api' } });
    await expect.poll(() => heads()).toEqual(['Window', 'Left at reset', 'Readings', 'Tokens', 'Cost']);
    await expect
      .poll(names)
      .toEqual([
        '20 Nov 20:13–01:13: 30% left at reset, 1.1M tokens, cost ≈ $6.65',
        '21 Nov 01:13–06:13: 12% left at reset, ≥ 1.3M tokens, cost ≥ $8.36, counted from 21 Nov 03:13',
        '21 Nov 06:13–11:13: 3% left at reset, tokens not counted',
      ]);
    expect(await fiveH.getByTestId('multiple-usage').first().getAttribute('title')).toBe('1.1M tokens, cost ≈ $6.65');

    // New usage in a window whose readings did not change is drawn too.
    const grown = structuredClone(history);
    const first = grown.windows.find((x) => x.resetsAt === Date.parse('2026-11-21T01:13:00Z'));
    if (first === undefined) throw new Error('fixture');
    first.usage = { ...fixtureUsage(1_200_000, 2_800_000), cost: { usd: 7.4, status: 'exact', unpriced: [] } };
    await pushHistory(page, grown);
    await expect.poll(() => fiveH.getByTestId('multiple-usage').first().textContent()).toBe('1.2M tokens · $7.40');
    await expect
      .poll(() => tableCells(page, 'multiples-table'))
      .toContainEqual(['20 Nov 20:13–01:13', '30%', '3', '1,200,000', '$7.40']);
    await context.close();
  });

  it('each current window says its tokens and cost so far under its title, and in the chart’s name: complete, partial (counted from), none; on either basis', async () => {
    const history = knownHistory();
    const weekly = history.windows.find((w) => w.current && w.kind === 'secondary');
    if (weekly?.usage == null) throw new Error('fixture');
    weekly.usage = {
      ...weekly.usage,
      cost: { ...weekly.usage.cost, status: 'partial' },
      complete: false,
      countingStartedAt: Date.parse('2026-11-19T14:00:00Z'),
    };
    const { context, page } = await openHistory(history);
    const five = page.locator('[data-testid="burndown"][data-window="codex:primary"]');
    const week = page.locator('[data-testid="burndown"][data-window="codex:secondary"]');
    await expect.poll(() => five.count()).toBe(1);
    expect(await five.getByTestId('window-usage').textContent()).toBe('412k tokens · $2.69 so far');
    expect(await five.getByTestId('window-usage').getAttribute('title')).toBe(
      '412k tokens, API-equivalent value ≈ $2.69',
    );
    // 14:00 is 167 of the window's 300 minutes in: even pace leaves 44 %.
    expect(await five.locator('svg').getAttribute('aria-label')).toBe(
      '5h window: 72% left, even pace 44% left; so far 412k tokens, API-equivalent value ≈ $2.69. Use the arrow keys to read each reading.',
    );
    // Counted from partway in: a lower bound, and from when, in sight.
    expect(await week.getByTestId('window-usage').textContent()).toBe(
      '≥ 3.4M tokens · ≥ $21.90 so far, counted from 19 Nov 14:00',
    );
    expect(await week.locator('svg').getAttribute('aria-label')).toContain(
      '; so far ≥ 3.4M tokens, API-equivalent value ≥ $21.90, counted from 19 Nov 14:00.',
    );
    // The title and the figure above the chart are as they were.
    expect(await five.locator('figcaption').textContent()).toBe('5h window72% left');

    // An API key: "cost". A window with no usage counted says nothing of tokens.
    const api = structuredClone(history);
    api.cost.basis = 'api';
    const fiveNow = api.windows.find((w) => w.current && w.kind === 'primary');
    if (fiveNow === undefined) throw new Error('fixture');
    fiveNow.usage = null;
    await pushHistory(page, api);
    await expect.poll(() => five.getByTestId('window-usage').count()).toBe(0);
    expect(await five.locator('svg').getAttribute('aria-label')).toBe(
      '5h window: 72% left, even pace 44% left. Use the arrow keys to read each reading.',
    );
    expect(await week.getByTestId('window-usage').getAttribute('title')).toBe(
      '≥ 3.4M tokens, cost ≥ $21.90, counted from 19 Nov 14:00',
    );
    expect(await week.locator('svg').getAttribute('aria-label')).toContain(
      '; so far ≥ 3.4M tokens, cost ≥ $21.90, counted from 19 Nov 14:00.',
    );
    await context.close();
  });

  it('fits a popover-sized window (360 px) at 150 %: nothing outside it, the multiples’ rows and figures unclipped, the wide tables scroll in their own region; axe finds nothing serious', async () => {
    const history = knownHistory();
    const partial = history.windows.find((w) => !w.current && w.kind === 'primary');
    if (partial?.usage == null) throw new Error('fixture');
    partial.usage = {
      ...partial.usage,
      cost: { ...partial.usage.cost, status: 'partial' },
      complete: false,
      countingStartedAt: Date.parse('2026-11-21T08:00:00Z'),
    };
    const o = await openHistory(history, { width: 360, height: 900, zoom: 1.5 });
    await expect.poll(() => o.page.getByTestId('multiples').count()).toBe(2);
    // 150 %: the display scaled and the text at 150 % (as the popover's test has it).
    await o.page.evaluate(() => (document.documentElement.style.fontSize = '150%'));
    // The charts fit their labels a frame after a resize: let frames run.
    await o.page.clock.resume();
    await expect.poll(() => outsideViewport(o.page)).toEqual([]);
    expect(await o.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // No multiple, and no figure in one, is wider than its place (the span alone may end in an ellipsis).
    const overflowing = await o.page.evaluate(() =>
      [...document.querySelectorAll('.multiples-row, .multiple, .multiple-left, .multiple-usage, .chart-usage')]
        .filter((e) => e.scrollWidth > e.clientWidth + 0.5)
        .map((e) => `${e.className} ${e.scrollWidth} > ${e.clientWidth}`),
    );
    expect(overflowing).toEqual([]);
    const partialLine = o.page.getByTestId('multiple-usage').nth(2);
    expect(await partialLine.textContent()).toBe('≥ 1.5M tokens · ≥ $9.22');
    // It wraps here, but never between a lower bound's sign and its number.
    const bounds = await partialLine.evaluate((el) =>
      [...el.querySelectorAll('.bound')].map((b) => [b.textContent, b.getClientRects().length]),
    );
    expect(bounds).toEqual([
      ['≥ 1.5M', 1],
      ['≥ $9.22', 1],
    ]);
    expect(await partialLine.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(
      await o.page
        .getByTestId('multiple-usage')
        .first()
        .evaluate((el) => parseFloat(getComputedStyle(el).lineHeight)),
    );
    expect(await o.page.getByTestId('window-usage').first().isVisible()).toBe(true);
    await o.page.screenshot({ path: join(ARTIFACTS, 'history-360-zoom150.png'), fullPage: true });

    // Open, a table wider than the window scrolls inside its region (a named tab stop), which stays inside.
    const toggles = await o.page.getByText('Show as table').all();
    for (const t of toggles) await t.click();
    await expect.poll(() => o.page.locator('.table-toggle .data-table').count()).toBe(toggles.length);
    const outside = await o.page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return (
        [...document.body.querySelectorAll('*')]
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return (r.width > 0 || r.height > 0) && (r.left < -0.5 || r.right > width + 0.5);
          })
          // Inside a scrolling region is scrolled, not outside; the region itself must be inside.
          .filter((el) => el.closest('.sr-only') === null && el.parentElement?.closest('.table-scroll') == null)
          .map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`)
      );
    });
    expect(outside).toEqual([]);
    const regions = await o.page
      .locator('.table-scroll')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('tabindex'), e.scrollWidth > e.clientWidth]));
    // The multiples' tables (five columns) are the ones that scroll sideways.
    expect(regions.filter(([, scrolls]) => scrolls).length).toBeGreaterThanOrEqual(2);
    expect(regions.every(([tab]) => tab === '0')).toBe(true);
    expect(await axeSerious(o.page)).toEqual([]);
    await o.context.close();
  });

  it('tokens per day stacked by project; 7, 30 and 90 days re-query; a day’s bar selects the day and its top sessions', async () => {
    const { context, page } = await openHistory(knownHistory());
    const bars = page.getByTestId('day-bars');
    await expect.poll(() => bars.locator('[data-day]').count()).toBe(30);
    expect((await historyCalls(page))[0]).toEqual({ days: 30 });
    const today = bars.locator('[data-day="2026-11-21"]');
    expect(await today.getAttribute('data-total')).toBe('152000');
    // Largest project over the range at the bottom: orbit-api (190k), skyline-web (110k), then no project.
    expect(await today.locator('rect').evaluateAll((r) => r.map((e) => e.getAttribute('data-project')))).toEqual([
      'orbit-api',
      'skyline-web',
      '\u0000none',
    ]);
    expect(await today.locator('rect').evaluateAll((r) => r.map((e) => e.getAttribute('data-tokens')))).toEqual([
      '120000',
      '20000',
      '12000',
    ]);
    // The axis tops out at a round 200k; 120k of it is 0.6 of the plot's 158 px.
    expect(await bars.locator('svg').getAttribute('data-max')).toBe('200000');
    expect(Number(await today.locator('rect').first().getAttribute('height'))).toBeCloseTo(0.6 * 158, 5);
    expect(await bars.locator('.legend li').allTextContents()).toEqual([
      'orbit-api 190k',
      'skyline-web 110k',
      'No project 12k',
    ]);
    // Today is selected, with its top sessions.
    expect(await page.getByTestId('top-sessions').locator('h2').textContent()).toBe('Top sessions on Sat 21 Nov');
    expect(await tableCells(page, 'top-sessions')).toEqual([
      ['orbit-api', 'gpt-5.5', '120k', '20k'],
      ['skyline-web', 'gpt-5.5-mini', '20k', '2k'],
      ['No project', 'gpt-5.5', '12k', '0'],
    ]);

    // Keyboard: focus the chart, step back a day (tooltip), Enter selects it and re-queries.
    await bars.locator('svg').focus();
    const tip = bars.getByTestId('tooltip');
    await expect
      .poll(() => tip.textContent())
      .toBe('Sat 21 Nov: 152k tokens (No project 12k, skyline-web 20k, orbit-api 120k)');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tip.textContent()).toBe('Fri 20 Nov: 120k tokens (skyline-web 90k, orbit-api 30k)');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await historyCalls(page)).at(-1)).toEqual({ days: 30, day: '2026-11-20' });
    await expect
      .poll(() => page.getByTestId('top-sessions').locator('h2').textContent())
      .toBe('Top sessions on Fri 20 Nov');
    expect(await tableCells(page, 'top-sessions')).toEqual([
      ['skyline-web', 'gpt-5.5', '90k', '30k'],
      ['orbit-api', 'gpt-5.5', '30k', '5k'],
    ]);
    expect(await bars.getByTestId('selected-day').count()).toBe(1);

    // A click on 19 Nov's bar selects it.
    const bar19 = await bars.locator('[data-day="2026-11-19"] rect').boundingBox();
    if (bar19 === null) throw new Error('no bar');
    await page.mouse.click(bar19.x + bar19.width / 2, bar19.y + bar19.height / 2);
    await expect.poll(async () => (await historyCalls(page)).at(-1)).toEqual({ days: 30, day: '2026-11-19' });
    await expect.poll(() => tableCells(page, 'top-sessions')).toEqual([]);
    expect(await page.getByTestId('top-sessions').textContent()).toContain('No Codex session used tokens that day.');

    // 7 days keeps 19 Nov (still in range); 90 days too.
    await page.getByRole('radio', { name: '7 days' }).check();
    await expect.poll(() => bars.locator('[data-day]').count()).toBe(7);
    expect((await historyCalls(page)).at(-1)).toEqual({ days: 7, day: '2026-11-19' });
    await page.getByRole('radio', { name: '90 days' }).check();
    await expect.poll(() => bars.locator('[data-day]').count()).toBe(90);
    expect((await historyCalls(page)).at(-1)).toEqual({ days: 90, day: '2026-11-19' });

    await bars.getByText('Show as table').click();
    await expect.poll(async () => (await tableCells(page, 'days-table')).length).toBe(90);
    const rows = await tableCells(page, 'days-table');
    expect(rows.slice(-3)).toEqual([
      ['Thu 19 Nov', '40,000', '10,000', 'orbit-api 40,000'],
      ['Fri 20 Nov', '120,000', '35,000', 'orbit-api 30,000, skyline-web 90,000'],
      ['Sat 21 Nov', '152,000', '22,000', 'orbit-api 120,000, skyline-web 20,000, No project 12,000'],
    ]);
    expect(rows[0]).toEqual(['Mon 24 Aug', '0', '0', '—']);
    await context.close();
  });

  it('the cost view of the per-day chart: bars in dollars, a partial day hatched and said, an unavailable day a gap in words; keyboard toggle; total and prices’ date', async () => {
    const history = knownHistory();
    const at = (day: string) => history.days.find((d) => d.day === day);
    const partialDay = at('2026-11-20');
    const noneDay = at('2026-11-19');
    if (partialDay === undefined || noneDay === undefined) throw new Error('fixture days');
    partialDay.cost = { usd: 0.5, status: 'partial', unpriced: ['my-proxy-model'] };
    noneDay.cost = { usd: null, status: 'unavailable', unpriced: ['unknown model'] };
    history.cost.total = { usd: 1.271, status: 'partial', unpriced: ['my-proxy-model', 'unknown model'] };
    const { context, page } = await openHistory(history);
    await expect.poll(() => page.getByTestId('day-bars').locator('[data-day]').count()).toBe(30);
    expect(await page.locator('#days-title').textContent()).toBe('Tokens per day');

    // Keyboard: Tab reaches the toggle, an arrow key moves it to Cost.
    const tokensRadio = page.getByRole('radio', { name: 'Tokens' });
    await tokensRadio.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('radio', { name: 'Cost' }).isChecked()).toBe(true);
    const bars = page.getByTestId('day-cost-bars');
    await expect.poll(() => bars.count()).toBe(1);
    expect(await page.getByTestId('day-bars').count()).toBe(0);
    // A ChatGPT plan: the figure is a value, never a bill.
    expect(await page.locator('#days-title').textContent()).toBe('API-equivalent value per day');
    expect(await bars.locator('svg').getAttribute('aria-label')).toMatch(
      /^API-equivalent value per day for the last 30 days/,
    );

    // Bars: today exact at its dollars; 20 Nov partial (hatched, at what is priced); 19 Nov no bar, a gap mark.
    const today = bars.locator('[data-day="2026-11-21"]');
    expect(await today.getAttribute('data-usd')).toBe('0.771');
    expect(await today.getAttribute('data-status')).toBe('exact');
    // The axis tops out at $1; 0.771 of the plot's 158 px.
    expect(await bars.locator('svg').getAttribute('data-max')).toBe('1');
    expect(Number(await today.getAttribute('height'))).toBeCloseTo(0.771 * 158, 5);
    const partial = bars.locator('[data-day="2026-11-20"]');
    expect(await partial.getAttribute('data-status')).toBe('partial');
    expect(await partial.getAttribute('data-usd')).toBe('0.5');
    // Hatched, as drawn (the computed fill is the pattern, not the plain series colour).
    expect(await partial.evaluate((el) => getComputedStyle(el).fill)).toMatch(/^url\("?#hatch-/);
    const gap = bars.locator('[data-day="2026-11-19"]');
    expect(await gap.evaluate((el) => el.tagName)).toBe('line');
    expect(await gap.getAttribute('data-status')).toBe('unavailable');
    expect(await bars.locator('rect[data-day="2026-11-19"]').count()).toBe(0);
    // Days without tokens draw nothing.
    expect(await bars.locator('[data-day]').count()).toBe(3);
    expect(await bars.locator('.legend li').allTextContents()).toEqual([
      'partial: some models have no price, the bar is what the others cost (≥)',
      'unavailable: no price for that day’s models, no bar',
    ]);

    // The keyboard reading: each day said, the partial and the unavailable one in words.
    await bars.locator('svg').focus();
    const tip = bars.getByTestId('tooltip');
    await expect.poll(() => tip.textContent()).toBe('Sat 21 Nov: API-equivalent value ≈ $0.771');
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => tip.textContent())
      .toBe('Fri 20 Nov: API-equivalent value ≥ $0.500, partial: no price for my-proxy-model');
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => tip.textContent())
      .toBe('Thu 19 Nov: API-equivalent value unavailable, no price for unknown model');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tip.textContent()).toBe('Wed 18 Nov: no tokens');
    // Enter selects the day, as in the token view.
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await historyCalls(page)).at(-1)).toEqual({ days: 30, day: '2026-11-18' });

    // The total and the prices' date under the chart.
    expect(await page.getByTestId('cost-total').textContent()).toBe(
      'API-equivalent value ≥ $1.27 over the last 30 days (no price for my-proxy-model, unknown model) at API prices as of 2026-09-23. Your plan is not billed per token: this is what the tokens would cost on an API key.',
    );

    // The table says every day.
    await bars.getByText('Show as table').click();
    await expect.poll(async () => (await tableCells(page, 'cost-days-table')).length).toBe(30);
    const rows = await tableCells(page, 'cost-days-table');
    expect(rows.slice(-4)).toEqual([
      ['Wed 18 Nov', '—', 'no tokens', '—'],
      ['Thu 19 Nov', 'unavailable', 'unavailable', 'unknown model'],
      ['Fri 20 Nov', '≥ $0.500', 'partial', 'my-proxy-model'],
      ['Sat 21 Nov', '$0.771', 'exact', '—'],
    ]);
    expect(await page.getByTestId('cost-days-table').locator('th').allTextContents()).toEqual([
      'Day',
      'API-equivalent value',
      'Figure',
      'Not priced',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'history-light-cost.png'), fullPage: true });
    await page
      .locator('#days-title')
      .locator('xpath=../..')
      .screenshot({ path: join(ARTIFACTS, 'history-light-cost-chart.png') });
    expect(await axeSerious(page)).toEqual([]);

    // Back to tokens: the stacked bars again; an API key's history says "cost".
    await page.getByRole('radio', { name: 'Tokens' }).check();
    await expect.poll(() => page.getByTestId('day-bars').count()).toBe(1);
    await pushHistory(page, { ...history, cost: { ...history.cost, basis: 'api' } });
    await page.getByRole('radio', { name: 'Cost' }).check();
    await expect.poll(() => page.locator('#days-title').textContent()).toBe('Cost per day');
    await expect
      .poll(() => page.getByTestId('cost-total').textContent())
      .toBe(
        'Cost ≥ $1.27 over the last 30 days (no price for my-proxy-model, unknown model) at API prices as of 2026-09-23.',
      );
    await context.close();
  });

  it('Clear history asks first: Cancel and Escape keep it; confirming calls clearHistory once and shows the empty state', async () => {
    const { context, page } = await openHistory(knownHistory());
    await expect.poll(() => page.getByTestId('burndown').count()).toBe(2);
    const dialog = page.getByTestId('clear-dialog');
    await page.getByTestId('clear-history').click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await page.getByRole('dialog', { name: 'Clear all history?' }).count()).toBe(1);
    // Focus starts on Cancel, the safe choice.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByTestId('clear-history').click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await fakeCalls(page)).filter((c) => c[0] === 'clearHistory')).toEqual([]);

    await page.getByTestId('clear-history').click();
    await dialog.getByRole('button', { name: 'Clear history' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await fakeCalls(page)).filter((c) => c[0] === 'clearHistory')).toHaveLength(1);
    await expect.poll(() => page.getByTestId('history-empty').isVisible()).toBe(true);
    expect(await page.getByTestId('burndown').count()).toBe(0);
    await context.close();
  });

  it('a window open on another tab fetches history once idle, so #history draws at once; the tab then pulls it again', async () => {
    const { context, page } = await openPage(
      h,
      'settings',
      { snapshot: snapshot(), history: knownHistory(), sessionsByDay: SESSIONS_BY_DAY },
      { now: T0, width: 760, height: 900 },
    );
    await expect.poll(() => page.getByRole('tab', { name: 'Discord' }).getAttribute('aria-selected')).toBe('true');
    await page.clock.runFor(1000);
    await expect.poll(() => historyCalls(page)).toEqual([{ days: 30 }]);
    await page.evaluate(() => (window.location.hash = '#history'));
    await expect.poll(() => page.getByTestId('burndown').count()).toBe(2);
    await expect.poll(() => page.getByTestId('multiples').count()).toBe(2);
    await expect.poll(() => historyCalls(page)).toEqual([{ days: 30 }, { days: 30 }]);
    await context.close();
  });

  it('empty history says so in words; backfill progress and its error show; a hash change opens History', async () => {
    const empty = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0 });
    await expect
      .poll(() => empty.page.getByRole('tab', { name: 'Discord' }).getAttribute('aria-selected'))
      .toBe('true');
    await empty.page.evaluate(() => (window.location.hash = '#history'));
    await expect.poll(() => empty.page.getByTestId('history-empty').isVisible()).toBe(true);
    expect(await empty.page.getByTestId('history-empty').textContent()).toContain('No history yet');
    expect(await empty.page.getByTestId('clear-history').isVisible()).toBe(true);
    // Back on another tab, asking for #history again works.
    await empty.page.getByRole('tab', { name: 'General' }).click();
    await empty.page.evaluate(() => (window.location.hash = '#history'));
    await expect
      .poll(() => empty.page.getByRole('tab', { name: 'History' }).getAttribute('aria-selected'))
      .toBe('true');
    await empty.context.close();

    const running = knownHistory();
    running.backfill = { phase: 'running', filesDone: 1200, filesTotal: 4000, message: null };
    const o = await openHistory(running);
    const progress = o.page.getByTestId('backfill');
    await expect.poll(() => progress.textContent()).toContain('1,200 of 4,000 files');
    expect(await progress.locator('progress').getAttribute('value')).toBe('1200');
    expect(await progress.locator('progress').getAttribute('max')).toBe('4000');
    await pushHistory(o.page, {
      ...running,
      backfill: { phase: 'error', filesDone: 1200, filesTotal: 4000, message: 'cannot read /x: permission denied' },
    });
    await expect.poll(() => o.page.getByRole('alert').textContent()).toContain('cannot read /x: permission denied');
    expect(await o.page.getByTestId('backfill').count()).toBe(0);
    await o.context.close();
  });

  it('chart text follows the type scale at every size: tokens per day and the burn-down alike, ≥ 11 CSS px, never blown up', async () => {
    for (const size of [
      { name: '760', width: 760, height: 900, zoom: 1 },
      { name: '560', width: 560, height: 480, zoom: 1 },
      { name: 'zoom150', width: 480, height: 507, zoom: 1.5 },
    ]) {
      const o = await openPage(
        h,
        'settings.html#history',
        { snapshot: snapshot(), history: knownHistory(), sessionsByDay: SESSIONS_BY_DAY },
        { now: T0, ...size },
      );
      await expect.poll(() => o.page.getByTestId('burndown').count()).toBe(2);
      await expect.poll(() => o.page.getByTestId('day-bars').count()).toBe(1);
      // What a person sees: the computed size times the SVG's scale on screen.
      const sizes = await o.page.evaluate(() =>
        [...document.querySelectorAll('.chart svg text')].map((t) => {
          const svg = t.closest('svg') as SVGSVGElement;
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const chart = t.closest('figure')?.getAttribute('data-testid') ?? '';
          return [chart, Math.round(parseFloat(getComputedStyle(t).fontSize) * scale * 10) / 10] as const;
        }),
      );
      expect(new Set(sizes.map(([c]) => c))).toEqual(new Set(['burndown', 'day-bars']));
      for (const [chart, px] of sizes) {
        expect(px, `${chart} at ${size.name}`).toBeGreaterThanOrEqual(11);
        expect(px, `${chart} at ${size.name}`).toBeLessThanOrEqual(12);
      }
      await o.page.screenshot({ path: join(ARTIFACTS, `history-${size.name}.png`), fullPage: true });
      await o.context.close();
    }
  });

  it('axe finds nothing serious and contrast holds in light and dark; screenshots of History and the popover', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const o = await openHistory(knownHistory(), { colorScheme: scheme });
      await expect.poll(() => o.page.getByTestId('burndown').count()).toBe(2);
      await o.page.locator('[data-testid="burndown"] svg').first().focus();
      await o.page.screenshot({ path: join(ARTIFACTS, `history-${scheme}.png`), fullPage: true });
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
      // The tables too: axe checks them as a screen reader meets them.
      const toggles = await o.page.getByText('Show as table').all();
      for (const t of toggles) await t.click();
      await expect.poll(() => o.page.locator('.table-toggle .data-table').count()).toBe(toggles.length);
      await o.page.getByTestId('clear-history').click();
      await o.page.screenshot({ path: join(ARTIFACTS, `history-${scheme}-dialog.png`) });
      expect(await axeSerious(o.page), scheme).toEqual([]);
      await o.context.close();

      const p = await openPage(
        h,
        'popover',
        { snapshot: snapshot(), history: knownHistory() },
        { now: T0, colorScheme: scheme },
      );
      await expect.poll(() => p.page.getByTestId('sparkline').count()).toBe(2);
      await p.page.screenshot({ path: join(ARTIFACTS, `popover-${scheme}-sparklines.png`) });
      expect(await axeSerious(p.page), `popover ${scheme}`).toEqual([]);
      await p.context.close();
    }
  });
});
