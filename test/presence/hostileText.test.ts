import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/contract/index.js';
import { defaultSettings } from '../../src/settings/settings.js';
import type { DiscordActivity } from '../../src/discord/payload.js';
import { buildActivity } from '../../src/presence/activity.js';
import { fitLabel, fitText } from '../../src/presence/limits.js';
import type { CodexSessionSnapshot } from '../../src/contract/index.js';
import { PROPERTY_SEED } from '../support/property.js';
import { session, snapshot, T0 } from '../support/snapshots.js';

// Issue 21 §1 and §6: whatever a rollout or the config holds, the activity is
// built at once, and carries only well-formed text within Discord's limits.
// Before, a 149,400-character model made the text fitting grow to 3.5 GB, and
// lone surrogates and junk `cli_version` values reached Discord.

const graphemes = (s: string): number => [...new Intl.Segmenter().segment(s)].length;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Every string Discord gets: well-formed, no control character, within its field's limits. */
function expectSendable(activity: DiscordActivity | null): void {
  expect(activity).not.toBeNull();
  const a = activity as DiscordActivity;
  const fields = [a.details, a.state, a.assets?.large_text, a.assets?.small_text].filter(
    (f): f is string => f !== undefined,
  );
  expect(a.details).toBeDefined();
  for (const f of fields) {
    expect(f.isWellFormed()).toBe(true);
    expect(f).not.toMatch(CONTROL);
    expect(f.length).toBeLessThanOrEqual(128);
    expect(graphemes(f)).toBeGreaterThanOrEqual(2);
    expect(graphemes(f)).toBeLessThanOrEqual(128);
  }
  for (const b of a.buttons ?? []) {
    expect(b.label.isWellFormed() && b.url.isWellFormed()).toBe(true);
    expect(b.label).not.toMatch(CONTROL);
    expect(b.label.length).toBeLessThanOrEqual(32);
    expect(graphemes(b.label)).toBeGreaterThanOrEqual(1);
  }
  for (const key of [a.assets?.large_image, a.assets?.small_image]) {
    if (key !== undefined) expect(key.isWellFormed() && !CONTROL.test(key)).toBe(true);
  }
}

function detailed(mutate: (c: Settings) => void = () => undefined): Settings {
  const c = defaultSettings();
  c.discordClientId = '123456789012345678';
  c.privacy.preset = 'detailed';
  mutate(c);
  return c;
}

const build = (s: Partial<CodexSessionSnapshot>, config = detailed()) =>
  buildActivity({ snapshot: snapshot([session(s)]), config, now: T0, lastBusyAt: T0 });

describe('huge values (the timeout is the bound: before, 149,400 characters ran out of memory)', () => {
  const huge = 'm'.repeat(149_400);

  it('a 149,400-character model, project and branch', { timeout: 10_000 }, () => {
    const a = build({ model: huge, project: `p${huge}`, branch: `b${huge}` });
    expectSendable(a);
    const shown = 'Running a command · p';
    expect(a?.details).toBe(`${shown}${'m'.repeat(127 - shown.length)}…`);
    expect(a?.assets?.small_text).toBe(`${'m'.repeat(127)}…`);
  });

  it('a longest valid template repeating the model', { timeout: 10_000 }, () => {
    const config = detailed((c) => (c.display.stateTemplate = '{model}'.repeat(36)));
    const a = build({ model: huge }, config);
    expectSendable(a);
    expect(a?.state).toBe(`${'m'.repeat(127)}…`);
  });

  it('huge templates and texts in a config that skipped validation', { timeout: 10_000 }, () => {
    const config = detailed((c) => {
      // Over the template limit: not used, as when the file is loaded; the built-in lines are.
      c.display.detailsTemplate = '{model} '.repeat(20_000);
      c.display.stateTemplate = `{project}${' '.repeat(100_000)}x{branch}`;
      c.display.largeText = 'L'.repeat(149_400);
      c.buttons = [{ label: 'B'.repeat(149_400), url: 'https://example.com/' }];
    });
    const a = build({ model: huge, project: 'orbit', branch: '' }, config);
    expectSendable(a);
    expect(a?.details).toBe('Running a command · orbit');
    expect(a?.state).toBe('5h 72% left · Weekly 40% left');
    expect(a?.assets?.large_text).toBe(`${'L'.repeat(127)}…`);
    expect(a?.buttons?.[0]?.label).toBe(`${'B'.repeat(31)}…`);
  });

  it.each([
    ['a million spaces around a word', `${' '.repeat(1e6)}word${'\n'.repeat(1e6)}`, 'word'],
    ['a million control characters', `${'\u0001'.repeat(1e6)}ok`, 'ok'],
    ['one letter with a million accents', `e${'\u0301'.repeat(1e6)}`, '…\u200b'],
    ['200,000 emoji', '👩‍💻'.repeat(200_000), `${'👩‍💻'.repeat(25)}…`],
    ['a million words', 'ab '.repeat(1e6), `${'ab '.repeat(42)}a…`],
  ])('fitText: %s', { timeout: 10_000 }, (_name, text, fitted) => {
    expect(fitText(text)).toBe(fitted);
  });

  it('a grapheme of exactly 128 units cannot be padded within 128: it is not shown', () => {
    const one = `e${'\u0301'.repeat(127)}`;
    expect(graphemes(one)).toBe(1);
    expect(fitText(one)).toBe('…\u200b');
    expect(fitText(`e${'\u0301'.repeat(125)}`)).toBe(`e${'\u0301'.repeat(125)}\u200b`);
  });
});

describe('only well-formed text reaches Discord (issue 21 §6)', () => {
  it('lone surrogates become U+FFFD and control characters spaces', () => {
    const a = build({ model: 'gpt\ud800-5', project: 'orbit\u0007api\udc00', branch: '\u001b[31mred' });
    expectSendable(a);
    expect(a?.details).toBe('Running a command · orbit api\ufffd');
    expect(a?.assets?.small_text).toBe('gpt\ufffd-5');
  });

  it.each([
    ['a command after a newline', '0.1.0\n; rm -rf ~'],
    ['10,000 characters', 'x'.repeat(10_000)],
    ['a lone surrogate', '\ud800'],
    ['a word', 'latest'],
    ['five parts', '1.2.3.4.5'],
  ])('a cli_version that is not a version (%s) is not shown', (_name, cliVersion) => {
    const a = build({ cliVersion });
    expect(a?.assets?.large_text).toBe('Codex CLI');
  });

  it('a real version is shown', () => {
    expect(build({ cliVersion: '0.172.0-alpha.3' })?.assets?.large_text).toBe('Codex CLI 0.172.0-alpha.3');
  });

  it('an image key or a button link that is not well-formed is left out, not altered', () => {
    const config = detailed((c) => {
      c.display.largeImageKey = 'codex\ud800';
      c.display.smallImageKey = 'open\u0000ai';
      c.buttons = [
        { label: 'Bad', url: 'https://example.com/\udc00' },
        { label: 'Good', url: 'https://example.com/ok' },
      ];
    });
    const a = build({}, config);
    expectSendable(a);
    expect(a?.assets).toEqual({});
    expect(a?.buttons).toEqual([{ label: 'Good', url: 'https://example.com/ok' }]);
  });
});

describe('property: strings of any length and content in every text field', () => {
  // Lone surrogates, controls, combining marks, emoji and whitespace, in runs of any length.
  const piece = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('\ud800', '\udc00', '\u0000', '\u0007', '\u0085', '\r\n', ' ', '\u0301', '👩‍💻', '🇫🇷', '\u200b'),
    fc
      .tuple(fc.constantFrom('x', ' ', '\u0301', '\u0001', '👍', '\ud83d'), fc.integer({ min: 1, max: 3000 }))
      .map(([s, n]) => s.repeat(n)),
  );
  const text = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));

  it('the activity is always sendable', () => {
    fc.assert(
      fc.property(text, text, text, text, text, text, (model, project, branch, cliVersion, label, template) => {
        const config = detailed((c) => {
          c.display.stateTemplate = template;
          c.buttons = [{ label: label === '' ? 'x' : label, url: 'https://example.com/' }];
        });
        expectSendable(build({ model, project, branch, cliVersion }, config));
        expect(fitLabel(label).length).toBeLessThanOrEqual(32);
      }),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
  });
});
