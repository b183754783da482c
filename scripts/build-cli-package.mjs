// Lays out the npm package of the CLI in packages/cli: the esbuild bundle
// (scripts/build-cli.mjs → out/cli/index.mjs) as bin/codex-discord-presence.mjs.
// The bundle holds the few packages it uses and imports only node: built-ins,
// so the package has no dependencies.
// Fails when the package's version is not the app's: both ship from one tag.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const app = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const cli = JSON.parse(readFileSync(new URL('../packages/cli/package.json', import.meta.url), 'utf8'));
if (cli.version !== app.version) {
  console.error(`packages/cli/package.json is ${cli.version} but the app is ${app.version}: make them equal`);
  process.exit(1);
}
if (Object.keys({ ...cli.dependencies, ...cli.peerDependencies, ...cli.optionalDependencies }).length > 0) {
  console.error('packages/cli must have no dependencies: the bundle uses node: built-ins only');
  process.exit(1);
}

execFileSync(process.execPath, ['scripts/build-cli.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
const bundle = readFileSync(new URL('../out/cli/index.mjs', import.meta.url), 'utf8');
const bare = [...bundle.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)]
  .map((m) => m[1])
  .filter((spec) => !spec.startsWith('node:'));
if (bare.length > 0) {
  console.error(`the CLI bundle imports packages it would not have when installed: ${bare.join(', ')}`);
  process.exit(1);
}
mkdirSync(new URL('../packages/cli/bin/', import.meta.url), { recursive: true });
const target = new URL('../packages/cli/bin/codex-discord-presence.mjs', import.meta.url);
copyFileSync(new URL('../out/cli/index.mjs', import.meta.url), target);
chmodSync(target, 0o755);
if (!process.argv.includes('--quiet')) console.log(`packages/cli ${cli.version}: bin/codex-discord-presence.mjs`);
