// Copies electron-builder's installers from dist/.electron-builder into
// dist/<os>/<arch>/<name>-<version>-<os>-<arch>.<ext> and writes dist/SHA256SUMS.
// With --sums-only, only (re)writes dist/SHA256SUMS for what is already laid out.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const INSTALLER =
  /^(?<name>.+)-(?<version>\d+\.\d+\.\d+(?:-[\w.]+)?)-(?<os>mac|win|linux)-(?<arch>x64|arm64|x86_64|amd64|aarch64)\.(?<ext>dmg|msi|AppImage|deb)$/;
const ARCH = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64' };

export function placement(file) {
  const m = INSTALLER.exec(file);
  if (m?.groups === undefined) return null;
  const arch = ARCH[m.groups.arch] ?? m.groups.arch;
  return join(m.groups.os, arch, `${m.groups.name}-${m.groups.version}-${m.groups.os}-${arch}.${m.groups.ext}`);
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
    (f) => `${createHash('sha256').update(readFileSync(f)).digest('hex')}  ${relative(out, f).replace(/\\/g, '/')}`,
  );
  writeFileSync(join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  console.log(`${files.length} installer(s); ${out}/SHA256SUMS written`);
}
