import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CodexSessionSnapshot, Settings } from '../../src/contract/index.js';
import type { DiscordActivity } from '../../src/discord/payload.js';
import { buildActivity } from '../../src/presence/activity.js';
import { normalizeFile } from '../../src/settings/fromFile.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { validateTemplate } from '../../src/settings/template.js';
import { useCliHome } from '../support/cliHome.js';
import { SAMPLES } from '../support/codexHome.js';
import { FakeDiscord } from '../support/fakeDiscord.js';
import { session, snapshot, T0 } from '../support/snapshots.js';

const withCost = (showCost: boolean | null, template = '{model} · {cost}'): Settings => {
  const c = defaultSettings();
  c.privacy.showCost = showCost;
  c.display.stateTemplate = template;
  return c;
};
const state = (s: CodexSessionSnapshot, c: Settings): string | undefined =>
  buildActivity({ snapshot: snapshot([s]), config: c, now: T0, lastBusyAt: T0 })?.state;

describe('{cost} on the Discord card', () => {
  it('is a known placeholder', () => {
    expect(validateTemplate('{cost}')).toBeNull();
  });

  it('is off by default and under every preset: only privacy.show_cost true shows it', () => {
    expect(defaultSettings().privacy.showCost).toBeNull();
    for (const preset of ['minimal', 'standard', 'detailed'] as const) {
      const c = withCost(null);
      c.privacy.preset = preset;
      expect(state(session(), c) ?? '', preset).not.toContain('$');
    }
    expect(state(session(), withCost(false))).toBe('gpt-5.5');
    expect(state(session(), withCost(true))).toBe('gpt-5.5 · $1.01');
  });

  it('goes out only when exact: a partial or unavailable figure leaves it out with its separator', () => {
    const partial = session({ cost: { usd: 0.5, status: 'partial', unpriced: ['in-house-7'] } });
    const none = session({ cost: { usd: null, status: 'unavailable', unpriced: ['in-house-7'] } });
    expect(state(partial, withCost(true))).toBe('gpt-5.5');
    expect(state(none, withCost(true))).toBe('gpt-5.5');
  });

  it('the file key is the Rust tool’s privacy.show_cost', () => {
    expect(normalizeFile({ privacy: { show_cost: true } }).settings.privacy.showCost).toBe(true);
    expect(normalizeFile({ privacy: {} }).settings.privacy.showCost).toBeNull();
    // Privacy fails closed: a junk value hides it.
    expect(normalizeFile({ privacy: { show_cost: 'yes' } }).settings.privacy.showCost).toBe(false);
  });
});

describe.skipIf(process.platform === 'win32')('run publishes the cost it is allowed to', () => {
  const ID = '123456789012345678';
  const cli = useCliHome('cdp-cost-card-');
  let discord: FakeDiscord;
  beforeEach(async () => {
    discord = await FakeDiscord.start(join(cli.work(), 'discord-ipc-0'));
  });
  afterEach(() => discord.close());

  it('a real sample’s exact cost, with show_cost and {cost} in the state template', { timeout: 20_000 }, async () => {
    const home = cli.home();
    await home.writeLiveSample(SAMPLES.basic, 'basic', 5_000);
    const file = join(home.home, 'discord-presence-config.json');
    const text = JSON.stringify({
      schema_version: 6,
      discord_client_id: ID,
      privacy: { preset: 'standard', show_cost: true },
      display: { state_template: '{tokens.total} tokens · {cost}' },
      pricing: { aliases: {} },
    });
    await writeFile(file, text);
    const run = cli.start(['run'], { CODEX_HOME: home.home, XDG_RUNTIME_DIR: cli.work(), HOME: cli.work() });
    await discord.until(() => discord.activities.some((a) => a !== null));
    const activity = discord.activities.find((a) => a !== null) as DiscordActivity;
    expect(activity.state).toBe('19k tokens · $0.115');
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    // run writes its migration once: the pricing key is kept as it was.
    expect(await readFile(file, 'utf8')).toContain('"pricing":{"aliases":{}}');
  });
});
