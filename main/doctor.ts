import type { DoctorResult } from '../src/contract/index.js';
import { loadConfig } from '../src/config/store.js';
import { diagnose, gatherDoctorInputs } from '../src/diagnostics/index.js';
import { accountAsk } from '../src/usage/accountSource.js';
import { codexHomeOf } from './codexHome.js';

export interface AppDoctorEdge {
  /** The app's config file: read again (only read), so the report says what it holds now. */
  configPath: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  now: number;
  version: string;
  stateDir: string;
}

/** Settings → Run doctor: the CLI's checks (src/diagnostics), for the app's Codex home and config. */
export async function appDoctor(edge: AppDoctorEdge): Promise<DoctorResult> {
  const config = await loadConfig(edge.configPath, { folderMustExist: true });
  return diagnose(
    await gatherDoctorInputs({
      codexHome: codexHomeOf(config.config, edge.env),
      config,
      env: edge.env,
      platform: edge.platform,
      now: edge.now,
      account: accountAsk(config.config.limits.askCodex, edge.env, edge.version),
      stateDir: edge.stateDir,
    }),
  );
}
