import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applySettings, defaultConfig, toSettings, validateSettings } from '../../src/config/schema.js';
import { loadConfig, saveConfig } from '../../src/config/store.js';
import { resolvePrivacy } from '../../src/presence/privacy.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-config-'));
  path = join(dir, 'discord-presence-config.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-21T12:00:00Z');

// Files as the earlier Rust tool wrote them, schema versions 2 to 5.
const rustV2 = {
  schema_version: 2,
  discord_client_id: '112233445566778899',
  privacy: {
    enabled: false,
    show_project_name: true,
    show_git_branch: false,
    show_model: true,
    show_tokens: true,
    show_limits: true,
  },
  display: { large_image_key: 'codex-logo', large_text: 'Codex', small_image_key: 'openai', small_text: 'OpenAI' },
};
const rustV3 = {
  ...rustV2,
  schema_version: 3,
  discord_public_key: '29e563eeb755ae71d940c1b11d49dd3282a8886cd8b8cab829b2a14fcedad247',
  privacy: { ...rustV2.privacy, show_activity: true, show_activity_target: true },
  display: { ...rustV2.display, terminal_logo_mode: 'auto', terminal_logo_path: null },
};
const rustV4 = {
  ...rustV3,
  schema_version: 4,
  privacy: { ...rustV3.privacy, show_cost: true },
  display: { ...rustV3.display, activity_small_image_keys: { thinking: 'think', editing: null } },
};
const rustV5 = {
  ...rustV4,
  schema_version: 5,
  pricing: {
    aliases: { 'gpt-5.3-codex': 'gpt-5.2-codex' },
    overrides: { 'gpt-5.5': { input_per_million: 1.25, output_per_million: 10 } },
  },
  openai_plan: { mode: 'manual', tier: 'plus', show_price: true },
};

describe('migrating the Rust tool’s config (schema 2–5)', () => {
  it.each([
    ['v2', rustV2],
    ['v3', rustV3],
    ['v4', rustV4],
    ['v5', rustV5],
  ])('%s: settings carry over, unknown keys are kept, the original is backed up', async (_v, file) => {
    await writeFile(path, JSON.stringify(file, null, 2));
    const loaded = await loadConfig(path, NOW);
    expect(loaded.migratedFrom).toBe(file.schema_version);
    const c = loaded.config;
    expect(c.schema_version).toBe(6);
    expect(c.discord_client_id).toBe('112233445566778899');
    // Their show_project_name: true keeps project names on; show_git_branch: false keeps branches off.
    const visible = resolvePrivacy(c.privacy);
    expect(visible).toMatchObject({ project: true, branch: false, model: true, tokens: true, limits: true });
    expect(c.display.large_image_key).toBe('codex-logo');
    // Nothing lost: every key of the old file is still in the new one.
    const written = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(file)) {
      if (key === 'schema_version' || key === 'privacy' || key === 'display') continue;
      expect(written[key]).toEqual(value);
    }
    for (const key of Object.keys(file.privacy)) expect(written.privacy).toHaveProperty(key);
    for (const key of Object.keys(file.display)) expect(written.display).toHaveProperty(key);
    expect(loaded.backupPath).toBe(`${path}.2026-11-21T12-00-00-000Z.bak`);
    expect(JSON.parse(await readFile(loaded.backupPath ?? '', 'utf8'))).toEqual(file);
  });

  it('v5 keeps pricing, openai_plan and terminal options byte-for-byte', async () => {
    await writeFile(path, JSON.stringify(rustV5));
    await loadConfig(path, NOW);
    const written = JSON.parse(await readFile(path, 'utf8')) as typeof rustV5;
    expect(written.pricing).toEqual(rustV5.pricing);
    expect(written.openai_plan).toEqual(rustV5.openai_plan);
    expect(written.display.terminal_logo_mode).toBe('auto');
    expect(written.display.activity_small_image_keys).toEqual({ thinking: 'think', editing: null });
    expect(written.privacy.show_cost).toBe(true);
  });

  it('the Rust tool’s own application id is not borrowed: presence stays disabled and says why', async () => {
    await writeFile(path, JSON.stringify({ ...rustV5, discord_client_id: '1470480085453770854' }));
    const loaded = await loadConfig(path, NOW);
    expect(loaded.config.discord_client_id).toBe('');
    expect(loaded.config.legacy_discord_client_id).toBe('1470480085453770854');
    expect(loaded.problems.join(' ')).toMatch(/create your own Discord application/);
  });

  it('privacy.enabled (the Rust privacy mode) means minimal', async () => {
    await writeFile(path, JSON.stringify({ ...rustV3, privacy: { ...rustV3.privacy, enabled: true } }));
    const { config } = await loadConfig(path, NOW);
    expect(resolvePrivacy(config.privacy).minimal).toBe(true);
    expect(toSettings(config).privacy.preset).toBe('minimal');
  });
});

describe('bad files', () => {
  it('a corrupt file is backed up with a timestamp before defaults are used, and the reason given', async () => {
    await writeFile(path, '{"discord_client_id": "1234567890123456789", oops');
    const loaded = await loadConfig(path, NOW);
    expect(loaded.problems[0]).toMatch(/not valid JSON/);
    expect(loaded.config).toEqual(defaultConfig());
    expect(await readFile(loaded.backupPath ?? '', 'utf8')).toBe('{"discord_client_id": "1234567890123456789", oops');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(defaultConfig());
  });

  it('invalid values are replaced one by one; valid ones stay', async () => {
    await writeFile(
      path,
      JSON.stringify({
        schema_version: 6,
        discord_client_id: '123456789012345678',
        idle: { after_minutes: -4, behaviour: 'explode' },
        general: { theme: 'dark', stale_minutes: 'soon' },
        buttons: [{ label: 'x', url: 'http://insecure.example' }],
      }),
    );
    const loaded = await loadConfig(path, NOW);
    expect(loaded.config.discord_client_id).toBe('123456789012345678');
    expect(loaded.config.general.theme).toBe('dark');
    expect(loaded.config.idle).toEqual({ after_minutes: 10, behaviour: 'show' });
    expect(loaded.config.general.stale_minutes).toBe(30);
    expect(loaded.config.buttons).toEqual([]);
    expect(loaded.problems).toHaveLength(4);
    expect(loaded.backupPath).not.toBeNull();
  });

  it('a missing file gives defaults and writes nothing', async () => {
    const loaded = await loadConfig(path, NOW);
    expect(loaded).toMatchObject({ exists: false, backupPath: null, problems: [] });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('saving', () => {
  it('writes atomically with mode 0600 and leaves no temporary file', async () => {
    await saveConfig(path, defaultConfig());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['discord-presence-config.json']);
  });

  it('settings round-trip, and keys the UI does not know survive a save', async () => {
    await writeFile(path, JSON.stringify({ ...rustV5, schema_version: 6 }));
    const { config } = await loadConfig(path, NOW);
    const s = toSettings(config);
    s.discordClientId = '998877665544332211';
    s.privacy.preset = 'detailed';
    expect(validateSettings(s)).toEqual({});
    await saveConfig(path, applySettings(config, s));
    const again = await loadConfig(path, NOW);
    expect(toSettings(again.config)).toEqual(s);
    expect(again.config.pricing).toEqual(rustV5.pricing);
  });

  it('validation names each bad field', () => {
    const s = toSettings(defaultConfig());
    s.discordClientId = '12345';
    s.display.detailsTemplate = '{nope}';
    s.buttons = [{ label: '', url: 'ftp://x' }];
    s.notifications.thresholds = [25, 25];
    expect(Object.keys(validateSettings(s)).sort()).toEqual([
      'buttons.0.label',
      'buttons.0.url',
      'discordClientId',
      'display.detailsTemplate',
      'notifications.thresholds',
    ]);
  });
});
