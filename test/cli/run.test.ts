import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArrpcHost } from '../support/arrpc.js';
import { ROOT, startCli } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs', '--quiet'], { cwd: ROOT });
});

let home: TempCodexHome;
let runtime: string;
let arrpc: ArrpcHost | null = null;
beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-run-xdg-'));
});
afterEach(async () => {
  await arrpc?.kill();
  arrpc = null;
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

const liveSample = () => home.writeLiveSample(SAMPLES.basic);

describe('run (headless presence)', () => {
  it('publishes to Discord, logs one line per change, and SIGINT clears the activity and exits 0', async () => {
    await liveSample();
    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: '123456789012345678', privacy: { preset: 'detailed' } }),
    );
    arrpc = await ArrpcHost.start(runtime);
    const server = arrpc;
    const cli = startCli(['run', '--codex-home', home.home], { XDG_RUNTIME_DIR: runtime });
    await server.until(() => server.activities.some((a) => a !== null));
    const shown = server.activities.find((a) => a !== null) as Record<string, unknown>;
    expect(shown).toMatchObject({
      details: 'Idle · orbit-api',
      state: '5h 84% left · 7d 56% left',
      assets: {
        large_image: 'codex-logo',
        large_text: 'Codex CLI 0.169.0',
        small_image: 'openai',
        small_text: 'gpt-5.5',
      },
    });
    await cli.printed('discord connected');
    const { stdout } = cli.output();
    expect(stdout).toMatch(/^\S+Z 5h {6}\[█{17}░{3}\] 84% left · resets (\d+ \w{3} )?\d\d:\d\d · \d+% in reserve$/m);
    expect(stdout).toMatch(/^\S+Z session orbit-api · gpt-5\.5 · idle · Δ 11k \| last 21k \| total 29k$/m);

    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code).toBe(0);
    expect(server.shown).toBeNull();
    expect(cli.output().stdout).toContain('stopped (SIGINT); Discord activity cleared');
  });

  it('SIGTERM works the same; with no client id it explains why presence is disabled', async () => {
    await liveSample();
    const cli = startCli(['run', '--codex-home', home.home], { XDG_RUNTIME_DIR: runtime });
    await cli.printed(/discord disabled \(No Discord application id is set/);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
