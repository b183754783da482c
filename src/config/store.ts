import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { normalizeConfig } from './normalize.js';
import { CONFIG_FILE_NAME, defaultConfig, type PresenceConfig } from './schema.js';

export interface LoadedConfig {
  config: PresenceConfig;
  path: string;
  exists: boolean;
  /** Where the original was copied before anything in it was replaced. */
  backupPath: string | null;
  /** Why values were replaced (shown to the user; empty when the file was fine). */
  problems: string[];
  migratedFrom: number | null;
}

export function configPath(codexHome: string, explicit?: string | null): string {
  return explicit !== undefined && explicit !== null && explicit.trim() !== ''
    ? explicit
    : join(codexHome, CONFIG_FILE_NAME);
}

/**
 * Loads the config. A missing file gives the defaults (nothing is written).
 * A file that is not JSON, or has invalid values, is first copied next to
 * itself as `<name>.<timestamp>.bak`, then repaired and written back, so the
 * user's original is never lost and the reason is reported.
 */
export async function loadConfig(path: string, now: Date = new Date()): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { config: defaultConfig(), path, exists: false, backupPath: null, problems: [], migratedFrom: null };
    }
    return {
      config: defaultConfig(),
      path,
      exists: true,
      backupPath: null,
      problems: [`could not read ${path}: ${(error as Error).message}; using defaults`],
      migratedFrom: null,
    };
  }
  let raw: unknown;
  let parseProblem: string | null = null;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    parseProblem = `the file is not valid JSON (${(error as Error).message})`;
  }
  const normalized =
    parseProblem === null
      ? normalizeConfig(raw)
      : { config: defaultConfig(), problems: [parseProblem], migratedFrom: null };
  const problems = normalized.problems;
  const needsWrite = problems.length > 0 || normalized.migratedFrom !== null;
  let backupPath: string | null = null;
  if (needsWrite) {
    backupPath = `${path}.${now.toISOString().replace(/[:.]/g, '-')}.bak`;
    await writeAtomic(backupPath, text);
    await saveConfig(path, normalized.config);
  }
  return { config: normalized.config, path, exists: true, backupPath, problems, migratedFrom: normalized.migratedFrom };
}

/** Writes atomically (temporary file, then rename) with mode 0600: the file may hold private settings. */
export async function saveConfig(path: string, config: PresenceConfig): Promise<void> {
  await writeAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  // rename keeps the temp file's mode, but an existing umask may have widened it on some systems.
  await chmod(path, 0o600).catch(() => undefined);
}
