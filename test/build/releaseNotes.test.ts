import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { changelogSection, releaseNotes } from '../../scripts/release-notes.mjs';
import { ROOT } from '../support/cli.js';

const section = changelogSection as (changelog: string, version: string) => string | null;
const notes = releaseNotes as (o: { changelog: string; tag: string; unsigned?: string[] }) => string;

const CHANGELOG = [
  '# Changelog',
  '',
  '## [Unreleased]',
  '',
  '- not yet',
  '',
  '## [1.2.0] - 2026-11-22',
  '',
  '### Added',
  '',
  '- Updates.',
  '',
  '## [1.1.10] - 2026-11-01',
  '',
  '- Older.',
  '',
  '[1.2.0]: https://github.com/o/r/compare/v1.1.10...v1.2.0',
  '',
].join('\n');

describe('release notes from the CHANGELOG section of the tag', () => {
  it('takes exactly the tag’s section, not a neighbour or a prefix match', () => {
    expect(section(CHANGELOG, '1.2.0')).toBe('### Added\n\n- Updates.');
    expect(section(CHANGELOG, '1.1.10')).toBe('- Older.');
    expect(section(CHANGELOG, '1.1.1')).toBeNull();
    expect(section(CHANGELOG, '1.2')).toBeNull();
  });

  it('adds what to download and how to verify it', () => {
    const text = notes({ changelog: CHANGELOG, tag: 'v1.2.0' });
    expect(text.startsWith('### Added\n\n- Updates.\n')).toBe(true);
    expect(text).toContain('codex-discord-presence-1.2.0-win-setup.exe');
    expect(text).toContain('npm i -g codex-discord-presence@1.2.0');
    expect(text).toContain('sha256sum -c --ignore-missing SHA256SUMS');
    expect(text).not.toContain('Unsigned');
  });

  it('says when a build is unsigned', () => {
    const text = notes({ changelog: CHANGELOG, tag: 'v1.2.0', unsigned: ['mac', 'win'] });
    expect(text).toContain('**Unsigned build (macOS and Windows).**');
    expect(text).toContain('Automatic updates need a signed macOS build');
  });

  it('refuses a tag without a section (the script exits 1 and says what to do)', () => {
    expect(() => notes({ changelog: CHANGELOG, tag: 'v9.9.9' })).toThrow(/no "## \[9\.9\.9\]" section/);
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release-notes.mjs'), 'v9.9.9'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('add one before tagging v9.9.9');
  });

  it('without a tag it prints its usage and exits 2', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release-notes.mjs')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
  });
});
