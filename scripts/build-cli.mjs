// Bundles the CLI for plain Node (no Electron needed): out/cli/index.mjs.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { discordDefine } from './discordApp.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const quiet = process.argv.includes('--quiet');
// `--out FILE`: another place than out/cli (the tests build a second CLI with a made-up built-in id).
const outAt = process.argv.indexOf('--out');

// Written beside its place, then renamed over it in one step: a CLI started
// while a build runs gets the old bundle or the new one, never an empty file.
const OUT = outAt === -1 ? 'out/cli/index.mjs' : process.argv[outAt + 1];
if (OUT === undefined || OUT.startsWith('--')) {
  console.error('build-cli: --out needs a file');
  process.exit(2);
}
const TMP = `${OUT}.${process.pid}.tmp`;

let define;
try {
  define = { __APP_VERSION__: JSON.stringify(pkg.version), ...(await discordDefine()) };
} catch (error) {
  console.error(`build-cli: ${error.message}`);
  process.exit(1);
}

mkdirSync(dirname(OUT), { recursive: true });
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
  define,
  banner: { js: '#!/usr/bin/env node' },
});
renameSync(TMP, OUT);
