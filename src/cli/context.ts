import { resolveCodexHome } from '../codex/home.js';
import {
  ConfigFileError,
  configPath,
  loadConfig,
  repairConfig,
  type LoadedConfig,
  type WriteResult,
  UNUSABLE_FIX,
} from '../config/store.js';
import { configIssues } from '../config/issues.js';
import { quoted } from '../format/quoted.js';
import type { Settings } from '../contract/index.js';
import { accountAsk } from '../usage/accountSource.js';
import type { AccountAskSettings } from '../usage/accountSource.js';
import type { GlobalOptions } from './args.js';
import { BINARY } from '../format/binary.js';
import { VERSION } from './version.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => number;
  isTTY?: boolean;
  /** Standard error is a terminal: progress lines go there, redrawn in place. */
  stderrTTY?: boolean;
  /** Standard output's terminal, when it is one: its size, and a way to hear it change (SIGWINCH). */
  terminal?: TerminalSize;
  /** Registers a handler for SIGINT/SIGTERM/SIGHUP; returns a function that removes it. */
  onSignal?: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

export interface TerminalSize {
  columns: () => number;
  rows: () => number;
  /** Calls `handler` after each resize; returns a function that stops listening. */
  onResize: (handler: () => void) => () => void;
}

export interface CliContext {
  /** Where sessions are read from. */
  codexHome: string;
  /** Where the config and the instance file live ($CODEX_HOME or --codex-home). */
  baseHome: string;
  config: LoadedConfig;
}

export interface ContextOptions {
  /**
   * `run` only: write what the load repaired or migrated, once, saying so on
   * stderr; a file that is not a JSON object stops it (ConfigFileError).
   * Everything else reads without writing (issue 11).
   */
  repair?: boolean;
}

/**
 * The Codex home: --codex-home, then the config's `general.codex_home`, then
 * $CODEX_HOME, then ~/.codex. The config itself lives in the home named by
 * --codex-home or $CODEX_HOME (or --config), so it is found before it is read.
 */
export async function cliContext(options: GlobalOptions, io: CliIo, how: ContextOptions = {}): Promise<CliContext> {
  const baseHome = resolveCodexHome({ explicit: options.codexHome, env: io.env });
  const path = configPath(baseHome, options.config);
  const config = await loadConfig(path, { folderMustExist: options.config !== null });
  if (how.repair === true) {
    if (config.fileError !== null) {
      throw new ConfigFileError(
        `config ${quoted(path)} is not used and not overwritten: ${config.fileError}. ${UNUSABLE_FIX}`,
        path,
      );
    }
    if (config.needsWrite) await writeRepair(config, io);
  } else {
    for (const line of configIssues(config)) io.stderr(`${BINARY}: config ${quoted(path)}: ${line}\n`);
    if (config.fileError !== null) {
      io.stderr(`  (nothing was changed: fix it or move it away; \`${BINARY} doctor\` explains)\n`);
    } else if (config.needsWrite) {
      io.stderr(
        `  (nothing was changed; \`${BINARY} doctor\` explains, \`${BINARY} config migrate\` writes the repair)\n`,
      );
    }
  }
  const fromConfig = config.config.general.codexHome.trim();
  const codexHome =
    options.codexHome === null && fromConfig !== ''
      ? resolveCodexHome({ explicit: fromConfig, env: io.env })
      : baseHome;
  return { codexHome, baseHome, config };
}

async function writeRepair(config: LoadedConfig, io: CliIo): Promise<void> {
  const what = configIssues(config)
    .map((l) => `  - ${l}\n`)
    .join('');
  try {
    const written = await repairConfig(config.path, new Date(io.now()));
    if (!written.written) return;
    const saved =
      written.backups.length > 0
        ? `; the original is saved as ${written.backups.map((b) => quoted(b)).join(', ')}`
        : '';
    io.stderr(`${BINARY}: updated ${quoted(config.path)}${writtenThrough(config.path, written)}${saved}:\n${what}`);
  } catch (error) {
    // Not fatal: the repaired values are used for this run all the same.
    io.stderr(
      `${BINARY}: ${error instanceof Error ? error.message : String(error)}\n` +
        `  the repaired values are used for this run only:\n${what}`,
    );
  }
}

/** Says where a write through a symlinked config went (`` when the path is the file itself). */
export function writtenThrough(path: string, written: Pick<WriteResult, 'writtenTo'>): string {
  return written.writtenTo === path ? '' : ` (a symlink: written to its target, ${quoted(written.writtenTo)})`;
}

/** How to ask `codex app-server` for the account's limits, or null when `limits.ask_codex` is off. */
export function accountAskSettings(config: Settings, env: NodeJS.ProcessEnv): AccountAskSettings | null {
  return accountAsk(config.limits.askCodex, env, VERSION);
}
