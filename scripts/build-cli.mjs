// Bundles the CLI for plain Node (no Electron needed): out/cli/index.mjs.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const quiet = process.argv.includes('--quiet');

/**
 * Packages stay external, except the ones the CLI needs at run time, which
 * are bundled in: the published CLI has no dependencies (build-cli-package).
 * fzstd decodes compressed rollouts where Node has no zstd of its own (Node
 * 20 to 22.14; src/codex/zstd.ts).
 */
const BUNDLED = new Set(['fzstd']);
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED.has(args.path) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: 'out/cli/index.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [externalPackages],
  sourcemap: false,
  logLevel: quiet ? 'error' : 'info',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: '#!/usr/bin/env node' },
});
