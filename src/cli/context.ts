import { resolveCodexHome } from '../codex/home.js';
import { configPath, loadConfig, type LoadedConfig } from '../config/store.js';
import type { PresenceConfig } from '../config/schema.js';
import type { AccountAskSettings } from '../usage/engine.js';
import type { GlobalOptions } from './args.js';
import { VERSION } from './version.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => number;
  isTTY?: boolean;
  /** Registers a handler for SIGINT/SIGTERM; returns a function that removes it. */
  onSignal?: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

export interface CliContext {
  /** Where sessions are read from. */
  codexHome: string;
  /** Where the config and the instance file live ($CODEX_HOME or --codex-home). */
  baseHome: string;
  config: LoadedConfig;
}

/**
 * The Codex home: --codex-home, then the config's `general.codex_home`, then
 * $CODEX_HOME, then ~/.codex. The config itself lives in the home named by
 * --codex-home or $CODEX_HOME (or --config), so it is found before it is read.
 */
export async function cliContext(options: GlobalOptions, io: CliIo): Promise<CliContext> {
  const baseHome = resolveCodexHome({ explicit: options.codexHome, env: io.env });
  const config = await loadConfig(configPath(baseHome, options.config), new Date(io.now()));
  const fromConfig = config.config.general.codex_home.trim();
  const codexHome =
    options.codexHome === null && fromConfig !== ''
      ? resolveCodexHome({ explicit: fromConfig, env: io.env })
      : baseHome;
  if (config.problems.length > 0) {
    io.stderr(
      `codex-discord-presence: ${config.path} had problems; ${config.backupPath === null ? '' : `the original is saved as ${config.backupPath} and `}defaults were used for:\n` +
        config.problems.map((p) => `  - ${p}\n`).join(''),
    );
  }
  return { codexHome, baseHome, config };
}

/** How to ask `codex app-server` for the account's limits, or null when `limits.ask_codex` is off. */
export function accountAskSettings(config: PresenceConfig, env: NodeJS.ProcessEnv): AccountAskSettings | null {
  return config.limits.ask_codex ? { env, clientVersion: VERSION } : null;
}
