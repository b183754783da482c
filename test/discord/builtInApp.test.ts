import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveApplication } from '../../src/discord/application.js';
import { applicationLabel } from '../../src/format/application.js';
import { discordClientId } from '../../src/publisher/index.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { ArrpcHost } from '../support/arrpc.js';
import { CLI, CLI_BUILT_IN, runCli, startCli, TEST_BUILT_IN_CLIENT_ID } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { testIpc } from '../support/discordIpc.js';

// Issue 23 §1: a release build carries the project's own Discord application
// id, so presence works with no setup; the user's id always wins; a source
// build (no id) behaves as before. CLI_BUILT_IN is built by test/globalSetup.ts
// with a made-up id in CDP_DISCORD_CLIENT_ID, CLI without one.
const YOURS = '123456789012345678';

describe('which application (the one rule)', () => {
  it('the user’s id wins; empty means the built-in one when the build has it; otherwise none', () => {
    expect(resolveApplication(YOURS, TEST_BUILT_IN_CLIENT_ID)).toEqual({ source: 'yours', id: YOURS });
    expect(resolveApplication(' ', TEST_BUILT_IN_CLIENT_ID)).toEqual({
      source: 'built-in',
      id: TEST_BUILT_IN_CLIENT_ID,
    });
    expect(resolveApplication('', '')).toEqual({ source: 'none', id: null });
    expect(applicationLabel({ source: 'built-in', id: TEST_BUILT_IN_CLIENT_ID })).toBe('built-in (Codex)');
    expect(applicationLabel({ source: 'yours', id: YOURS })).toBe('yours (1234…)');
    expect(applicationLabel({ source: 'none', id: null })).toBe('none');
  });

  it('a source build (vitest runs the sources) has none: the publisher stays disabled without an id', () => {
    const config = defaultSettings();
    expect(discordClientId(config)).toBe('');
    config.discordClientId = YOURS;
    expect(discordClientId(config)).toBe(YOURS);
    config.discordEnabled = false;
    expect(discordClientId(config)).toBe('');
  });
});

describe('the built CLI', () => {
  let home: TempCodexHome;
  let runtime: string;
  let arrpc: ArrpcHost | null = null;
  beforeEach(async () => {
    home = await TempCodexHome.create();
    runtime = await mkdtemp(join(tmpdir(), 'cdp-builtin-xdg-'));
    await home.writeLiveSample(SAMPLES.basic);
  });
  afterEach(async () => {
    await arrpc?.kill();
    arrpc = null;
    await home.remove();
    await rm(runtime, { recursive: true, force: true });
  });
  const env = () => ({ CODEX_HOME: home.home, ...testIpc(runtime).env, HOME: runtime });

  async function publishedUnder(bundle: string): Promise<string> {
    arrpc = await ArrpcHost.start(runtime);
    const server = arrpc;
    const cli = startCli(['run', '--codex-home', home.home], env(), bundle);
    try {
      await server.until(() => server.activities.some((a) => a !== null));
      await cli.printed('discord connected');
      const shown = server.activities.find((a) => a !== null) as { application_id?: string };
      return `${shown.application_id ?? '?'} ${cli.output().stdout}`;
    } finally {
      cli.child.kill('SIGINT');
      const exit = await cli.exited;
      // Windows cannot ask a process to stop: kill() ends it (the graceful stop is tested on POSIX, commands.test.ts).
      if (process.platform !== 'win32') expect(exit.code).toBe(0);
    }
  }

  it('`run` with no config at all publishes under the built-in id, and says so', async () => {
    const seen = await publishedUnder(CLI_BUILT_IN);
    expect(seen.startsWith(`${TEST_BUILT_IN_CLIENT_ID} `)).toBe(true);
    expect(seen).toMatch(/^\S+Z discord connected · showing · built-in \(Codex\)$/m);
  });

  it('the user’s id beats the built-in one', async () => {
    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: YOURS }),
    );
    const seen = await publishedUnder(CLI_BUILT_IN);
    expect(seen.startsWith(`${YOURS} `)).toBe(true);
    expect(seen).toContain('· yours (1234…)');
  });

  it('status and doctor name the application: built-in, yours, or none in a source build', async () => {
    const builtIn = JSON.parse((await runCli(['status', '--json'], env(), CLI_BUILT_IN)).stdout) as {
      discord: unknown;
    };
    expect(builtIn.discord).toEqual({
      enabled: true,
      application: { source: 'built-in', id: TEST_BUILT_IN_CLIENT_ID },
    });
    expect((await runCli(['status'], env(), CLI_BUILT_IN)).stdout).toMatch(
      /^Discord +application built-in \(Codex\)$/m,
    );
    const doctor = await runCli(['doctor'], env(), CLI_BUILT_IN);
    expect(doctor.stdout).toContain(`✓ Discord application id: ${TEST_BUILT_IN_CLIENT_ID} · built-in (Codex)`);

    const source = JSON.parse((await runCli(['status', '--json'], env(), CLI)).stdout) as { discord: unknown };
    expect(source.discord).toEqual({ enabled: true, application: { source: 'none', id: null } });
    expect((await runCli(['doctor'], env(), CLI)).stdout).toContain('✗ Discord application id: not set');

    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: YOURS }),
    );
    expect((await runCli(['status'], env(), CLI_BUILT_IN)).stdout).toMatch(/^Discord +application yours \(1234…\)$/m);
  });
});
