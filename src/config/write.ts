import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Settings } from '../contract/index.js';
import { quoted } from '../format/quoted.js';
import { bytesFill, fileStamp, linkExclusive, tempName, writeNew, writeNewUnder } from '../fs/atomic.js';
import { parseConfigBytes, renderConfig } from './bytes.js';
import { asidesOf, configTarget, isDirectory, readOwn, readState, type FileState } from './fileState.js';
import { ConfigFileError, loadedFrom, UNUSABLE_FIX, type LoadedConfig, type WriteResult } from './loaded.js';
import { withFileLock } from './lock.js';

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
    const current = loadedFrom(path, before.bytes !== null, parsed);
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

function errText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `run` and `config migrate`: writes what a load repaired or migrated, if
 * anything. A missing file stays missing; a file that is not a JSON object is
 * refused (ConfigFileError).
 */
export function repairConfig(path: string, now: Date = new Date()): Promise<WriteResult> {
  return writeConfig(path, (current) => (current.exists && current.needsWrite ? current.config : null), { now });
}
