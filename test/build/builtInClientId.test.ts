import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtInClientId } from '../../scripts/discordApp.mjs';
import { ROOT } from '../support/cli.js';

const run = promisify(execFile);

// The built-in Discord application id is checked at build time by the rule a
// user's id is (src/settings/rules.ts): a bad repository variable fails the build.
describe('CDP_DISCORD_CLIENT_ID at build time', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cdp-build-id-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('unset or empty: no built-in application; a snowflake is taken, trimmed', async () => {
    expect(await builtInClientId({})).toBe('');
    expect(await builtInClientId({ CDP_DISCORD_CLIENT_ID: '  ' })).toBe('');
    expect(await builtInClientId({ CDP_DISCORD_CLIENT_ID: ' 123456789012345678\n' })).toBe('123456789012345678');
  });

  it('a bad value fails scripts/build-cli.mjs with a clear message, and nothing is written', async () => {
    const out = join(dir, 'cli.mjs');
    const failed = await run(process.execPath, ['scripts/build-cli.mjs', '--quiet', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, CDP_DISCORD_CLIENT_ID: '12345-not-an-id' },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('CDP_DISCORD_CLIENT_ID "12345-not-an-id" is not a Discord application id');
    expect(failed?.stderr).toContain('17 to 20 digits');
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });
});
