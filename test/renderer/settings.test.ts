import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, Settings } from '../../src/contract/index.js';
import { knownHistory, SESSIONS_BY_DAY } from '../support/history.js';
import { session, snapshot, T0 } from '../support/snapshots.js';
import { fakeCalls, pushSnapshot } from './fakeBridge.js';
import { axeSerious, contrastReport } from './measure.js';
import { APP, ARTIFACTS, openPage, settings, SHIPPED_IMAGES, startHarness, type Harness } from './setup.js';
import { DEFAULT_IMAGES } from '../../src/settings/images.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const saves = async (page: import('playwright-core').Page) =>
  (await fakeCalls(page)).filter((c) => c[0] === 'saveSettings').map((c) => c[1][0] as Settings);

describe('settings window', () => {
  it('four tabs of settings and History; a bad client id is marked as you type, clears when valid, and saves', async () => {
    const { context, page } = await openPage(
      h,
      'settings',
      { snapshot: snapshot(), settings: settings((s) => (s.discordClientId = '')) },
      { now: T0 },
    );
    expect(await page.getByRole('tab').allTextContents()).toEqual([
      'Discord',
      'Privacy & card',
      'Limits',
      'General',
      'History',
    ]);
    // No Application ID yet (a build with none of its own): the setup guide is open, three steps with the
    // portal link, and no art to upload (the images default to https links this project ships).
    const guide = page.getByTestId('guide');
    expect(await guide.getAttribute('open')).not.toBeNull();
    expect(await guide.locator('li').count()).toBe(3);
    expect(await guide.textContent()).toContain('Nothing to upload');
    expect(await guide.textContent()).not.toMatch(/codex-logo|openai|upload two images/);
    await guide.getByRole('link', { name: 'Discord Developer Portal' }).click();
    expect((await fakeCalls(page)).find((c) => c[0] === 'openExternal')?.[1]).toEqual([
      'https://discord.com/developers/applications',
    ]);
    const id = page.getByLabel('Application ID');
    await id.fill('12345');
    await expect.poll(() => page.getByTestId('error-discordClientId').textContent()).toContain('17 to 20 digits');
    expect(await id.getAttribute('aria-invalid')).toBe('true');
    await id.fill('123456789012345678');
    await expect.poll(() => page.getByTestId('error-discordClientId').count()).toBe(0);
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('saved').isVisible()).toBe(true);
    expect((await saves(page)).at(-1)?.discordClientId).toBe('123456789012345678');
    // Focus stays on a control, never on <body>.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');
    await context.close();
  });

  it('Discord names the application used, as doctor and status do; with the built-in one there is nothing to set up', async () => {
    const open = (application: AppState['application'], id: string) =>
      openPage(
        h,
        'settings',
        { snapshot: snapshot(), app: { ...APP, application }, settings: settings((s) => (s.discordClientId = id)) },
        { now: T0 },
      );
    const builtIn = await open({ source: 'built-in', id: '109876543210987654' }, '');
    await expect
      .poll(() => builtIn.page.getByTestId('application').textContent())
      .toBe('Application used: built-in (Codex)');
    expect(await builtIn.page.getByTestId('built-in-note').textContent()).toContain('Nothing to set up');
    const guide = builtIn.page.getByTestId('guide');
    expect(await guide.getAttribute('open')).toBeNull();
    expect(await guide.locator('summary').textContent()).toBe('Use your own Discord application instead');
    expect(await guide.locator('li').count()).toBe(3);
    await builtIn.page.screenshot({ path: join(ARTIFACTS, 'settings-discord-built-in.png'), fullPage: true });
    expect(await axeSerious(builtIn.page)).toEqual([]);
    await builtIn.context.close();

    const yours = await open({ source: 'yours', id: '123456789012345678' }, '123456789012345678');
    await expect
      .poll(() => yours.page.getByTestId('application').textContent())
      .toBe('Application used: yours (1234…)');
    expect(await yours.page.getByTestId('built-in-note').count()).toBe(0);
    expect(await yours.page.getByTestId('guide').getAttribute('open')).toBeNull();
    await yours.context.close();

    const none = await open({ source: 'none', id: null }, '');
    await expect.poll(() => none.page.getByTestId('application').textContent()).toBe('Application used: none');
    expect(await none.page.getByTestId('guide').getAttribute('open')).not.toBeNull();
    await none.context.close();
  });

  it('Privacy: a label that wraps never cuts its select; every select shows its whole longest option', async () => {
    for (const size of [
      { width: 720, height: 760 },
      { width: 560, height: 760 },
      { width: 480, height: 600, zoom: 1.5 },
    ]) {
      const { context, page } = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0, ...size });
      await page.getByRole('tab', { name: 'Privacy & card' }).click();
      const selects = page.locator('.toggles select');
      await expect.poll(() => selects.count()).toBe(6);
      const cut = await selects.evaluateAll((els) =>
        els.flatMap((el) => {
          // The width the select needs for its longest option: a copy beside it (same styles), unconstrained.
          const free = el.cloneNode(true) as HTMLSelectElement;
          free.style.cssText = 'position:absolute;visibility:hidden;width:max-content;max-width:none';
          el.after(free);
          const needs = free.getBoundingClientRect().width;
          free.remove();
          const has = el.getBoundingClientRect().width;
          return has + 0.5 < needs ? [`${el.getAttribute('aria-label')}: ${has} < ${needs}`] : [];
        }),
      );
      expect(cut, JSON.stringify(size)).toEqual([]);
      // The long label wraps beside its select, which stays on the same row.
      const [label, select] = await page.evaluate(() => {
        const sel = document.querySelector('select[aria-label^="Activity"]') as Element;
        const span = sel.previousElementSibling as Element;
        return [span.getBoundingClientRect(), sel.getBoundingClientRect()].map((r) => ({
          top: r.top,
          bottom: r.bottom,
          right: r.right,
          left: r.left,
        }));
      });
      expect((label?.right ?? 0) <= (select?.left ?? 0)).toBe(true);
      expect((select?.top ?? 0) < (label?.bottom ?? 0)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, `settings-privacy-toggles-${size.width}.png`) });
      await context.close();
    }
  });

  it('list and number fields keep what you type; parsed on blur and on Save', async () => {
    const { context, page } = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0 });
    await page.getByRole('tab', { name: 'Limits' }).click();
    const thresholds = page.getByLabel('Notify when a limit falls below (%)');
    await thresholds.fill('');
    await thresholds.pressSequentially('25, 10, 5, 50');
    expect(await thresholds.inputValue()).toBe('25, 10, 5, 50');
    await thresholds.fill('abc');
    expect(await thresholds.inputValue()).toBe('abc');
    await expect.poll(() => page.getByTestId('error-thresholds').textContent()).toContain('not a whole percentage');
    await thresholds.fill('25,10,5,50');
    await thresholds.blur();
    await expect.poll(() => thresholds.inputValue()).toBe('25, 10, 5, 50');
    expect(await page.getByTestId('error-thresholds').count()).toBe(0);

    await page.getByRole('tab', { name: 'Discord' }).click();
    const idle = page.getByLabel('Idle after (minutes)');
    await idle.fill('');
    expect(await idle.inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('error-idleAfter').count()).toBe(1);
    await idle.pressSequentially('15');
    expect(await idle.inputValue()).toBe('15');
    await expect.poll(() => page.getByTestId('error-idleAfter').count()).toBe(0);
    await page.getByTestId('save').click();
    await expect.poll(async () => (await saves(page)).length).toBe(1);
    const saved = (await saves(page))[0];
    expect(saved?.notifications.thresholds).toEqual([25, 10, 5, 50]);
    expect(saved?.idle.afterMinutes).toBe(15);
    await context.close();
  });

  it('Save with an invalid field on another tab opens that tab and focuses the field; nothing is sent', async () => {
    const { context, page } = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0 });
    await page.getByRole('tab', { name: 'General' }).click();
    await page.getByLabel('A session ends after (minutes without writes)').fill('0');
    await page.getByRole('tab', { name: 'Limits' }).click();
    await page.getByLabel('Notify when a limit falls below (%)').fill('5, x');
    await page.getByRole('tab', { name: 'Discord' }).click();
    await page.getByTestId('save').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('thresholds');
    expect(await page.getByRole('tab', { name: /Limits/ }).getAttribute('aria-selected')).toBe('true');
    expect(await saves(page)).toHaveLength(0);
    await context.close();
  });

  it('card preview next to the templates: placeholder chips insert at the cursor; a hidden placeholder warns', async () => {
    const { context, page } = await openPage(
      h,
      'settings',
      {
        snapshot: snapshot(),
        settings: settings((s) => {
          s.display.largeImageKey = 'https://example.com/logo.png';
          // An asset key the user uploaded (the default is an https link now): drawn as a placeholder.
          s.display.smallImageKey = 'openai';
        }),
      },
      // The link answered with a real image, so it loads whatever this machine's network does.
      {
        now: T0,
        width: 720,
        height: 760,
        images: { 'https://example.com/logo.png': SHIPPED_IMAGES[DEFAULT_IMAGES.large] ?? '' },
      },
    );
    await page.getByRole('tab', { name: 'Privacy & card' }).click();
    const details = page.getByTestId('preview-details');
    await expect.poll(() => details.textContent()).toBe('Running a command');
    await expect
      .poll(() =>
        page.getByTestId('preview-large').evaluate((el) => el instanceof HTMLImageElement && el.naturalWidth > 0),
      )
      .toBe(true);
    expect(await page.getByTestId('preview-large').evaluate((el) => el.tagName)).toBe('IMG');
    expect(await page.getByTestId('preview-small').getAttribute('role')).toBe('img');
    // "as preset" says what it resolves to.
    expect(await page.getByLabel('Project name').locator('option').first().textContent()).toBe('as preset: hidden');
    expect(await page.getByLabel('Model').locator('option').first().textContent()).toBe('as preset: shown');
    // {project} under Standard: a warning, not a silent "Editing code in on".
    expect(await page.getByTestId('error-detailsTemplate').count()).toBe(0);
    const input = page.getByLabel('Details line');
    await input.fill('Editing code in {project} on {branch}');
    await expect
      .poll(() => page.locator('#detailsTemplate-hint').textContent())
      .toBe('{project}, {branch} are hidden by your privacy settings: left out on Discord.');
    await input.fill('Using  today');
    await input.evaluate((el: HTMLInputElement) => el.setSelectionRange(6, 6));
    await page.getByRole('button', { name: '{model}' }).click();
    await expect.poll(() => input.inputValue()).toBe('Using {model} today');
    await expect.poll(() => details.textContent()).toBe('Using gpt-5.5 today');
    // Inline validation as you type.
    await input.fill('{projcet}');
    await expect.poll(() => page.getByTestId('error-detailsTemplate').textContent()).toContain('Unknown placeholder');
    await input.fill('{activity}');
    await expect.poll(() => page.getByTestId('error-detailsTemplate').count()).toBe(0);
    // A state template replaces the compact line: its option goes away.
    expect(await page.getByLabel('Compact state line').count()).toBe(1);
    await page.getByLabel('State line', { exact: true }).fill('{limits.primary.remaining} left');
    await expect.poll(() => page.getByLabel('Compact state line').count()).toBe(0);
    await page.getByText('Detailed', { exact: true }).click();
    await input.fill('{activity} · {project}');
    await expect.poll(() => details.textContent()).toBe('Running a command · orbit-api');
    await context.close();
  });

  it('Privacy: the Cost switch (off by default) and {cost}: the preview shows the cost only when allowed and exact, as the publisher does', async () => {
    const { context, page } = await openPage(
      h,
      'settings',
      { snapshot: snapshot() },
      { now: T0, width: 720, height: 760 },
    );
    await page.getByRole('tab', { name: 'Privacy & card' }).click();
    const details = page.getByTestId('preview-details');
    await expect.poll(() => details.textContent()).toBe('Running a command');
    const cost = page.getByRole('checkbox', { name: 'Cost (only with {cost} in a template; exact figures only)' });
    expect(await cost.isChecked()).toBe(false);
    // The chip inserts {cost}; while the switch is off it renders empty, and the field says so.
    const input = page.getByLabel('Details line');
    await input.fill('{activity} · ');
    await input.evaluate((el: HTMLInputElement) => el.setSelectionRange(13, 13));
    await page.getByRole('button', { name: '{cost}' }).click();
    await expect.poll(() => input.inputValue()).toBe('{activity} · {cost}');
    await expect
      .poll(() => page.locator('#detailsTemplate-hint').textContent())
      .toBe('{cost} is hidden by your privacy settings: left out on Discord.');
    await expect.poll(() => details.textContent()).toBe('Running a command');
    // On: the exact figure, as usdText words it for Discord.
    await cost.check();
    await expect.poll(() => details.textContent()).toBe('Running a command · $1.01');
    expect(await page.locator('#detailsTemplate-hint').textContent()).not.toContain('{cost}');
    // A partial or unavailable figure never goes out: {cost} and its separator go.
    await pushSnapshot(page, snapshot([session({ cost: { usd: 0.5, status: 'partial', unpriced: ['x-model'] } })]));
    await expect.poll(() => details.textContent()).toBe('Running a command');
    await pushSnapshot(
      page,
      snapshot([session({ cost: { usd: null, status: 'unavailable', unpriced: ['x-model'] } })]),
    );
    await expect.poll(() => details.textContent()).toBe('Running a command');
    await pushSnapshot(page, snapshot());
    await expect.poll(() => details.textContent()).toBe('Running a command · $1.01');
    await page.screenshot({ path: join(ARTIFACTS, 'settings-privacy-cost.png') });
    // Saved as the Rust tool's show_cost: true; off again is an explicit false.
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await saves(page)).at(-1)?.privacy.showCost).toBe(true);
    await cost.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await saves(page)).at(-1)?.privacy.showCost).toBe(false);
    expect((await saves(page)).at(-1)?.display.detailsTemplate).toBe('{activity} · {cost}');
    await context.close();
  });

  it('a card image that does not load (offline) falls back to the picture tile, saying so, never its alt text over the card', async () => {
    const { context, page } = await openPage(
      h,
      'settings',
      { snapshot: snapshot() },
      { now: T0, width: 720, height: 760, images: { [DEFAULT_IMAGES.large]: 'fail', [DEFAULT_IMAGES.small]: 'fail' } },
    );
    await page.getByRole('tab', { name: 'Privacy & card' }).click();
    const large = page.getByTestId('preview-large');
    const small = page.getByTestId('preview-small');
    // The state this means: both links failed and were replaced.
    await expect.poll(() => large.getAttribute('data-fallback')).toBe('failed');
    await expect.poll(() => small.getAttribute('data-fallback')).toBe('failed');
    expect(await large.getAttribute('role')).toBe('img');
    expect(await large.getAttribute('aria-label')).toBe(
      `Image not loaded (${DEFAULT_IMAGES.large}): Codex CLI 0.169.0`,
    );
    expect(await page.locator('.discord-card img').count()).toBe(0);
    // Nothing spills: the large tile fills the images' 64 px box, the small one is the badge at its corner
    // (4 px over, as Discord draws it), and the text column starts after them.
    const [box, l, s, text] = await page.evaluate(() =>
      ['.discord-images', '[data-testid="preview-large"]', '[data-testid="preview-small"]', '.discord-text'].map(
        (q) => {
          const r = (document.querySelector(q) as Element).getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
        },
      ),
    );
    expect([l?.width, l?.height]).toEqual([64, 64]);
    expect([l?.left, l?.top]).toEqual([box?.left, box?.top]);
    expect([s?.width, s?.height]).toEqual([24, 24]);
    expect(s?.right).toBe((box?.right ?? 0) + 4);
    expect(s?.bottom).toBe((box?.bottom ?? 0) + 4);
    expect(text?.left ?? 0).toBeGreaterThanOrEqual(s?.right ?? Infinity);
    await page.screenshot({ path: join(ARTIFACTS, 'settings-privacy-images-failed.png') });
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });

  it('launch at login waits for Save like everything else; the macOS-only option shows only on macOS', async () => {
    const { context, page } = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0 });
    await page.getByRole('tab', { name: 'General' }).click();
    expect(await page.getByText('menu-bar icon').count()).toBe(0);
    await page.getByLabel('Launch at login').check();
    expect((await fakeCalls(page)).some((c) => c[0] === 'setLaunchAtLogin')).toBe(false);
    await expect.poll(() => page.getByTestId('unsaved').isVisible()).toBe(true);
    await page.getByTestId('save').click();
    await expect
      .poll(async () => (await fakeCalls(page)).find((c) => c[0] === 'setLaunchAtLogin')?.[1])
      .toEqual([true]);
    await context.close();
    const mac = await openPage(
      h,
      'settings',
      { snapshot: snapshot(), app: { ...APP, platform: 'darwin' } },
      { now: T0 },
    );
    await mac.page.getByRole('tab', { name: 'General' }).click();
    await expect.poll(() => mac.page.getByText('menu-bar icon').count()).toBe(1);
    await mac.context.close();
  });

  it('each tab fits 720×760 without scrolling; contrast and axe in both themes; screenshots', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const o = await openPage(
        h,
        'settings',
        { snapshot: snapshot() },
        // The default images answered from the files they link to, so the pictures show the real card.
        { now: T0, colorScheme: scheme, width: 720, height: 760, images: SHIPPED_IMAGES },
      );
      for (const tab of ['Discord', 'Privacy & card', 'Limits', 'General']) {
        await o.page.getByRole('tab', { name: tab }).click();
        await expect.poll(() => o.page.getByRole('tabpanel').count()).toBe(1);
        if (tab === 'Privacy & card')
          await expect
            .poll(() =>
              o.page
                .locator('.discord-images img')
                .evaluateAll((els) => els.filter((e) => (e as HTMLImageElement).naturalWidth > 0).length),
            )
            .toBe(2);
        const slug = tab.toLowerCase().replace(/[^a-z]+/g, '-');
        await o.page.screenshot({ path: join(ARTIFACTS, `settings-${scheme}-${slug}.png`) });
        const overflow = await o.page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
        expect(overflow, `${tab} (${scheme})`).toBeLessThanOrEqual(0);
        const report = await contrastReport(o.page);
        expect(
          report.text.filter(([, r]) => r < 4.5),
          `${tab} ${scheme}`,
        ).toEqual([]);
        expect(
          report.nonText.filter(([, r]) => r < 3),
          `${tab} ${scheme}`,
        ).toEqual([]);
      }
      expect(await axeSerious(o.page), scheme).toEqual([]);
      await o.context.close();
    }
  });

  it('holds at 560 px, at 150 % zoom and with an error badge at 720 px: no sideways scroll, nothing outside, Save reachable', async () => {
    const outside = (page: import('playwright-core').Page) =>
      page.evaluate(() => {
        const vw = document.documentElement.clientWidth;
        const bad: string[] = [];
        for (const el of document.querySelectorAll('body *')) {
          if (el.closest('.sr-only, dialog:not([open]), option, .table-toggle:not([open]) > :not(summary)')) continue;
          const r = el.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          if (r.left < -0.5 || r.right > vw + 0.5)
            bad.push(`${el.tagName}.${el.getAttribute('class') ?? ''} ${Math.round(r.left)}..${Math.round(r.right)}`);
        }
        // A select is never wider than its column (it must not reach into the card preview).
        for (const sel of document.querySelectorAll('select')) {
          const col = sel.closest('.panel-grid, .field, .toggle');
          if (col !== null && sel.getBoundingClientRect().right > col.getBoundingClientRect().right + 0.5)
            bad.push(`select#${sel.id} past its column`);
        }
        return { scroll: document.documentElement.scrollWidth - vw, bad };
      });
    const saveOnScreen = (page: import('playwright-core').Page) =>
      page.getByTestId('save').evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight;
      });
    for (const size of [
      { name: '560', width: 560, height: 480, zoom: 1 },
      { name: 'zoom150', width: 480, height: 507, zoom: 1.5 },
      { name: 'error720', width: 720, height: 760, zoom: 1 },
    ]) {
      const o = await openPage(
        h,
        'settings',
        { snapshot: snapshot(), history: knownHistory(), sessionsByDay: SESSIONS_BY_DAY },
        { now: T0, ...size },
      );
      if (size.name === 'error720') {
        await o.page.getByLabel('Application ID').fill('12345');
        await o.page.getByTestId('save').click();
        await expect.poll(() => o.page.getByText('Fix the marked fields').count()).toBe(1);
      }
      for (const tab of ['Discord', 'Privacy & card', 'Limits', 'General', 'History']) {
        await o.page.getByRole('tab', { name: new RegExp(`^${tab.replace('&', '\\&')}`) }).click();
        await expect.poll(() => o.page.getByRole('tabpanel').count()).toBe(1);
        if (tab === 'History') await expect.poll(() => o.page.getByTestId('day-bars').count()).toBe(1);
        const slug = tab.toLowerCase().replace(/[^a-z]+/g, '-');
        await o.page.screenshot({ path: join(ARTIFACTS, `settings-${size.name}-${slug}.png`), fullPage: true });
        const found = await outside(o.page);
        expect(found.scroll, `${tab} at ${size.name}`).toBeLessThanOrEqual(0);
        expect(found.bad, `${tab} at ${size.name}`).toEqual([]);
        if (tab !== 'History') {
          expect(await saveOnScreen(o.page), `${tab} at ${size.name}`).toBe(true);
          await o.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
          expect(await saveOnScreen(o.page), `${tab} at ${size.name}, scrolled`).toBe(true);
          await o.page.evaluate(() => window.scrollTo(0, 0));
        }
      }
      // The privacy preset is not cut: every choice is whole.
      await o.page.getByRole('tab', { name: /^Privacy/ }).click();
      const cut = await o.page
        .locator('.segmented label')
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 0.5).length);
      expect(cut, size.name).toBe(0);
      await o.context.close();
    }
  });

  it('one vocabulary: "Weekly" on the popover, the card preview and the compact-line option, with the live figures', async () => {
    const snap = snapshot();
    const o = await openPage(h, 'settings', { snapshot: snap }, { now: T0 });
    await o.page.getByRole('tab', { name: 'Privacy & card' }).click();
    await expect.poll(() => o.page.getByTestId('preview-state').textContent()).toBe('5h 72% left · Weekly 40% left');
    const options = await o.page.getByLabel('Compact state line').locator('option').allTextContents();
    expect(options).toEqual([
      'Limits: 5h 72% left · Weekly 40% left',
      'Tokens: Δ 1.2k | last 3.4k | total 120k',
      'Both, when they fit',
    ]);
    // A fresh install reads as intended: the default details line is not a warning under Standard.
    expect(await o.page.locator('#detailsTemplate-hint').textContent()).toBe('Default: {activity} · {project}');
    expect(await o.page.getByLabel('Details line').getAttribute('class')).toBeNull();
    await o.page.getByLabel('Details line').fill('{activity} · {project}');
    expect(await o.page.locator('#detailsTemplate-hint').textContent()).toBe('Default: {activity} · {project}');
    // History has nothing to save.
    await o.page.getByRole('tab', { name: 'History' }).click();
    await expect.poll(() => o.page.getByTestId('panel-history').count()).toBe(1);
    expect(await o.page.getByTestId('save').count()).toBe(0);
    expect(await o.page.getByRole('button', { name: 'Revert' }).count()).toBe(0);
    expect(await o.page.locator('h1').textContent()).toBe('Settings');
    await o.context.close();

    const p = await openPage(h, 'popover', { snapshot: snap }, { now: T0 });
    await expect.poll(() => p.page.getByTestId('limit-weekly').locator('h3').textContent()).toBe('Weekly');
    await p.context.close();
  });

  it('General: the version once, and Check now asks main to check', async () => {
    const o = await openPage(
      h,
      'settings',
      {
        snapshot: snapshot(),
        app: {
          ...APP,
          update: { phase: 'none', version: null, percent: null, lastCheck: T0 - 3_600_000, message: null },
        },
      },
      { now: T0 },
    );
    await o.page.getByRole('tab', { name: 'General' }).click();
    await expect.poll(() => o.page.getByTestId('update-status').count()).toBe(1);
    expect((await o.page.getByTestId('panel-general').textContent())?.match(/0\.1\.0/g)).toHaveLength(1);
    await o.page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(async () => (await fakeCalls(o.page)).some((c) => c[0] === 'checkForUpdates')).toBe(true);
    await o.context.close();
  });
});
