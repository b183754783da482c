import { dirname, join } from 'node:path';
import { quoted } from '../format/quoted.js';
import { LinkLoopError, linkTarget } from '../fs/linkTarget.js';
import { parseConfigBytes } from './bytes.js';
import { asidesOf, isDirectory, readOwn, readSettled, type FileState } from './fileState.js';
import { loadedFrom, type LoadedConfig } from './loaded.js';

// The config's one public face: reading here, writing in write.ts, the bytes in bytes.ts.
export { MAX_CONFIG_BYTES, parseConfigBytes } from './bytes.js';
export { ConfigFileError, UNUSABLE_FIX, type LoadedConfig, type WriteResult } from './loaded.js';
export { repairConfig, writeConfig, type WriteOptions } from './write.js';

/**
 * The config file, `$CODEX_HOME/discord-presence-config.json`: the same file
 * and the same key names the earlier Rust tool used, so its users keep their
 * settings (src/settings/migrations.ts). Keys this app does not use are kept
 * on every write.
 */
export const CONFIG_FILE_NAME = 'discord-presence-config.json';

export function configPath(codexHome: string, explicit?: string | null): string {
  return explicit !== undefined && explicit !== null && explicit.trim() !== ''
    ? explicit
    : join(codexHome, CONFIG_FILE_NAME);
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
    return loadedFrom(path, true, { ...parseConfigBytes(null), fileError: reason });
  }
  if (state.unreadable !== null)
    return loadedFrom(path, true, { ...parseConfigBytes(null), fileError: state.unreadable });
  if (state.bytes === null) {
    // A writer that died mid-swap left the file aside (the next write puts it back): read that.
    const aside = await asidesOf(target).then((a) => a[0]);
    const held = aside === undefined ? null : await readOwn(aside).catch(() => null);
    if (held !== null) return loadedFrom(path, true, parseConfigBytes(held));
    const folder = dirname(path);
    const folderError =
      opts.folderMustExist === true && !(await isDirectory(folder))
        ? `its folder ${quoted(folder)} does not exist`
        : null;
    return loadedFrom(path, false, { ...parseConfigBytes(null), fileError: folderError });
  }
  return loadedFrom(path, true, parseConfigBytes(state.bytes));
}

function errText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? quoted(errText(error));
}
