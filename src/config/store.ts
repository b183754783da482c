import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { quoted } from '../format/quoted.js';
import { bytesFill, fileStamp, linkExclusive, tempName, writeNew, writeNewUnder } from '../fs/atomic.js';
import { describeFailure, readBounded } from '../fs/readBounded.js';
import { LinkLoopError, linkTarget } from '../fs/linkTarget.js';
import type { Settings } from '../contract/index.js';
import { normalizeFile } from '../settings/fromFile.js';
import { isObject } from '../settings/kinds.js';
import type { Kept } from '../settings/migrations.js';
import { defaultSettings } from '../settings/settings.js';
import { withFileLock } from './lock.js';
import { serializeConfig } from './serialize.js';

/**
 * The config file, `$CODEX_HOME/discord-presence-config.json`: the same file
 * and the same key names the earlier Rust tool used, so its users keep their
 * settings (src/settings/migrations.ts). Keys this app does not use are kept
 * on every write.
 */
export const CONFIG_FILE_NAME = 'discord-presence-config.json';

/**
 * What reading the config found. Reading never writes: `status`, `doctor`
 * and the tray app's start only report what a write would repair or migrate
 * (issue 11). The writers are `run` (once, at start), `config migrate` and
 * the settings window, all through `writeConfig`.
 */
export interface LoadedConfig {
  /** The settings the file holds (defaults for what it does not, or when it cannot be used). */
  config: Settings;
  /** The file as parsed, unknown keys included; null when it is missing or cannot be used. */
  raw: Record<string, unknown> | null;
  /** Values a migration took out of use and keeps in the file (`legacy_discord_client_id`…). */
  kept: Kept;
  path: string;
  exists: boolean;
  /**
   * The file cannot be used at all (not a JSON object, not UTF-8, unreadable,
   * not a regular file, over MAX_CONFIG_BYTES, its folder missing). Defaults
   * are used and nothing overwrites it, except an explicit save from the
   * settings window over a regular file it could read, which backs it up first.
   */
  fileError: string | null;
  /** Why values were replaced by defaults in memory (empty when the file is fine). */
  problems: string[];
  /** The Rust tool's schema version, when a write would migrate its file. */
  migratedFrom: number | null;
  /** A write would change the file: it has problems, or it is the Rust tool's and needs migrating. */
  needsWrite: boolean;
}

export interface WriteResult {
  config: Settings;
  /** The file that holds the config: the path written to, or the target of its symlinks (written through). */
  writtenTo: string;
  /** Whether the file changed (false when it already held exactly this). */
  written: boolean;
  /** Byte-for-byte copies of what was replaced: the original before a repair or migration. */
  backups: string[];
}

/** A config file that no writer may touch, or a write that cannot be done; the message names the file. */
export class ConfigFileError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/** What to do about a config that is not used (`LoadedConfig.fileError`): it is never overwritten. */
export const UNUSABLE_FIX = 'Fix it, or move it away to start from defaults.';

export function configPath(codexHome: string, explicit?: string | null): string {
  return explicit !== undefined && explicit !== null && explicit.trim() !== ''
    ? explicit
    : join(codexHome, CONFIG_FILE_NAME);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * A config is a few kilobytes; a larger file is not read at all (issue 21
 * §1): a symlink to a growing log, or a file filled by mistake, must not fill
 * memory before it is found not to be a config.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

interface Parsed {
  /** The parsed object, or null when the file is missing or unusable. */
  raw: Record<string, unknown> | null;
  /** The file's text as read (without the byte order mark), for a write that edits it in place. */
  text: string | null;
  /** It began with a UTF-8 byte order mark (Notepad): a write keeps it. */
  bom: boolean;
  fileError: string | null;
  problems: string[];
  migratedFrom: number | null;
  kept: Kept;
  config: Settings;
}

/** Pure: bytes as an editor wrote them (Notepad's BOM included) to a config and what is wrong with it. */
export function parseConfigBytes(bytes: Buffer | null): Parsed {
  const none = {
    raw: null,
    text: null,
    bom: false,
    problems: [],
    migratedFrom: null,
    kept: {},
    config: defaultSettings(),
  };
  if (bytes === null) return { ...none, fileError: null };
  const bom = bytes.subarray(0, 3).equals(BOM);
  const body = bom ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ...none, fileError: 'it is not UTF-8 text' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ...none, fileError: `it is not valid JSON (${quoted((error as Error).message)})` };
  }
  if (!isObject(raw)) return { ...none, fileError: `it is JSON but not an object (${describe(raw)})` };
  const n = normalizeFile(raw);
  return {
    raw,
    text,
    bom,
    fileError: null,
    problems: n.problems,
    migratedFrom: n.migratedFrom,
    kept: n.kept,
    config: n.settings,
  };
}

/** The bytes a write puts in the file: the file's text with the keys this app owns set, its BOM kept. */
function renderConfig(parsed: Parsed, config: Settings): Buffer {
  const original = parsed.raw !== null && parsed.text !== null ? { raw: parsed.raw, text: parsed.text } : null;
  const text = Buffer.from(serializeConfig(original, config), 'utf8');
  return parsed.bom ? Buffer.concat([BOM, text]) : text;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

interface FileState {
  bytes: Buffer | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  /** Why the file, which is there, was not read: not a regular file, too large, not readable. */
  unreadable: string | null;
}

const NO_FILE: FileState = { bytes: null, mode: null, uid: null, gid: null, unreadable: null };

/**
 * The file's bytes, read the one way inputs are read (src/fs/readBounded.ts):
 * a FIFO at the path, or a symlink to /dev/zero, is reported at once instead
 * of blocking or filling memory, and so is a file over MAX_CONFIG_BYTES.
 */
async function readState(file: string): Promise<FileState> {
  const read = await readBounded(file, MAX_CONFIG_BYTES);
  switch (read.kind) {
    case 'read':
      return {
        bytes: read.bytes,
        mode: read.info.mode & 0o7777,
        uid: read.info.uid,
        gid: read.info.gid,
        unreadable: null,
      };
    case 'missing':
      return NO_FILE;
    case 'error':
      return { ...NO_FILE, unreadable: `it is ${read.reason}` };
    default:
      return { ...NO_FILE, unreadable: describeFailure(read) };
  }
}

/** A file of ours (a moved-aside copy): its bytes, or null when it is gone; never blocks on what is not a file. */
async function readOwn(file: string): Promise<Buffer | null> {
  const read = await readBounded(file, MAX_CONFIG_BYTES);
  if (read.kind === 'read') return read.bytes;
  if (read.kind === 'missing') return null;
  throw new ConfigFileError(`${quoted(file)}: ${describeFailure(read)}`, file);
}

/**
 * The file a write replaces: `path` itself, or the file its symlinks lead to
 * (a dotfiles manager's link), so that the target is replaced next to itself
 * and the link stays a link. `loadConfig` reads (and waits on the lock of)
 * the same file.
 */
async function configTarget(path: string): Promise<{ target: string; linked: boolean }> {
  try {
    return await linkTarget(path);
  } catch (error) {
    if (error instanceof LinkLoopError) {
      throw new ConfigFileError(
        `${quoted(path)} is not used and not overwritten: it is a symlink loop (ELOOP). ${UNUSABLE_FIX}`,
        path,
      );
    }
    throw error;
  }
}

/**
 * Reads the config without writing anything. A missing file gives the
 * defaults; with `folderMustExist` (an explicit --config) a missing folder is
 * an error, as it is surely a typo. A file that is there but cannot be read
 * as a regular file of at most MAX_CONFIG_BYTES is reported, never waited on.
 */
export async function loadConfig(path: string, opts: { folderMustExist?: boolean } = {}): Promise<LoadedConfig> {
  let target: string;
  let state: FileState;
  try {
    target = (await linkTarget(path)).target;
    state = await readSettled(target);
  } catch (error) {
    const reason =
      error instanceof LinkLoopError ? 'it is a symlink loop (ELOOP)' : `it could not be read (${errCode(error)})`;
    return result(path, true, { ...parseConfigBytes(null), fileError: reason });
  }
  if (state.unreadable !== null) return result(path, true, { ...parseConfigBytes(null), fileError: state.unreadable });
  if (state.bytes === null) {
    // A writer that died mid-swap left the file aside (the next write puts it back): read that.
    const aside = await asidesOf(target).then((a) => a[0]);
    const held = aside === undefined ? null : await readOwn(aside).catch(() => null);
    if (held !== null) return result(path, true, parseConfigBytes(held));
    const folder = dirname(path);
    const folderError =
      opts.folderMustExist === true && !(await isDirectory(folder))
        ? `its folder ${quoted(folder)} does not exist`
        : null;
    return result(path, false, { ...parseConfigBytes(null), fileError: folderError });
  }
  return result(path, true, parseConfigBytes(state.bytes));
}

function result(path: string, exists: boolean, p: Parsed): LoadedConfig {
  return {
    config: p.config,
    raw: p.raw,
    kept: p.kept,
    path,
    exists,
    fileError: p.fileError,
    problems: p.problems,
    migratedFrom: p.migratedFrom,
    needsWrite: p.fileError === null && exists && (p.problems.length > 0 || p.migratedFrom !== null),
  };
}

/**
 * A writer moves the file aside for an instant while it swaps in the new one
 * (see `swapIn`). A reader that finds no file while a fresh lock exists waits
 * for that writer instead of taking the defaults.
 */
async function readSettled(file: string): Promise<FileState> {
  for (let i = 0; ; i++) {
    const state = await readState(file);
    if (state.bytes !== null || state.unreadable !== null || i >= 50) return state;
    try {
      const lock = await stat(`${file}.lock`);
      if (Date.now() - lock.mtimeMs > 5000) return state;
    } catch {
      return state;
    }
    await sleep(10);
  }
}

export interface WriteOptions {
  now?: Date;
  /**
   * The settings window saves over a file that is not a JSON object (after a
   * byte-for-byte backup): the user chose to. `run` and `config migrate` never do.
   */
  replaceUnusable?: boolean;
  /** Create the config's folder when it is missing (the settings window, before Codex ever ran). */
  createFolder?: boolean;
}

/**
 * Writes the config under a short lock, without losing anyone's change:
 * `update` gets what the file holds right now and returns what to store; only
 * the keys this app owns are written, every other key (and nested key) stays
 * as it is in the file, text included (`serializeConfig`). The file is
 * compared before it is replaced, and `update` runs again when someone
 * changed it in between. Before a repair or migration replaces values, the
 * original bytes are copied to `<file>.<timestamp>.bak`. Mode and owner are
 * kept; a read-only file is refused, never made writable. A symlinked config
 * is written through: its target is replaced next to itself (backups go
 * there too) and the link stays a link. `update` returns null to leave the
 * file as it is.
 */
export async function writeConfig(
  path: string,
  update: (current: LoadedConfig) => Settings | null,
  options: WriteOptions = {},
): Promise<WriteResult> {
  if (options.createFolder === true) await mkdir(dirname(path), { recursive: true });
  const { target, linked } = await configTarget(path);
  const name = linked ? `${quoted(path)} (a symlink to ${quoted(target)})` : quoted(path);
  const folder = dirname(target);
  if (!(await isDirectory(folder))) {
    throw new ConfigFileError(`cannot write ${name}: its folder ${quoted(folder)} does not exist`, path);
  }
  try {
    return await withFileLock(`${target}.lock`, () => writeLocked({ path, target, name }, update, options));
  } catch (error) {
    if (error instanceof ConfigFileError) throw error;
    throw new ConfigFileError(`cannot write ${name}: ${quoted(errText(error))}`, path);
  }
}

const ATTEMPTS = 20;

/** The config as the user named it (`path`), the file that holds it (`target`), and both in words for messages. */
interface ConfigFile {
  path: string;
  target: string;
  name: string;
}

async function writeLocked(
  file: ConfigFile,
  update: (current: LoadedConfig) => Settings | null,
  options: WriteOptions,
): Promise<WriteResult> {
  const { path, target, name } = file;
  const now = options.now ?? new Date();
  const backups: string[] = [];
  const backedUp = new Set<string>();
  await recoverAside(target, now, backups);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await readState(target);
    // Not a regular file, too large, not readable: never replaced, not even by the settings window.
    if (before.unreadable !== null) {
      throw new ConfigFileError(`${name} is not used and not overwritten: ${before.unreadable}. ${UNUSABLE_FIX}`, path);
    }
    if (before.bytes !== null && process.platform !== 'win32' && ((before.mode ?? 0) & 0o200) === 0) {
      throw new ConfigFileError(
        `${name} is read-only (mode ${(before.mode ?? 0).toString(8).padStart(4, '0')}); it is left as it is. ` +
          `Make it writable (chmod u+w "${quoted(target)}") to save settings.`,
        path,
      );
    }
    const parsed = parseConfigBytes(before.bytes);
    if (parsed.fileError !== null && options.replaceUnusable !== true) {
      throw new ConfigFileError(`${name} is not used and not overwritten: ${parsed.fileError}. ${UNUSABLE_FIX}`, path);
    }
    const current = result(path, before.bytes !== null, parsed);
    const next = update(current);
    const unchanged = { config: next ?? current.config, written: false, backups, writtenTo: target };
    if (next === null) return unchanged;
    const out = renderConfig(parsed, next);
    if (before.bytes !== null && out.equals(before.bytes)) return unchanged;

    const replacesValues = parsed.fileError !== null || parsed.problems.length > 0 || parsed.migratedFrom !== null;
    if (before.bytes !== null && replacesValues) {
      const key = before.bytes.toString('base64');
      if (!backedUp.has(key)) {
        backups.push(await writeBackup(target, before.bytes, now));
        backedUp.add(key);
      }
    }
    const tmp = await writeTemp(file, out, before);
    const swapped = await swapIn(target, tmp, before.bytes, now, backups).finally(() =>
      unlink(tmp).catch(() => undefined),
    );
    if (swapped) return { config: next, written: true, backups, writtenTo: target };
  }
  throw new ConfigFileError(`${name} kept changing while it was being written; nothing was replaced`, path);
}

async function writeTemp(file: ConfigFile, bytes: Buffer, before: FileState): Promise<string> {
  const tmp = tempName(file.target);
  await writeNew(tmp, async (handle) => {
    await handle.writeFile(bytes);
    if (before.mode === null || process.platform === 'win32') return;
    // Keep the file's mode and owner: a rename would otherwise leave ours.
    await handle.chmod(before.mode);
    const uid = before.uid ?? -1;
    const gid = before.gid ?? -1;
    if (uid !== process.getuid?.() || gid !== process.getgid?.()) {
      try {
        await handle.chown(uid, gid);
      } catch {
        throw new ConfigFileError(
          `${file.name} belongs to another user (uid ${uid}); replacing it would change its owner, so it is left as it is`,
          file.path,
        );
      }
    }
  });
  return tmp;
}

/**
 * Replaces `path` by `tmp` only if it still holds `expected` (null: does not
 * exist). POSIX has no compare-and-rename, so the current file is first moved
 * aside (atomic), compared there, and the new one is linked in with an
 * exclusive create: a save that lands at any point either makes the compare
 * fail (and the caller merges again) or wins the exclusive create. Returns
 * false when the file changed and the caller should start over.
 */
async function swapIn(
  path: string,
  tmp: string,
  expected: Buffer | null,
  now: Date,
  backups: string[],
): Promise<boolean> {
  if (expected === null) return placeOwn(tmp, path);
  const aside = tempName(path, 'aside');
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const held = await readOwn(aside);
  if (held === null || !held.equals(expected)) {
    // Changed between our read and the move: put it back untouched and merge again.
    await putBack(aside, path, now, backups);
    return false;
  }
  if (!(await placeOwn(tmp, path))) {
    // Someone created a new file meanwhile; theirs stays, ours is redone on top of it.
    await unlink(aside);
    return false;
  }
  const late = await readOwn(aside);
  if (late !== null && !late.equals(expected)) {
    // A writer that had the old file open wrote into it after the move: keep that too.
    backups.push(await writeBackup(path, late, now));
  }
  await unlink(aside);
  return true;
}

/**
 * A writer that died between moving the file aside and linking the new one in
 * left no file and a `.aside`: put it back. One that died after the link left
 * the old version aside: keep it as a backup. Runs under the lock.
 */
async function recoverAside(path: string, now: Date, backups: string[]): Promise<void> {
  for (const aside of await asidesOf(path)) {
    if (await placeOwn(aside, path)) await unlink(aside);
    else {
      const held = await readOwn(aside);
      if (held !== null) backups.push(await writeBackup(path, held, now));
      await unlink(aside);
    }
  }
}

async function asidesOf(path: string): Promise<string[]> {
  const name = basename(path);
  return (await readdir(dirname(path)).catch(() => [] as string[]))
    .filter((f) => f.startsWith(`${name}.`) && f.endsWith('.aside'))
    .map((f) => join(dirname(path), f));
}

async function putBack(aside: string, path: string, now: Date, backups: string[]): Promise<void> {
  if (await placeOwn(aside, path)) {
    await unlink(aside);
    return;
  }
  // A third writer created the file meanwhile: the moved-aside version is kept as a backup.
  const held = await readOwn(aside);
  if (held !== null) backups.push(await writeBackup(path, held, now));
  await unlink(aside);
}

/** Puts a file of ours (a temporary or moved-aside copy) at `to` only if nothing is there (`linkExclusive`). */
function placeOwn(from: string, to: string): Promise<boolean> {
  return linkExclusive(from, to, async () => (await readOwn(from)) ?? Buffer.alloc(0));
}

/** `<file>.<timestamp>.bak`, the exact bytes (not decoded text: invalid UTF-8 survives). */
function writeBackup(path: string, bytes: Buffer, now: Date): Promise<string> {
  return writeNewUnder(backupNames(path, now), bytesFill(bytes));
}

function* backupNames(path: string, now: Date): Generator<string> {
  const stamp = fileStamp(now);
  for (let n = 0; n <= 1001; n++) yield `${path}.${stamp}${n === 0 ? '' : `-${n}`}.bak`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function errText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? quoted(errText(error));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `run` and `config migrate`: writes what a load repaired or migrated, if
 * anything. A missing file stays missing; a file that is not a JSON object is
 * refused (ConfigFileError).
 */
export function repairConfig(path: string, now: Date = new Date()): Promise<WriteResult> {
  return writeConfig(path, (current) => (current.exists && current.needsWrite ? current.config : null), { now });
}
