import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds the CLI bundle (out/cli/index.mjs) once, before any test file runs.
 * Test files used to rebuild it in their own beforeAll; with files running in
 * parallel, one could start the CLI while another was rewriting it, and an
 * empty bundle runs as an empty module: exit 0, no output.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs', '--quiet'], { cwd: join(import.meta.dirname, '..') });
}
