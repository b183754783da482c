// Prints the release notes for a tag: the CHANGELOG.md section of that version
// (`## [1.2.3] - 2026-11-22` or `## 1.2.3`), then what the release holds.
// Usage: node scripts/release-notes.mjs v1.2.3 [--unsigned mac,win] > notes.md
// Exits 1 when the CHANGELOG has no section for the version: a release says what changed.
import { readFileSync } from 'node:fs';

/** The body of the `## [version]` section, without its heading; null when absent. */
export function changelogSection(changelog, version) {
  const lines = changelog.split(/\r?\n/);
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^## \\[?v?${escaped}\\]?(?:\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start === -1) return null;
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  const body = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .filter((l) => !/^\[[^\]]+\]:\s*\S+$/.test(l)) // link references at the end of the file
    .join('\n')
    .trim();
  return body === '' ? null : body;
}

const PLATFORM = { mac: 'macOS', win: 'Windows' };

export function releaseNotes({ changelog, tag, unsigned = [] }) {
  const version = tag.replace(/^v/, '');
  const section = changelogSection(changelog, version);
  if (section === null) throw new Error(`CHANGELOG.md has no "## [${version}]" section: add one before tagging ${tag}`);
  const parts = [section, ''];
  if (unsigned.length > 0) {
    const names = unsigned.map((p) => PLATFORM[p] ?? p).join(' and ');
    parts.push(
      `> **Unsigned build (${names}).** The signing secrets were not available for this release, so ${names} will warn before opening it. ` +
        'Check the file against SHA256SUMS before you run it; on macOS, right-click the app and choose Open the first time. ' +
        (unsigned.includes('mac')
          ? 'Automatic updates need a signed macOS build: download new versions by hand. '
          : ''),
      '',
    );
  }
  parts.push(
    '### Install',
    '',
    `- macOS: \`codex-discord-presence-${version}-mac-arm64.dmg\` (Apple silicon) or \`-mac-x64.dmg\` (Intel)`,
    `- Windows: \`codex-discord-presence-${version}-win-setup.exe\` (updates itself), or the \`.msi\` for managed installs`,
    `- Linux: \`codex-discord-presence-${version}-linux-x64.AppImage\` or \`.deb\` (arm64 too)`,
    `- Command line only: \`npm i -g codex-discord-presence@${version}\``,
    '',
    'Verify a download against SHA256SUMS: `sha256sum -c --ignore-missing SHA256SUMS` on Linux; on macOS and Windows compare `shasum -a 256 <file>` or `Get-FileHash <file>` with its line.',
    '',
  );
  return parts.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop())) {
  const [tag] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const flag = process.argv.indexOf('--unsigned');
  const unsigned =
    flag === -1
      ? []
      : (process.argv[flag + 1] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  if (tag === undefined) {
    console.error('usage: node scripts/release-notes.mjs <tag> [--unsigned mac,win]');
    process.exit(2);
  }
  try {
    process.stdout.write(
      releaseNotes({ changelog: readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8'), tag, unsigned }),
    );
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
