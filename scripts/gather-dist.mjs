// Copies electron-builder's installers from dist/.electron-builder into
// dist/<os>/<arch>/<name>-<version>-<os>-<arch>.<ext> and writes dist/SHA256SUMS
// (by file name: the release's assets are flat).
// The update feeds (latest*.yml, read by electron-updater from the GitHub
// release) are copied to dist/ with their file names rewritten to the laid-out
// names, since release assets are uploaded under those names.
// With --sums-only, only (re)writes dist/SHA256SUMS for what is already laid out.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const INSTALLER =
  /^(?<name>.+)-(?<version>\d+\.\d+\.\d+(?:-[\w.]+)?)-(?<os>mac|win|linux)(?:-(?<arch>x64|arm64|x86_64|amd64|aarch64|universal))?(?<setup>-setup)?\.(?<ext>dmg|zip|msi|exe|AppImage|deb)(?<blockmap>\.blockmap)?$/;
const ARCH = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64' };

/** Where an installer goes under dist/, or null for anything else. A Windows setup for every arch goes to win/universal. */
export function placement(file) {
  const m = INSTALLER.exec(file);
  if (m?.groups === undefined) return null;
  const g = m.groups;
  if (g.arch === undefined && g.setup === undefined) return null;
  const arch = g.arch === undefined ? 'universal' : (ARCH[g.arch] ?? g.arch);
  const name = `${g.name}-${g.version}-${g.os}${g.arch === undefined ? '' : `-${arch}`}${g.setup ?? ''}.${g.ext}${g.blockmap ?? ''}`;
  return join(g.os, arch, name);
}

/** latest*.yml with every `url:` / `path:` renamed as placement() renames the file. */
export function rewriteFeed(text) {
  return text.replace(/^(\s*-?\s*(?:url|path):\s*)(\S+)\s*$/gm, (line, key, file) => {
    const target = placement(file);
    return target === null ? line : `${key}${basename(target)}`;
  });
}

function walk(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop())) {
  const out = 'dist';
  const built = join(out, '.electron-builder');
  if (!process.argv.includes('--sums-only')) {
    for (const file of readdirSync(built)) {
      if (/^latest.*\.yml$/.test(file)) {
        writeFileSync(join(out, file), rewriteFeed(readFileSync(join(built, file), 'utf8')));
        console.log(`${file} → ${out}/${file}`);
        continue;
      }
      const target = placement(file);
      if (target === null) continue;
      mkdirSync(join(out, target, '..'), { recursive: true });
      copyFileSync(join(built, file), join(out, target));
      console.log(`${file} → ${out}/${target}`);
    }
  }
  const files = walk(out)
    .filter(
      (f) => placement(f.split(/[\\/]/).pop() ?? '') !== null && !relative(out, f).startsWith('.electron-builder'),
    )
    .sort();
  const sums = files.map(
    // Release assets are flat, so a file's name alone: `sha256sum -c --ignore-missing SHA256SUMS` in the download folder.
    (f) => `${createHash('sha256').update(readFileSync(f)).digest('hex')}  ${basename(f)}`,
  );
  writeFileSync(join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  console.log(`${files.length} installer(s); ${out}/SHA256SUMS written`);
}
