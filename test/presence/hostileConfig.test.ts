import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings, validateSettings } from '../../src/settings/settings.js';
import { loadConfig } from '../../src/config/store.js';
import { renderTemplate, type TemplateValues } from '../../src/presence/template.js';
import { PLACEHOLDERS } from '../../src/settings/template.js';
import { buildActivity } from '../../src/presence/activity.js';
import { MAX_GLOB_CHARS, matchesGlob } from '../../src/settings/glob.js';
import { runCli } from '../support/cli.js';
import { snapshot, T0 } from '../support/snapshots.js';
import { PROPERTY_SEED } from '../support/property.js';
import { testIpc } from '../support/discordIpc.js';

// Issue #10 §2: templates and ignore patterns from the config file are input
// like any other, and must not reach JavaScript internals or cost unbounded time.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-hostile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (): TemplateValues =>
  Object.fromEntries(PLACEHOLDERS.map((p) => [p, p === 'activity' ? 'Thinking' : ''])) as TemplateValues;

describe('templates', () => {
  it('only the fixed placeholders render: {constructor}, {__proto__} and {toString} give nothing', () => {
    expect(renderTemplate('{constructor}{__proto__}{toString}{hasOwnProperty} · {activity}', values())).toBe(
      'Thinking',
    );
    // Even a config object that skipped validation cannot render internals into Discord.
    const config = defaultSettings();
    config.display.detailsTemplate = '{constructor} {activity}';
    config.display.stateTemplate = '{__proto__}{valueOf}';
    const activity = buildActivity({ snapshot: snapshot(), config, now: T0, lastBusyAt: T0 });
    const text = JSON.stringify(activity);
    expect(text).not.toMatch(/function|native code|\[object/);
  });

  it('a template from the config file with an unknown placeholder is not used, and the warning names it', async () => {
    const path = join(dir, 'discord-presence-config.json');
    await writeFile(
      path,
      JSON.stringify({
        schema_version: 6,
        display: { details_template: '{constructor} · {activity}', state_template: '{model}' },
      }),
    );
    const loaded = await loadConfig(path);
    expect(loaded.config.display.detailsTemplate).toBe('');
    expect(loaded.config.display.stateTemplate).toBe('{model}');
    expect(loaded.problems).toEqual([
      expect.stringMatching(
        /^display\.details_template "\{constructor\} · \{activity\}" is not used: Unknown placeholder \{constructor\}/,
      ),
    ]);
    // Loading never writes (issue #11 §4): the user's file stays as it was, and no backup is made.
    expect((await readdir(dir)).some((f) => f.endsWith('.bak'))).toBe(false);
  });

  it('doctor names the invalid template', async () => {
    await writeFile(
      join(dir, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, display: { state_template: '{__proto__}' } }),
    );
    const run = await runCli(['doctor'], { CODEX_HOME: dir, ...testIpc(dir).env, HOME: dir });
    expect(run.stdout).toMatch(
      /^! Config: .*display\.state_template "\{__proto__\}" is not used: Unknown placeholder/m,
    );
  });
});

describe('ignore-list globs', () => {
  it('* is any run, ? one character, the rest literal, case-insensitive', () => {
    expect(matchesGlob('client-acme', 'client-*')).toBe(true);
    expect(matchesGlob('CLIENT-acme', 'client-*')).toBe(true);
    expect(matchesGlob('secret1', 'SECRET?')).toBe(true);
    expect(matchesGlob('secret12', 'SECRET?')).toBe(false);
    expect(matchesGlob('a.b', 'a.b')).toBe(true);
    expect(matchesGlob('axb', 'a.b')).toBe(false);
    expect(matchesGlob('(x)+[y]', '(x)+[y]')).toBe(true);
    expect(matchesGlob('🚀-site', '?-site')).toBe(true);
    expect(matchesGlob('anything', '*')).toBe(true);
    expect(matchesGlob('', '*')).toBe(true);
  });

  it('a pathological pattern finishes (it took 716 ms per name, and grows with each *a)', () => {
    const worst = `${'*a'.repeat((MAX_GLOB_CHARS - 1) / 2)}b`;
    expect(worst.length).toBe(MAX_GLOB_CHARS - 1);
    // Backtracking regex engines never finish this one; the wildcard walk does at most 200 × 255 steps.
    expect(matchesGlob('a'.repeat(255), worst)).toBe(false);
    expect(matchesGlob(`${'a'.repeat(254)}b`, worst)).toBe(true);
  });

  it('patterns over 200 characters are invalid: in the settings window, in the file, and they match nothing', async () => {
    const long = `${'x'.repeat(MAX_GLOB_CHARS)}*`;
    expect(matchesGlob('x'.repeat(MAX_GLOB_CHARS + 5), long)).toBe(false);
    const settings = defaultSettings();
    settings.ignoreProjects = ['client-*', long];
    expect(validateSettings(settings)).toEqual({ 'ignoreProjects.1': 'Patterns are at most 200 characters.' });
    const path = join(dir, 'discord-presence-config.json');
    await writeFile(path, JSON.stringify({ schema_version: 6, ignore_projects: ['client-*', long] }));
    const loaded = await loadConfig(path);
    expect(loaded.config.ignoreProjects).toEqual(['client-*']);
    expect(loaded.problems).toEqual([
      expect.stringMatching(/^ignore_projects "x{40}…" is not used: Patterns are at most/),
    ]);
  });

  it('one empty or non-text entry drops only itself: the other patterns keep hiding their projects', async () => {
    const path = join(dir, 'discord-presence-config.json');
    await writeFile(path, JSON.stringify({ schema_version: 6, ignore_projects: ['client-*', '', 42, 'secret'] }));
    const loaded = await loadConfig(path);
    expect(loaded.config.ignoreProjects).toEqual(['client-*', 'secret']);
    expect(loaded.problems).toEqual([
      'ignore_projects "" is not used: the pattern is empty',
      'ignore_projects 42 is not used: a pattern must be text',
    ]);
    await writeFile(path, JSON.stringify({ schema_version: 6, ignore_projects: 'client-*' }));
    expect((await loadConfig(path)).problems).toEqual(['ignore_projects was "client-*"; using []']);
  });

  it('agrees with a regular-expression reference on short random patterns', () => {
    const reference = (name: string, glob: string): boolean =>
      new RegExp(
        `^${[...glob.trim()].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('')}$`,
        'isu',
      ).test(name);
    const alphabet = fc.constantFrom('a', 'b', 'A', '.', '-', '*', '?');
    fc.assert(
      fc.property(
        fc.array(alphabet, { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
        fc.array(fc.constantFrom('a', 'b', 'B', '.', '-'), { maxLength: 10 }).map((a) => a.join('')),
        (glob, name) => {
          if (glob.trim() === '') return;
          expect(matchesGlob(name, glob)).toBe(reference(name, glob));
        },
      ),
      { seed: PROPERTY_SEED, numRuns: 2000 },
    );
  });
});
