import { constants } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withFileLock } from './lock.js';
import { isObj, normalizeConfig } from './normalize.js';
import { CONFIG_FILE_NAME, defaultConfig, type PresenceConfig } from './schema.js';
import { serializeConfig } from './serialize.js';

/**
 * What reading the config found. Reading never writes: `status`, `doctor`
 * and the tray app's start only report what a write would repair or migrate
 * (issue 11). The writers are `run` (once, at start), `config migrate` and
 * the settings window, all through `writeConfig`.
 */
export interface LoadedConfig {
  config: PresenceConfig;
  path: string;
  exists: boolean;
  /**
   * The file cannot be used at all (not a JSON object, not UTF-8, unreadable,
   * its folder missing). Defaults are used and nothing overwrites it except
   * an explicit save from the settings window, which backs it up first.
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
  config: PresenceConfig;
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

export function configPath(codexHome: string, explicit?: string | null): string {
  return explicit !== undefined && explicit !== null && explicit.trim() !== ''
    ? explicit
    : join(codexHome, CONFIG_FILE_NAME);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Parsed {
  /** The parsed object, or null when the file is missing or unusable. */
  raw: Record<string, unknown> | null;
  fileError: string | null;
  problems: string[];
  migratedFrom: number | null;
  config: PresenceConfig;
}

/** Pure: bytes as an editor wrote them (Notepad's BOM included) to a config and what is wrong with it. */
export function parseConfigBytes(bytes: Buffer | null): Parsed {
  const none = { raw: null, problems: [], migratedFrom: null, config: defaultConfig() };
  if (bytes === null) return { ...none, fileError: null };
  const body = bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
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
    return { ...none, fileError: `it is not valid JSON (${(error as Error).message})` };
  }
  if (!isObj(raw)) return { ...none, fileError: `it is JSON but not an object (${describe(raw)})` };
  const n = normalizeConfig(raw);
  return { raw, fileError: null, problems: n.problems, migratedFrom: n.migratedFrom, config: n.config };
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

interface FileState {
  bytes: Buffer | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
}

async function readState(path: string): Promise<FileState> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // ENOTDIR: a folder on the path is a file (a Codex home that is a file), so no config can be there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { bytes: null, mode: null, uid: null, gid: null };
    throw error;
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new ConfigFileError(`${path} is not a regular file`, path);
    return { bytes: await handle.readFile(), mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
  } finally {
    await handle.close();
  }
}

/**
 * Reads the config without writing anything. A missing file gives the
 * defaults; with `folderMustExist` (an explicit --config) a missing folder is
 * an error, as it is surely a typo.
 */
export async function loadConfig(path: string, opts: { folderMustExist?: boolean } = {}): Promise<LoadedConfig> {
  let state: FileState;
  try {
    state = await readSettled(path);
  } catch (error) {
    const reason = error instanceof ConfigFileError ? error.message : `could not read ${path}: ${errText(error)}`;
    return result(path, true, { ...parseConfigBytes(null), fileError: reason });
  }
  if (state.bytes === null) {
    // A writer that died mid-swap left the file aside (the next write puts it back): read that.
    const aside = await asidesOf(path).then((a) => a[0]);
    if (aside !== undefined) return result(path, true, parseConfigBytes(await readFile(aside)));
    const folder = dirname(path);
    const folderError =
      opts.folderMustExist === true && !(await isDirectory(folder)) ? `its folder ${folder} does not exist` : null;
    return result(path, false, { ...parseConfigBytes(null), fileError: folderError });
  }
  return result(path, true, parseConfigBytes(state.bytes));
}

function result(path: string, exists: boolean, p: Parsed): LoadedConfig {
  return {
    config: p.config,
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
async function readSettled(path: string): Promise<FileState> {
  for (let i = 0; ; i++) {
    const state = await readState(path);
    if (state.bytes !== null || i >= 50) return state;
    try {
      const lock = await stat(`${path}.lock`);
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
 * as it is in the file. The file is compared before it is replaced, and
 * `update` runs again when someone changed it in between. Before a repair or
 * migration replaces values, the original bytes are copied to
 * `<file>.<timestamp>.bak`. Mode and owner are kept; a read-only file is
 * refused, never made writable. `update` returns null to leave the file as it is.
 */
export async function writeConfig(
  path: string,
  update: (current: LoadedConfig) => PresenceConfig | null,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const folder = dirname(path);
  if (options.createFolder === true) await mkdir(folder, { recursive: true });
  else if (!(await isDirectory(folder))) {
    throw new ConfigFileError(`cannot write ${path}: its folder ${folder} does not exist`, path);
  }
  try {
    return await withFileLock(`${path}.lock`, () => writeLocked(path, update, options));
  } catch (error) {
    if (error instanceof ConfigFileError) throw error;
    throw new ConfigFileError(`cannot write ${path}: ${errText(error)}`, path);
  }
}

const ATTEMPTS = 20;

async function writeLocked(
  path: string,
  update: (current: LoadedConfig) => PresenceConfig | null,
  options: WriteOptions,
): Promise<WriteResult> {
  const backups: string[] = [];
  const backedUp = new Set<string>();
  await recoverAside(path, options.now ?? new Date(), backups);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await readState(path);
    if (before.bytes !== null && process.platform !== 'win32' && ((before.mode ?? 0) & 0o200) === 0) {
      throw new ConfigFileError(
        `${path} is read-only (mode ${(before.mode ?? 0).toString(8).padStart(4, '0')}); it is left as it is. ` +
          `Make it writable (chmod u+w "${path}") to save settings.`,
        path,
      );
    }
    const parsed = parseConfigBytes(before.bytes);
    if (parsed.fileError !== null && options.replaceUnusable !== true) {
      throw new ConfigFileError(
        `${path} is not used and not overwritten: ${parsed.fileError}. Fix it, or move it away to start from defaults.`,
        path,
      );
    }
    const current = result(path, before.bytes !== null, parsed);
    const next = update(current);
    if (next === null) return { config: current.config, written: false, backups };
    const out = Buffer.from(serializeConfig(parsed.raw, next), 'utf8');
    if (before.bytes !== null && out.equals(before.bytes)) return { config: next, written: false, backups };

    const replacesValues = parsed.fileError !== null || parsed.problems.length > 0 || parsed.migratedFrom !== null;
    if (before.bytes !== null && replacesValues) {
      const key = before.bytes.toString('base64');
      if (!backedUp.has(key)) {
        backups.push(await writeBackup(path, before.bytes, options.now ?? new Date()));
        backedUp.add(key);
      }
    }
    const tmp = await writeTemp(path, out, before);
    const swapped = await swapIn(path, tmp, before.bytes, options.now ?? new Date(), backups).finally(() =>
      unlink(tmp).catch(() => undefined),
    );
    if (swapped) return { config: next, written: true, backups };
  }
  throw new ConfigFileError(`${path} kept changing while it was being written; nothing was replaced`, path);
}

async function writeTemp(path: string, bytes: Buffer, before: FileState): Promise<string> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    if (before.mode !== null && process.platform !== 'win32') {
      // Keep the file's mode and owner: a rename would otherwise leave ours.
      await handle.chmod(before.mode);
      const uid = before.uid ?? -1;
      const gid = before.gid ?? -1;
      if (uid !== process.getuid?.() || gid !== process.getgid?.()) {
        try {
          await handle.chown(uid, gid);
        } catch {
          throw new ConfigFileError(
            `${path} belongs to another user (uid ${uid}); replacing it would change its owner, so it is left as it is`,
            path,
          );
        }
      }
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await handle.close();
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
  if (expected === null) return linkExclusive(tmp, path);
  const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.aside`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const held = await readFile(aside);
  if (!held.equals(expected)) {
    // Changed between our read and the move: put it back untouched and merge again.
    await putBack(aside, path, now, backups);
    return false;
  }
  if (!(await linkExclusive(tmp, path))) {
    // Someone created a new file meanwhile; theirs stays, ours is redone on top of it.
    await unlink(aside);
    return false;
  }
  const late = await readFile(aside);
  if (!late.equals(expected)) {
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
    if (await linkExclusive(aside, path)) await unlink(aside);
    else {
      backups.push(await writeBackup(path, await readFile(aside), now));
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
  if (await linkExclusive(aside, path)) {
    await unlink(aside);
    return;
  }
  // A third writer created the file meanwhile: the moved-aside version is kept as a backup.
  backups.push(await writeBackup(path, await readFile(aside), now));
  await unlink(aside);
}

/** link() fails when the target exists, so it is an exclusive create that places finished content. */
async function linkExclusive(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  }
  // File systems without hard links (FAT, some network shares): copy with an exclusive create.
  try {
    const handle = await open(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(await readFile(from));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** `<file>.<timestamp>.bak`, the exact bytes (not decoded text: invalid UTF-8 survives). */
async function writeBackup(path: string, bytes: Buffer, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let n = 0; ; n++) {
    const backup = `${path}.${stamp}${n === 0 ? '' : `-${n}`}.bak`;
    try {
      const handle = await open(backup, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw error;
    }
  }
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
