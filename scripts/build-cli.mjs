// Bundles the CLI for plain Node (no Electron needed): out/cli/index.mjs.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const quiet = process.argv.includes('--quiet');

await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: 'out/cli/index.mjs',
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
