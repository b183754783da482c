import type { Settings } from '../contract/index.js';
import type { Kept } from '../settings/migrations.js';
import type { Parsed } from './bytes.js';

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

/** What a reading of `path` found, from the file's parsed bytes (`exists`: the file is there). */
export function loadedFrom(path: string, exists: boolean, p: Parsed): LoadedConfig {
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
