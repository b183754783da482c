import { chmod, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsFile } from '../../src/config/settingsFile.js';
import { ConfigFileError, loadConfig, repairConfig, writeConfig } from '../../src/config/store.js';
import { resolvePrivacy } from '../../src/presence/privacy.js';
import { defaultSettings, validateSettings } from '../../src/settings/settings.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-config-'));
  path = join(dir, 'discord-presence-config.json');
});
afterEach(async () => {
  await chmod(dir, 0o700).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-21T12:00:00Z');
type Obj = Record<string, unknown>;
const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8')) as Obj;

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
// The Rust tool's current shape (schema 13): everything it writes, including keys this app never uses.
const rustV13 = {
  schema_version: 13,
  presence_enabled: true,
  discord_client_id: '112233445566778899',
  discord_client_id_desktop: '1478395304624652345',
  discord_public_key: '29e563eeb755ae71d940c1b11d49dd3282a8886cd8b8cab829b2a14fcedad247',
  privacy: {
    enabled: false,
    show_project_name: false,
    show_git_branch: false,
    show_model: true,
    show_tokens: true,
    show_cost: true,
    show_limits: true,
    show_credits: true,
    show_context: false,
    show_activity: true,
    show_activity_target: true,
    show_systems: true,
  },
  display: {
    desktop_presence_design: 'codex_app',
    large_image_key: 'codex-logo',
    large_text: 'Codex',
    desktop_large_image_key: 'codex-app',
    desktop_large_text: 'Codex App',
    small_image_key: 'openai',
    small_text: 'OpenAI',
    activity_small_image_keys: {
      thinking: 'think',
      reading: null,
      editing: 'edit',
      running: null,
      waiting: null,
      idle: null,
    },
    terminal_logo_mode: 'auto',
    terminal_logo_path: null,
    presence_layout: {
      label_style: 'compact',
      fields: [
        { field: 'activity', enabled: true, zone: 'details' },
        { field: 'project', enabled: false, zone: 'details' },
        { field: 'limits', enabled: true, zone: 'state' },
      ],
    },
  },
  pricing: { aliases: { 'gpt-5.3-codex': 'gpt-5.2-codex' }, overrides: {} },
  openai_plan: { mode: 'auto', tier: 'pro_20x', show_price: true },
};

describe('reading never writes', () => {
  it.each([
    ['v2', rustV2],
    ['v3', rustV3],
    ['v4', rustV4],
    ['v5', rustV5],
    ['v13', rustV13],
  ])('%s of the Rust tool: migrated in memory, reported, the file untouched', async (_v, file) => {
    const text = JSON.stringify(file, null, 4);
    await writeFile(path, text);
    const loaded = await loadConfig(path);
    expect(loaded).toMatchObject({ migratedFrom: file.schema_version, needsWrite: true, fileError: null });
    expect(loaded.config.discordClientId).toBe('112233445566778899');
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['discord-presence-config.json']);
  });

  it('a file that is not JSON, or not an object, is reported and left alone', async () => {
    for (const text of ['{"discord_client_id": "1234567890123456789", oops', 'meeting notes\n', '[1,2]', 'null']) {
      await writeFile(path, text);
      const loaded = await loadConfig(path);
      expect(loaded.fileError).toMatch(/not valid JSON|not an object/);
      expect(loaded.needsWrite).toBe(false);
      expect(loaded.config).toEqual(defaultSettings());
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });

  it('a missing file gives defaults and writes nothing; a missing folder is an error only when asked', async () => {
    expect(await loadConfig(path)).toMatchObject({ exists: false, fileError: null, problems: [] });
    expect(await readdir(dir)).toEqual([]);
    const nowhere = join(dir, 'nope', 'x.json');
    expect((await loadConfig(nowhere)).fileError).toBeNull();
    expect((await loadConfig(nowhere, { folderMustExist: true })).fileError).toMatch(/folder .*nope does not exist/);
  });
});

describe('migrating (run, config migrate)', () => {
  it.each([
    ['v2', rustV2],
    ['v3', rustV3],
    ['v4', rustV4],
    ['v5', rustV5],
  ])('%s: settings carry over, every key is kept, the original is backed up byte for byte', async (_v, file) => {
    const text = JSON.stringify(file, null, 2);
    await writeFile(path, text);
    const result = await repairConfig(path, NOW);
    expect(result.written).toBe(true);
    const c = (await loadConfig(path)).config;
    expect(c.discordClientId).toBe('112233445566778899');
    // Their show_project_name: true keeps project names on; show_git_branch: false keeps branches off.
    expect(resolvePrivacy(c.privacy)).toMatchObject({ project: true, branch: false, model: true, tokens: true });
    const written = await readJson(path);
    // Their schema_version is theirs: never rewritten; ours has its own key.
    expect(written.schema_version).toBe(file.schema_version);
    expect(written.presence_schema_version).toBe(7);
    for (const [key, value] of Object.entries(file)) {
      if (key === 'privacy' || key === 'display') continue;
      expect(written[key]).toEqual(value);
    }
    for (const [key, value] of Object.entries(file.privacy)) expect((written.privacy as Obj)[key]).toEqual(value);
    for (const [key, value] of Object.entries(file.display)) {
      if (key === 'large_text' || key === 'small_text') continue; // their defaults become ours (generated)
      expect((written.display as Obj)[key]).toEqual(value);
    }
    expect(result.backups).toEqual([`${path}.2026-11-21T12-00-00-000Z.bak`]);
    expect(await readFile(result.backups[0] ?? '', 'utf8')).toBe(text);
    // Once migrated, nothing more to do.
    expect((await loadConfig(path)).needsWrite).toBe(false);
    expect((await repairConfig(path, NOW)).written).toBe(false);
  });

  it('the Rust tool’s own application id is not borrowed: presence stays disabled and says why', async () => {
    await writeFile(path, JSON.stringify({ ...rustV5, discord_client_id: '1470480085453770854' }));
    const loaded = await loadConfig(path);
    expect(loaded.config.discordClientId).toBe('');
    expect(loaded.kept.legacy_discord_client_id).toBe('1470480085453770854');
    expect(loaded.problems.join(' ')).toMatch(/create your own Discord application/);
  });

  it('privacy.enabled (the Rust privacy mode) means minimal; presence_enabled: false means off', async () => {
    await writeFile(
      path,
      JSON.stringify({ ...rustV13, presence_enabled: false, privacy: { ...rustV13.privacy, enabled: true } }),
    );
    const { config } = await loadConfig(path);
    expect(resolvePrivacy(config.privacy).minimal).toBe(true);
    expect(config.privacy.preset).toBe('minimal');
    expect(config.discordEnabled).toBe(false);
  });

  it('a file that is not a JSON object is refused by name, and never overwritten', async () => {
    await writeFile(path, 'meeting notes\n');
    await chmod(path, 0o644);
    await expect(repairConfig(path, NOW)).rejects.toThrow(
      new RegExp(`${path.replace(/[.]/g, '\\.')} is not used and not overwritten: it is not valid JSON`),
    );
    expect(await readFile(path, 'utf8')).toBe('meeting notes\n');
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    expect(await readdir(dir)).toEqual(['discord-presence-config.json']);
  });

  it('a missing file stays missing', async () => {
    expect((await repairConfig(path, NOW)).written).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('the Rust tool’s current file, saved from the settings window', () => {
  it('keeps every key it does not own byte-equal in value, and never lowers schema_version', async () => {
    await writeFile(path, JSON.stringify(rustV13, null, 2));
    const file = settingsFile(path);
    const loaded = await file.load();
    const s = loaded.config;
    s.discordClientId = '998877665544332211';
    s.privacy.preset = 'detailed';
    s.idle.afterMinutes = 20;
    expect(validateSettings(s)).toEqual({});
    const result = await file.save(s);
    expect(result.written).toBe(true);
    const written = await readJson(path);
    const owned = {
      top: ['discord_client_id', 'discord_enabled', 'presence_schema_version', 'privacy', 'display'],
      privacy: ['preset', 'enabled', 'show_project_name', 'show_git_branch', 'show_model', 'show_tokens'],
      display: ['large_image_key', 'large_text', 'small_image_key', 'small_text'],
    };
    owned.privacy.push('show_limits', 'show_activity');
    for (const [k, v] of Object.entries(rustV13)) if (!owned.top.includes(k)) expect(written[k], k).toEqual(v);
    for (const [k, v] of Object.entries(rustV13.privacy))
      if (!owned.privacy.includes(k)) expect((written.privacy as Obj)[k], k).toEqual(v);
    for (const [k, v] of Object.entries(rustV13.display))
      if (!owned.display.includes(k)) expect((written.display as Obj)[k], k).toEqual(v);
    expect(written.schema_version).toBe(13);
    expect(written.presence_schema_version).toBe(7);
    expect(written.discord_client_id).toBe('998877665544332211');
    const again = await loadConfig(path);
    expect(again.config).toEqual(s);
    // The shared keys keep the type the Rust tool reads: booleans, never null.
    for (const v of Object.values(written.privacy as Obj))
      expect(typeof v === 'boolean' || typeof v === 'string').toBe(true);
  });

  it('a higher presence_schema_version (a newer release of this app) is kept', async () => {
    await writeFile(path, JSON.stringify({ presence_schema_version: 9, discord_client_id: '112233445566778899' }));
    const file = settingsFile(path);
    const loaded = await file.load();
    await file.save({ ...loaded.config, discordEnabled: false });
    expect((await readJson(path)).presence_schema_version).toBe(9);
  });

  it('a save merges: a hand edit made while the window was open is kept', async () => {
    await writeFile(path, JSON.stringify({ presence_schema_version: 7, discord_client_id: '112233445566778899' }));
    const file = settingsFile(path);
    const loaded = await file.load();
    // Meanwhile, by hand: another key, and an unknown one.
    await writeFile(
      path,
      JSON.stringify({
        presence_schema_version: 7,
        discord_client_id: '112233445566778899',
        ignore_projects: ['secret-*'],
        my_note: 'hi',
      }),
    );
    const s = loaded.config;
    s.general.theme = 'dark';
    const result = await file.save(s);
    const written = await readJson(path);
    expect(written.ignore_projects).toEqual(['secret-*']);
    expect(written.my_note).toBe('hi');
    expect((written.general as Obj).theme).toBe('dark');
    expect(result.config.ignoreProjects).toEqual(['secret-*']);
  });
});

describe('files as editors write them', () => {
  it('a UTF-8 BOM (Notepad) is not an error: every setting is kept', async () => {
    const cfg = { presence_schema_version: 7, discord_client_id: '112233445566778899', privacy: { preset: 'minimal' } };
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(cfg))]));
    const loaded = await loadConfig(path);
    expect(loaded).toMatchObject({ fileError: null, problems: [], needsWrite: false });
    expect(loaded.config.discordClientId).toBe('112233445566778899');
    expect(loaded.config.privacy.preset).toBe('minimal');
  });

  it('invalid UTF-8 is never decoded and rewritten: the settings save backs up the exact bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"discord_client_id": "'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    await writeFile(path, bytes);
    expect((await loadConfig(path)).fileError).toMatch(/not UTF-8/);
    await expect(repairConfig(path, NOW)).rejects.toBeInstanceOf(ConfigFileError);
    expect((await readFile(path)).equals(bytes)).toBe(true);
    const file = settingsFile(path);
    const loaded = await file.load();
    const result = await file.save(loaded.config);
    expect(result.backups).toHaveLength(1);
    expect((await readFile(result.backups[0] ?? '')).equals(bytes)).toBe(true);
    expect((await loadConfig(path)).fileError).toBeNull();
  });

  it('a repair backs up the bytes of a file with invalid values, and replaces only those values', async () => {
    const text = JSON.stringify({
      presence_schema_version: 7,
      discord_client_id: '123456789012345678',
      idle: { after_minutes: -4, behaviour: 'explode', mine: 1 },
      general: { theme: 'dark', stale_minutes: 'soon' },
      buttons: [{ label: 'x', url: 'http://insecure.example' }],
    });
    await writeFile(path, text);
    const loaded = await loadConfig(path);
    expect(loaded.problems).toHaveLength(4);
    expect(await readFile(path, 'utf8')).toBe(text);
    const result = await repairConfig(path, NOW);
    expect(await readFile(result.backups[0] ?? '', 'utf8')).toBe(text);
    const written = await readJson(path);
    expect(written.idle).toEqual({ after_minutes: 10, behaviour: 'show', mine: 1 });
    expect((written.general as Obj).theme).toBe('dark');
    expect(written.discord_client_id).toBe('123456789012345678');
  });

  it('a read-only (0444) file is refused with a message, never made writable', async () => {
    const text = JSON.stringify({ ...rustV5 });
    await writeFile(path, text);
    await chmod(path, 0o444);
    await expect(repairConfig(path, NOW)).rejects.toThrow(/is read-only \(mode 0444\).*chmod u\+w/);
    const file = settingsFile(path);
    const loaded = await file.load();
    await expect(file.save(loaded.config)).rejects.toThrow(/read-only/);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await readdir(dir)).toEqual(['discord-presence-config.json']);
  });

  it('a write keeps the file’s mode; a new file is created 0600', async () => {
    const file = settingsFile(path);
    const loaded = await file.load();
    await file.save(loaded.config);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await chmod(path, 0o640);
    const s = (await file.load()).config;
    s.general.theme = 'light';
    await file.save(s);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['discord-presence-config.json']);
  });
});

describe('privacy fails closed', () => {
  it.each([
    [{ preset: 'Minimal' }, /privacy\.preset was "Minimal"/],
    [{ preset: 'standard', enabled: 'true' }, /privacy\.enabled was "true"/],
    [{ preset: 'detailed', show_project_name: 'yes' }, /privacy\.show_project_name was "yes"/],
    ['minimal', /privacy was "minimal", not an object/],
  ])('%j → the most private preset, with a warning', async (privacy, message) => {
    await writeFile(
      path,
      JSON.stringify({ presence_schema_version: 7, discord_client_id: '123456789012345678', privacy }),
    );
    const loaded = await loadConfig(path);
    expect(resolvePrivacy(loaded.config.privacy)).toMatchObject({
      minimal: true,
      project: false,
      model: false,
      tokens: false,
      limits: false,
    });
    expect(loaded.problems.join('\n')).toMatch(message);
    expect(loaded.problems.join('\n')).toMatch(/most private preset, "minimal"/);
  });
});

describe('writers take turns', () => {
  it('a lock left by a crashed writer is stale after a few seconds and taken over', async () => {
    await writeFile(`${path}.lock`, '999999 0 x');
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    await writeConfig(path, () => defaultSettings(), { createFolder: true });
    expect(await readdir(dir)).toEqual(['discord-presence-config.json']);
  });

  it('a writer that died mid-swap left its file aside: the next write puts it back first', async () => {
    const text = JSON.stringify({ presence_schema_version: 7, my_key: 'kept', idle: { after_minutes: -1 } });
    await writeFile(`${path}.4242.abcdefgh.aside`, text);
    expect((await loadConfig(path)).raw?.my_key).toBe('kept');
    await repairConfig(path, NOW);
    expect(await readJson(path)).toMatchObject({ my_key: 'kept', idle: { after_minutes: 10 } });
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.aside'))).toEqual([]);
    const backup = files.find((f) => f.endsWith('.bak')) ?? '';
    expect(await readFile(join(dir, backup), 'utf8')).toBe(text);
  });

  it('many writers in one process never lose a change', async () => {
    await writeFile(path, JSON.stringify({ presence_schema_version: 7 }));
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        writeConfig(path, (current) => ({
          ...current.config,
          ignoreProjects: [...current.config.ignoreProjects, `p${i}`],
        })),
      ),
    );
    expect(((await readJson(path)).ignore_projects as string[]).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `p${i}`).sort(),
    );
  });
});
