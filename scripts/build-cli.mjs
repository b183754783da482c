// Bundles the CLI for plain Node (no Electron needed): out/cli/index.mjs.
import { build } from 'esbuild';
import { readFileSync, renameSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const quiet = process.argv.includes('--quiet');

// Written beside its place, then renamed over it in one step: a CLI started
// while a build runs gets the old bundle or the new one, never an empty file.
const OUT = 'out/cli/index.mjs';
const TMP = `${OUT}.${process.pid}.tmp`;

await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: TMP,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Everything is bundled (picocolors and string-width for the terminal view
  // and `history`, fzstd for compressed rollouts where Node has no zstd of its
  // own): the npm package of the CLI has no dependencies
  // (scripts/build-cli-package.mjs checks it).
  sourcemap: false,
  logLevel: quiet ? 'error' : 'info',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: '#!/usr/bin/env node' },
});
renameSync(TMP, OUT);
