import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI_BUILT_IN, TEST_BUILT_IN_CLIENT_ID } from './support/cli.js';

/**
 * Builds the CLI bundle (out/cli/index.mjs) once, before any test file runs.
 * Test files used to rebuild it in their own beforeAll; with files running in
 * parallel, one could start the CLI while another was rewriting it, and an
 * empty bundle runs as an empty module: exit 0, no output.
 */
export default function setup(): void {
  const cwd = join(import.meta.dirname, '..');
  // A source build (no built-in Discord application), whatever the developer's environment says…
  const env = { ...process.env };
  delete env.CDP_DISCORD_CLIENT_ID;
  execFileSync(process.execPath, ['scripts/build-cli.mjs', '--quiet'], { cwd, env });
  // …and a release-like one with a made-up built-in id (test/discord/builtInApp.test.ts).
  execFileSync(process.execPath, ['scripts/build-cli.mjs', '--quiet', '--out', CLI_BUILT_IN], {
    cwd,
    env: { ...env, CDP_DISCORD_CLIENT_ID: TEST_BUILT_IN_CLIENT_ID },
  });
}
