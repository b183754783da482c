import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodexHomeCheck } from '../src/contract/index.js';
import { resolveCodexHome } from '../src/codex/home.js';
import type { Settings } from '../src/contract/index.js';
import { listRolloutFiles } from '../src/rollout/files.js';

/** The Codex home the app reads: the one set in Settings, else $CODEX_HOME, else ~/.codex. */
export function codexHomeOf(config: Settings, env: NodeJS.ProcessEnv): string {
  return resolveCodexHome({ explicit: config.general.codexHome || null, env });
}

/** For the settings window: does this folder look like a Codex home, and how many sessions are there? */
export async function inspectCodexHome(path: string, env: NodeJS.ProcessEnv): Promise<CodexHomeCheck> {
  const home = resolveCodexHome({ explicit: path.trim() || null, env });
  const exists = await stat(home).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return { path: home, exists, sessionFiles: exists ? listRolloutFiles(join(home, 'sessions')).length : 0 };
}
