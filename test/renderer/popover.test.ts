import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session, snapshot, T0, window } from '../support/snapshots.js';
import { fakeCalls, pushSnapshot } from './fakeBridge.js';
import { APP, ARTIFACTS, openPage, settings, startHarness, type Harness } from './setup.js';

// The popover in a real Chromium, with a fake bridge typed against the contract.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('popover', () => {
  it('limit cards: bar width, aria-valuenow, `72% left`, reset both ways', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    const card = page.getByTestId('limit-5h');
    await expect.poll(() => card.getByTestId('left').textContent()).toBe('72% left');
    const bar = card.getByRole('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe('72');
    const widths = await bar.evaluate((el) => [
      el.getBoundingClientRect().width,
      (el.firstElementChild as HTMLElement).getBoundingClientRect().width,
    ]);
    expect((widths[1] ?? 0) / (widths[0] ?? 1)).toBeCloseTo(0.72, 2);
    // T0 is 14:00 UTC; the reset is 2h 13m later.
    expect(await card.getByTestId('reset').textContent()).toBe('resets in 2h 13m · 16:13');
    // The weekly reset is not today: a date.
    expect(await page.getByTestId('limit-weekly').getByTestId('reset').textContent()).toBe(
      'resets in 3d · 24 Nov 14:00',
    );
    await context.close();
  });

  it('the countdown ticks every minute with no new snapshot', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    const reset = page.getByTestId('limit-5h').getByTestId('reset');
    await expect.poll(() => reset.textContent()).toBe('resets in 2h 13m · 16:13');
    // The view re-renders just after each minute boundary; whole minutes left are shown (131 min 59 s → 2h 11m).
    await page.clock.fastForward(61_000);
    await expect.poll(() => reset.textContent()).toBe('resets in 2h 11m · 16:13');
    await page.clock.fastForward(60 * 60_000);
    await expect.poll(() => reset.textContent()).toBe('resets in 1h 11m · 16:13');
    await context.close();
  });

  it('warning and critical colours, pace, stale badge, rollover and unknown', async () => {
    const snap = snapshot();
    snap.limits.primary = window(3.6, {
      stale: true,
      observedAt: new Date(T0 - 23 * 60_000).toISOString(),
      pace: { expectedUsedPercent: 50, reservePercent: 3, runsOutAt: null },
    });
    snap.limits.secondary = window(100, {
      label: 'weekly',
      source: 'account',
      rolledOver: true,
      usedPercent: 0,
      resetsAt: new Date(T0 - 60 * 60_000).toISOString(),
    });
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    const primary = page.getByTestId('limit-5h');
    await expect.poll(() => primary.getAttribute('class')).toContain('tone-critical');
    expect(await primary.getByTestId('left').textContent()).toBe('4% left');
    expect(await primary.getByTestId('stale').textContent()).toBe('as of 23 min ago');
    expect(await primary.getByTestId('source').textContent()).toBe('from your last session');
    expect(await primary.getByTestId('pace').textContent()).toBe('3% in reserve');
    const weekly = page.getByTestId('limit-weekly');
    expect(await weekly.getByTestId('reset').textContent()).toBe('reset at 13:00 · 100% left');
    expect(await weekly.getByTestId('source').textContent()).toBe('from your account');
    await context.close();

    const warn = snapshot();
    warn.limits.primary = window(15, {
      pace: { expectedUsedPercent: 60, reservePercent: -25, runsOutAt: new Date(T0 + 100 * 60_000).toISOString() },
    });
    warn.limits.secondary = null;
    const second = await openPage(h, 'popover', { snapshot: warn }, { now: T0 });
    const card = second.page.getByTestId('limit-5h');
    await expect.poll(() => card.getAttribute('class')).toContain('tone-warning');
    expect(await card.getByTestId('pace').textContent()).toBe('runs out ≈ 15:40');
    const unknown = second.page.getByTestId('limit-weekly');
    expect(await unknown.textContent()).toContain('unknown');
    expect(await unknown.getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
    expect(await unknown.textContent()).not.toContain('100%');
    await second.context.close();
  });

  it('session rows: token triplet, model, status, current marker; project hidden under standard', async () => {
    const snap = snapshot([
      session(),
      session({
        id: 'b',
        project: 'skyline-web',
        status: 'idle',
        tokens: { ...session().tokens, delta: 999, last: 12_345, total: 1_234_567 },
      }),
    ]);
    const { context, page } = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    const rows = page.getByTestId('session');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getByTestId('tokens').textContent()).toBe('Δ 1.2k | last 3.4k | total 120k');
    expect(await rows.nth(1).getByTestId('tokens').textContent()).toBe('Δ 999 | last 12k | total 1.2M');
    expect(await rows.nth(0).getAttribute('aria-current')).toBe('true');
    expect(await rows.nth(0).textContent()).toContain('on Discord');
    expect(await rows.nth(0).textContent()).toContain('hidden');
    expect(await rows.nth(0).textContent()).not.toContain('orbit-api');
    expect(await rows.nth(0).textContent()).toContain('gpt-5.5');
    expect(await rows.nth(0).textContent()).toContain('45m');
    expect(await rows.nth(0).getByRole('progressbar', { name: 'Context left' }).getAttribute('aria-valuenow')).toBe(
      '89',
    );
    expect(await page.getByTestId('codex-state').textContent()).toBe('2 active sessions');
    await context.close();
    const detailed = await openPage(
      h,
      'popover',
      { snapshot: snap, settings: settings((s) => (s.privacy.preset = 'detailed')) },
      { now: T0 },
    );
    await expect.poll(() => detailed.page.getByTestId('session').nth(0).textContent()).toContain('orbit-api');
    expect(await detailed.page.getByTestId('session').nth(0).textContent()).toContain('feature/login');
    await detailed.context.close();
  });

  it('updates live when main pushes a new snapshot', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    await expect.poll(() => page.getByTestId('limit-5h').getByTestId('left').textContent()).toBe('72% left');
    const next = snapshot([session({ tokens: { ...session().tokens, total: 130_000, delta: 10_000 } })]);
    next.limits.primary = window(64);
    await pushSnapshot(page, next);
    await expect.poll(() => page.getByTestId('limit-5h').getByTestId('left').textContent()).toBe('64% left');
    expect(await page.getByTestId('tokens').textContent()).toBe('Δ 10k | last 3.4k | total 130k');
    await context.close();
  });

  it('empty states: no Codex home, no sessions, no limits — each says what to do', async () => {
    const noHome = snapshot([], { codexHome: { path: '/home/dev/.codex', found: false, sessionsDirFound: false } });
    let o = await openPage(h, 'popover', { snapshot: noHome }, { now: T0 });
    await expect.poll(() => o.page.getByTestId('codex-state').textContent()).toBe('Codex not found');
    expect(await o.page.getByTestId('empty-no-home').textContent()).toContain('Run codex once');
    await o.context.close();
    const none = snapshot([]);
    none.limits.primary = null;
    none.limits.secondary = null;
    o = await openPage(h, 'popover', { snapshot: none }, { now: T0 });
    await expect.poll(() => o.page.getByTestId('codex-state').textContent()).toBe('idle');
    expect(await o.page.getByTestId('empty-no-sessions').textContent()).toContain('Start codex in a terminal');
    expect(await o.page.getByTestId('empty-no-limits').textContent()).toContain('No limits seen yet');
    await o.context.close();
  });

  it('the Discord chip shows the state, the reason on error, and disabled links to Settings', async () => {
    let o = await openPage(
      h,
      'popover',
      { snapshot: snapshot(), app: { ...APP, discord: { state: 'error', reason: 'Discord is not running' } } },
      { now: T0 },
    );
    await expect
      .poll(() => o.page.getByTestId('discord-chip').textContent())
      .toBe('Discord: error · Discord is not running');
    await o.context.close();
    o = await openPage(
      h,
      'popover',
      { snapshot: snapshot(), app: { ...APP, discord: { state: 'disabled' } } },
      { now: T0 },
    );
    await o.page.getByRole('button', { name: 'Discord: disabled · set up' }).click();
    expect((await fakeCalls(o.page)).map((c) => c[0])).toContain('openSettings');
    await o.context.close();
  });

  it('is usable by keyboard with a visible focus', async () => {
    const { context, page } = await openPage(h, 'popover', { snapshot: snapshot() }, { now: T0 });
    await expect.poll(() => page.getByTestId('session').count()).toBe(1);
    const focused = async () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        const name = el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? el?.textContent ?? '';
        return { text: name.trim(), outline: el ? getComputedStyle(el).outlineStyle : '' };
      });
    const order: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await page.keyboard.press('Tab');
      const f = await focused();
      order.push(f.text);
      expect(f.outline).not.toBe('none');
    }
    expect(order).toEqual(['Pause presence', 'Settings', 'Quit']);
    await page.keyboard.press('Shift+Tab'); // back to Settings
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab'); // back to Pause presence
    await page.keyboard.press('Space');
    const calls = (await fakeCalls(page)).map((c) => c[0]);
    expect(calls).toContain('openSettings');
    expect(calls).toContain('setPaused');
    await context.close();
  });

  it('text contrast meets WCAG AA (4.5:1) in both themes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const warn = snapshot([session(), session({ id: 'b', status: 'waiting' })]);
      warn.limits.primary = window(12, { stale: true });
      warn.limits.secondary = window(3, { label: 'weekly' });
      const o = await openPage(
        h,
        'popover',
        { snapshot: warn, app: { ...APP, discord: { state: 'error', reason: 'x' } } },
        { now: T0, colorScheme: scheme },
      );
      await expect.poll(() => o.page.getByTestId('session').count()).toBe(2);
      const ratios = await o.page.evaluate(() => {
        const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: string): number => {
          const [r = 0, g = 0, b = 0] = rgb(c).map((v) => {
            const x = v / 255;
            return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const background = (el: Element | null): string => {
          for (let e = el; e !== null; e = e.parentElement) {
            const bg = getComputedStyle(e).backgroundColor;
            if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
          }
          return getComputedStyle(document.body).backgroundColor;
        };
        const out: Array<[string, number]> = [];
        for (const sel of [
          'h1',
          '.codex-state',
          '.limit-value',
          '.sub span',
          '.badge.stale',
          '.chip',
          '.project',
          '.branch',
          '.session-meta',
          '.tokens',
          '.context-text',
          '.section-title',
          '.switch span',
          'button',
        ]) {
          for (const el of document.querySelectorAll(sel)) {
            const fg = lum(getComputedStyle(el).color);
            const bg = lum(background(el));
            const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
            out.push([`${sel} “${(el.textContent ?? '').slice(0, 20)}”`, Math.round(ratio * 100) / 100]);
          }
        }
        return out;
      });
      expect(ratios.length).toBeGreaterThan(15);
      const failing = ratios.filter(([, r]) => r < 4.5);
      expect(failing, scheme).toEqual([]);
      await o.context.close();
    }
  });

  it('saves screenshots (light and dark, one session and three)', async () => {
    const three = snapshot([
      session(),
      session({ id: 'b', project: 'skyline-web', status: 'waiting', activity: 'waiting', model: 'gpt-5.5-mini' }),
      session({ id: 'c', project: 'ledger-cli', status: 'idle', branch: 'main' }),
    ]);
    three.limits.others = [{ limitId: 'codex_other', limitName: 'gpt-5.5-mini', primary: window(95), secondary: null }];
    three.limits.credits = { hasCredits: true, unlimited: false, balance: '17.50' };
    for (const scheme of ['light', 'dark'] as const) {
      for (const [name, snap] of [
        ['one', snapshot()],
        ['three', three],
      ] as const) {
        const o = await openPage(
          h,
          'popover',
          { snapshot: snap, settings: settings((s) => (s.privacy.preset = 'detailed')) },
          { now: T0, colorScheme: scheme },
        );
        await expect.poll(() => o.page.getByTestId('session').count()).toBeGreaterThan(0);
        const path = join(ARTIFACTS, `popover-${scheme}-${name}.png`);
        await o.page.screenshot({ path });
        // One or two sessions fit without scrolling.
        if (name === 'one')
          expect(await o.page.evaluate(() => document.scrollingElement?.scrollHeight ?? 0)).toBeLessThanOrEqual(560);
        await o.context.close();
      }
    }
  });
});
