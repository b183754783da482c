import { access, constants, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Where the codex binary was found, or why not. */
export type CodexLocation = { found: true; path: string } | { found: false; reason: string };

export const CODEX_MISSING_HINT = 'install Codex or set CODEX_BIN to see limits without a session';

/**
 * Finds the codex CLI: `$CODEX_BIN` when set (and then only there: a wrong
 * path is reported, not silently replaced), else `codex` on PATH (on macOS
 * also Homebrew's folders). On Windows npm installs `codex.cmd`; a native
 * install is `codex.exe`.
 */
export async function findCodex(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<CodexLocation> {
  const explicit = env.CODEX_BIN?.trim();
  if (explicit) {
    const path = resolve(explicit);
    if (await isRunnable(path, platform)) return { found: true, path };
    return { found: false, reason: `CODEX_BIN is set to ${path}, which is not a runnable file` };
  }
  const pathVar = (platform === 'win32' ? (env.Path ?? env.PATH) : env.PATH) ?? '';
  const names = platform === 'win32' ? ['codex.cmd', 'codex.exe', 'codex.bat'] : ['codex'];
  const dirs = pathVar.split(platform === 'win32' ? ';' : delimiter);
  // An app started from Finder or the Dock gets launchd's PATH (/usr/bin:/bin:…),
  // which misses Homebrew's and npm's usual global folders.
  if (platform === 'darwin') dirs.push('/opt/homebrew/bin', '/usr/local/bin');
  for (const dir of dirs) {
    // An empty or relative PATH entry means "the current folder": never run codex from there.
    if (dir === '' || !isAbsolute(dir)) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (await isRunnable(candidate, platform)) return { found: true, path: candidate };
    }
  }
  return { found: false, reason: `codex was not found on PATH: ${CODEX_MISSING_HINT}` };
}

async function isRunnable(path: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    if (platform !== 'win32') await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
