import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const FOLDER = 'codex-discord-presence';
export const HISTORY_FILE = 'history.jsonl';

/**
 * The app's data folder: where usage history lives (issue 15). Unlike the
 * state folder of the publisher lock (src/instance/stateDir.ts), it must
 * survive logout, so never `$XDG_RUNTIME_DIR`. `$CODEX_PRESENCE_DATA_DIR`
 * overrides it; a `$CODEX_PRESENCE_STATE_DIR` override (tests, unusual setups)
 * is followed too, so one variable keeps a whole instance in one place. The
 * app and the CLI's `run` compute it the same way, so `status` and `history`
 * read what the publisher wrote.
 */
export function presenceDataDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  userHome: string = homedir(),
): string {
  const explicit = env.CODEX_PRESENCE_DATA_DIR?.trim() || env.CODEX_PRESENCE_STATE_DIR?.trim();
  if (explicit) return resolve(explicit);
  if (platform === 'win32') return join(env.LOCALAPPDATA?.trim() || join(userHome, 'AppData', 'Local'), FOLDER);
  if (platform === 'darwin') return join(userHome, 'Library', 'Application Support', FOLDER);
  return join(env.XDG_DATA_HOME?.trim() || join(userHome, '.local', 'share'), FOLDER);
}

export function historyPath(dataDir: string): string {
  return join(dataDir, HISTORY_FILE);
}
