import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordActivity } from '../../src/discord/payload.js';
import { startCli } from '../support/cli.js';
import { line, mainLimits, TempCodexHome } from '../support/codexHome.js';
import { FakeDiscord } from '../support/fakeDiscord.js';
import { testIpc } from '../support/discordIpc.js';

// Issue 21 §1 and §6 through the real CLI: a `turn_context.model` of 149,400
// characters made `run` print nothing while its memory grew to 3.5 GB, and
// lone surrogates and junk `cli_version` values reached Discord. Now the
// activity is published (the test's timeout is the bound) and sendable.

const ID = '123456789012345678';
let home: TempCodexHome;
let runtime: string;
let discord: FakeDiscord;
let cli: ReturnType<typeof startCli> | null = null;

beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-hostile-text-'));
  discord = await FakeDiscord.start(testIpc(runtime).path(0));
});
afterEach(async () => {
  if (cli !== null && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  cli = null;
  await discord.close();
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('run with hostile text in the rollout', () => {
  it(
    'publishes a sendable activity for a 149,400-character model and a junk cli_version',
    { timeout: 20_000 },
    async () => {
      const at = (agoMs: number) => new Date(Date.now() - agoMs).toISOString();
      const resetSec = Math.round(Date.now() / 1000) + 3600;
      const project = `orbit${'p'.repeat(3000)}`;
      await home.writeRollout(
        home.rolloutPath('2026-11-21', 'hostile-text'),
        [
          line.meta(at(60_000), { cwd: `/work/${project}`, cli_version: '0.1.0\u0007; rm -rf ~' }),
          JSON.stringify({
            timestamp: at(55_000),
            type: 'turn_context',
            payload: { model: `gpt\ud800${'x'.repeat(149_400)}`, cwd: `/work/${project}` },
          }),
          line.taskStarted(at(50_000)),
          line.tokenCount(at(40_000), 5000, 5000, mainLimits(30, 20, resetSec, resetSec + 86_400)),
          '',
        ].join('\n'),
      );
      await writeFile(
        join(home.home, 'discord-presence-config.json'),
        JSON.stringify({ schema_version: 6, discord_client_id: ID, privacy: { preset: 'detailed' } }),
      );
      cli = startCli(['run'], { CODEX_HOME: home.home, ...testIpc(runtime).env, HOME: runtime });
      await discord.until(() => discord.activities.some((a) => a !== null));
      const activity = discord.activities.find((a) => a !== null) as DiscordActivity;

      expect(activity.assets?.small_text).toBe(`gpt\ufffd${'x'.repeat(123)}…`);
      expect(activity.assets?.large_text).toBe('Codex CLI');
      expect(activity.details).toMatch(/ · orbitp+…$/);
      for (const text of [activity.details, activity.state, activity.assets?.large_text, activity.assets?.small_text]) {
        expect(text?.isWellFormed()).toBe(true);
        expect(text?.length).toBeLessThanOrEqual(128);
        // eslint-disable-next-line no-control-regex -- finding control characters is the point
        expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }

      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
      expect(discord.activities.at(-1)).toBeNull();
    },
  );
});
