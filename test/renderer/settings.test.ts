import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/contract/index.js';
import { snapshot, T0 } from '../support/snapshots.js';
import { fakeCalls } from './fakeBridge.js';
import { ARTIFACTS, openPage, settings, startHarness, type Harness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('settings window', () => {
  it('a bad client id shows its field error and nothing is saved; a good one saves', async () => {
    const { context, page } = await openPage(
      h,
      'settings',
      { snapshot: snapshot(), settings: settings((s) => (s.discordClientId = '')) },
      { now: T0 },
    );
    const id = page.getByLabel('Application ID');
    await id.fill('12345');
    await expect.poll(() => page.getByTestId('unsaved').isVisible()).toBe(true);
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('error-discordClientId').textContent()).toContain('17 to 20 digits');
    expect(await id.getAttribute('aria-invalid')).toBe('true');
    // Still unsaved: the bad value was not taken.
    expect(await page.getByTestId('unsaved').isVisible()).toBe(true);

    await id.fill('123456789012345678');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('saved').isVisible()).toBe(true);
    expect(await page.getByTestId('error-discordClientId').count()).toBe(0);
    expect(await page.getByTestId('unsaved').count()).toBe(0);
    const saves = (await fakeCalls(page)).filter((c) => c[0] === 'saveSettings');
    expect(saves).toHaveLength(2);
    expect((saves[1]?.[1][0] as Settings).discordClientId).toBe('123456789012345678');
    await context.close();
  });

  it('the Discord card preview follows the templates and privacy as the user types', async () => {
    const { context, page } = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0 });
    const details = page.getByTestId('preview-details');
    await expect.poll(() => details.textContent()).toBe('Running a command');
    expect(await page.getByTestId('preview-state').textContent()).toBe('5h 72% left · 7d 40% left');
    await page.getByLabel('Details line').fill('{model} · {tokens.total} tokens');
    await expect.poll(() => details.textContent()).toBe('gpt-5.5 · 120k tokens');
    await page
      .getByLabel('State line', { exact: true })
      .fill('{limits.primary.remaining} left, resets in {limits.primary.resetsIn}');
    await expect.poll(() => page.getByTestId('preview-state').textContent()).toBe('72% left, resets in 2h 13m');
    await page.getByLabel('Details line').fill('{activity} · {project}');
    await page.getByText('detailed', { exact: true }).click();
    await expect.poll(() => details.textContent()).toBe('Running a command · orbit-api');
    await page.getByText('minimal', { exact: true }).click();
    await expect.poll(() => details.textContent()).toBe('Coding with Codex');
    expect(await page.getByTestId('preview-state').count()).toBe(0);
    await context.close();
  });

  it('an unknown placeholder is reported next to the field by main’s validation', async () => {
    const { context, page } = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0 });
    // The fake bridge only checks the client id; this asserts the UI shows whatever field errors main returns.
    await page.evaluate(() => {
      const api = (window as unknown as { codexPresence: import('../../src/contract/index.js').Api }).codexPresence;
      api.saveSettings = async () => ({
        ok: false,
        errors: { 'display.detailsTemplate': 'Unknown placeholder {projcet}.' },
      });
    });
    await page.getByLabel('Details line').fill('{projcet}');
    await page.getByTestId('save').click();
    await expect
      .poll(() => page.getByTestId('error-detailsTemplate').textContent())
      .toBe('Unknown placeholder {projcet}.');
    await context.close();
  });

  it('shows how many sessions the chosen Codex home holds', async () => {
    const { context, page } = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0 });
    await page.getByLabel('Codex home').fill('/data/codex');
    await page.clock.fastForward(300);
    await expect.poll(() => page.getByText('/data/codex: 42 session files found').count()).toBe(1);
    await context.close();
  });

  it('saves screenshots (light and dark)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const o = await openPage(h, 'settings', { snapshot: snapshot() }, { now: T0, colorScheme: scheme, height: 1400 });
      await expect.poll(() => o.page.getByTestId('preview-details').count()).toBe(1);
      await o.page.screenshot({ path: join(ARTIFACTS, `settings-${scheme}.png`), fullPage: true });
      await o.context.close();
    }
  });
});
