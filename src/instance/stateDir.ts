import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const FOLDER = 'codex-discord-presence';

/**
 * Where the single-publisher lock lives: a folder this app owns, never the
 * Codex home (which may not exist yet on a first run, and is not ours).
 * `$CODEX_PRESENCE_STATE_DIR` overrides it (tests, unusual setups); then the
 * runtime folder (`$XDG_RUNTIME_DIR`, per user and cleared at logout), then the
 * per-user state folder of the platform. The CLI and the app compute it the
 * same way, so they see each other's lock.
 */
export function presenceStateDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  userHome: string = homedir(),
): string {
  const explicit = env.CODEX_PRESENCE_STATE_DIR?.trim();
  if (explicit) return resolve(explicit);
  if (platform === 'win32') return join(env.LOCALAPPDATA?.trim() || join(userHome, 'AppData', 'Local'), FOLDER);
  if (platform === 'darwin') return join(userHome, 'Library', 'Application Support', FOLDER);
  const runtime = env.XDG_RUNTIME_DIR?.trim();
  if (runtime) return join(runtime, FOLDER);
  return join(env.XDG_STATE_HOME?.trim() || join(userHome, '.local', 'state'), FOLDER);
}
