import { ConfigFileError, configPath, loadConfig, repairConfig, UNUSABLE_FIX } from '../config/store.js';
import { resolveCodexHome } from '../codex/home.js';
import { quoted } from '../format/quoted.js';
import type { GlobalOptions } from './args.js';
import { BINARY } from '../format/binary.js';
import { configIssues } from '../config/issues.js';
import { writtenThrough, type CliIo } from './context.js';

/**
 * `config migrate`: the explicit way to write what a load repairs or
 * migrates (status and doctor only report it). Exit 0 when the file is up to
 * date or was written, 1 when it cannot be used or written.
 */
export async function configCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const path = configPath(resolveCodexHome({ explicit: options.codexHome, env: io.env }), options.config);
  const shown = quoted(path);
  const loaded = await loadConfig(path, { folderMustExist: options.config !== null });
  if (loaded.fileError !== null) {
    io.stderr(`${BINARY}: config ${shown} is not used and not overwritten: ${loaded.fileError}. ${UNUSABLE_FIX}\n`);
    return 1;
  }
  if (!loaded.exists) {
    io.stdout(`No config file at ${shown}: nothing to migrate (defaults are used).\n`);
    return 0;
  }
  if (!loaded.needsWrite) {
    io.stdout(`${shown} is up to date; nothing was written.\n`);
    return 0;
  }
  try {
    const written = await repairConfig(path, new Date(io.now()));
    if (!written.written) {
      io.stdout(`${shown} is up to date; nothing was written.\n`);
      return 0;
    }
    io.stdout(
      `Updated ${shown}${writtenThrough(path, written)}:\n${configIssues(loaded)
        .map((l) => `  - ${l}\n`)
        .join('')}` +
        (written.backups.length > 0
          ? `The original is saved as ${written.backups.map((b) => quoted(b)).join(', ')}.\n`
          : ''),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    io.stderr(`${BINARY}: ${error.message}\n`);
    return 1;
  }
}
