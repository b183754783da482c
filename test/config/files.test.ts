import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsFile } from '../../src/config/settingsFile.js';
import { ConfigFileError, loadConfig, MAX_CONFIG_BYTES, repairConfig } from '../../src/config/store.js';

// Issue 21: the config is an input like the rollouts (regular files only, never blocking, bounded), a
// symlinked config (dotfiles managers) is written through to its target, and a write keeps the file's BOM
// and line ending.
const posix = process.platform !== 'win32';
let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-config-files-'));
  path = join(dir, 'discord-presence-config.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-21T12:00:00Z');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
// The Rust tool's file: a write migrates it (and so backs it up first).
const RUST = '{\n  "schema_version": 5,\n  "discord_client_id": "112233445566778899",\n  "pricing": { "in": 1.0 }\n}\n';

describe.skipIf(!posix)('a config that is not a regular file is reported at once, and never replaced', () => {
  const cases: Array<[string, () => Promise<void>, RegExp]> = [
    ['a FIFO', async () => void execFileSync('mkfifo', [path]), /it is a FIFO \(named pipe\), not a regular file/],
    ['a symlink to /dev/zero', () => symlink('/dev/zero', path), /it is a device, not a regular file/],
    [
      'a symlink to a FIFO',
      async () => {
        execFileSync('mkfifo', [join(dir, 'pipe')]);
        await symlink(join(dir, 'pipe'), path);
      },
      /it is a FIFO \(named pipe\), not a regular file/,
    ],
    ['a symlink loop', () => symlink(path, path), /symlink loop \(ELOOP\)/],
    ['larger than 1 MB', () => writeFile(path, `{"pad": "${'x'.repeat(MAX_CONFIG_BYTES)}"}`), /larger than 1 MB/],
  ];

  it.each(cases)(
    '%s: loading reports it; run, config migrate and the settings window refuse it',
    async (_what, make, reason) => {
      await make();
      const before = await lstat(path);
      const loaded = await loadConfig(path);
      expect(loaded.fileError).toMatch(reason);
      expect(loaded).toMatchObject({ exists: true, needsWrite: false });
      await expect(repairConfig(path, NOW)).rejects.toBeInstanceOf(ConfigFileError);
      const file = settingsFile(path);
      const settings = (await file.load()).config;
      const save = file.save(settings);
      await expect(save).rejects.toThrow(
        new RegExp(`is not used and not overwritten: .*${reason.source}.*move it away`),
      );
      // Nothing was created or replaced: no backup, no temporary file, no lock.
      const after = await lstat(path);
      expect([after.ino, after.mode, after.size]).toEqual([before.ino, before.mode, before.size]);
      expect((await readdir(dir)).filter((f) => f !== 'pipe')).toEqual(['discord-presence-config.json']);
    },
  );

  it('a file of exactly the bound is read', async () => {
    const text = `{"pad": "${'x'.repeat(MAX_CONFIG_BYTES - 11)}"}`;
    expect(Buffer.byteLength(text)).toBe(MAX_CONFIG_BYTES);
    await writeFile(path, text);
    expect((await loadConfig(path)).fileError).toBeNull();
  });
});

describe.skipIf(!posix)('a symlinked config is written through to its target', () => {
  let dotfiles: string;
  let target: string;
  beforeEach(async () => {
    dotfiles = join(dir, 'dotfiles', 'codex');
    await mkdir(dotfiles, { recursive: true });
    target = join(dotfiles, 'presence.json');
  });

  it('config migrate and run: the link stays a link, the target holds the migration, the backup sits beside it', async () => {
    await writeFile(target, RUST, { mode: 0o640 });
    // Relative, as dotfiles managers (GNU Stow) make them.
    await symlink(join('dotfiles', 'codex', 'presence.json'), path);
    const result = await repairConfig(path, NOW);
    expect(result).toMatchObject({ written: true, writtenTo: target });
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readlink(path)).toBe(join('dotfiles', 'codex', 'presence.json'));
    const written = JSON.parse(await readFile(target, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ schema_version: 5, presence_schema_version: 7 });
    expect(await readFile(target, 'utf8')).toContain('"pricing": { "in": 1.0 }');
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect(result.backups).toEqual([`${target}.2026-11-21T12-00-00-000Z.bak`]);
    expect(await readFile(result.backups[0] ?? '', 'utf8')).toBe(RUST);
    // Nothing was left beside the link; nothing but the backup beside the target.
    expect((await readdir(dir)).sort()).toEqual(['discord-presence-config.json', 'dotfiles']);
    expect((await readdir(dotfiles)).sort()).toEqual(['presence.json', 'presence.json.2026-11-21T12-00-00-000Z.bak']);
    expect((await loadConfig(path)).needsWrite).toBe(false);
  });

  it('a chain of links, the last one relative to a symlinked folder, reaches the real file', async () => {
    await writeFile(target, RUST);
    // home/link-dir -> dotfiles/codex; home/link-dir/alias -> presence.json; path -> home/link-dir/alias.
    await mkdir(join(dir, 'home'));
    await symlink(dotfiles, join(dir, 'home', 'link-dir'));
    await symlink('presence.json', join(dotfiles, 'alias'));
    await symlink(join(dir, 'home', 'link-dir', 'alias'), path);
    expect((await repairConfig(path, NOW)).writtenTo).toBe(target);
    expect((await lstat(join(dotfiles, 'alias'))).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toContain('"presence_schema_version": 7');
  });

  it('the settings window saves through the link, merging as usual', async () => {
    await writeFile(target, '{\n  "presence_schema_version": 7,\n  "my_note": 1.0\n}\n');
    await symlink(target, path);
    const file = settingsFile(path);
    const loaded = await file.load();
    const s = loaded.config;
    s.general.theme = 'dark';
    const result = await file.save(s);
    expect(result.writtenTo).toBe(target);
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toContain('"my_note": 1.0');
    expect((await loadConfig(path)).config.general.theme).toBe('dark');
  });

  it('a link to a file that does not exist yet: the settings window creates the target, not a file over the link', async () => {
    await symlink(target, path);
    expect(await loadConfig(path)).toMatchObject({ exists: false, fileError: null });
    const file = settingsFile(path);
    const loaded = await file.load();
    await file.save(loaded.config);
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect((await loadConfig(path)).exists).toBe(true);
  });

  it('a link whose target folder is missing is refused, naming both', async () => {
    await symlink(join(dir, 'nowhere', 'x.json'), path);
    const file = settingsFile(path);
    const loaded = await file.load();
    await expect(file.save(loaded.config)).rejects.toThrow(
      /a symlink to .*nowhere\/x\.json\): its folder .*nowhere does not exist/,
    );
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
  });
});

describe('a write keeps the file as its editor wrote it', () => {
  it('a BOM and CRLF line endings are kept; only the owned keys change', async () => {
    const text = RUST.replace(/\n/g, '\r\n');
    await writeFile(path, Buffer.concat([BOM, Buffer.from(text)]));
    await repairConfig(path, NOW);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 3).equals(BOM)).toBe(true);
    const out = bytes.subarray(3).toString('utf8');
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(
      out.startsWith(
        '{\r\n  "schema_version": 5,\r\n  "discord_client_id": "112233445566778899",\r\n  "pricing": { "in": 1.0 },',
      ),
    ).toBe(true);
    expect((await loadConfig(path)).needsWrite).toBe(false);
  });

  it('a file without a BOM gets none; LF stays LF', async () => {
    await writeFile(path, RUST);
    await repairConfig(path, NOW);
    const bytes = await readFile(path);
    expect(bytes[0]).toBe('{'.charCodeAt(0));
    expect(bytes.toString('utf8')).not.toContain('\r');
  });
});
