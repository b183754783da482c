import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { quoted } from '../format/quoted.js';
import { commandHelp, parseCli, usageText, type GlobalOptions } from './args.js';
import { BINARY } from '../format/binary.js';
import { COMMANDS } from './commands.js';
import type { CliIo } from './context.js';
import { codexCommand } from './codexWrapper.js';
import { configCommand } from './config.js';
import { doctorCommand } from './doctor.js';
import { historyCommand } from './history.js';
import { runCommand } from './run.js';
import { smartCommand } from './smart.js';
import { statusCommand } from './status.js';

import { VERSION } from './version.js';

/** Runs one CLI invocation and resolves to its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCli(argv, COMMANDS);
  switch (parsed.kind) {
    case 'version':
      io.stdout(`${VERSION}\n`);
      return 0;
    case 'help': {
      const spec = parsed.command === null ? undefined : COMMANDS.find((c) => c.name === parsed.command);
      io.stdout(`${spec === undefined ? usageText(COMMANDS, BINARY) : commandHelp(spec, BINARY)}\n`);
      return 0;
    }
    case 'usageError': {
      const help = parsed.command === null ? `${BINARY} --help` : `${BINARY} help ${parsed.command}`;
      io.stderr(`${BINARY}: ${parsed.message}\nRun \`${help}\` for usage.\n`);
      return 2;
    }
    case 'command':
      break;
  }
  // The wrapper always runs codex, and doctor reports this as its failed `config`
  // check (so `doctor --json` stays JSON); for the others it is an error.
  if (parsed.command !== 'codex' && parsed.command !== 'doctor') {
    const problem = await configPathProblem(parsed.options);
    if (problem !== null) {
      io.stderr(`${BINARY}: ${problem}\n`);
      return 1;
    }
  }
  switch (parsed.command) {
    case 'status':
      return statusCommand(parsed.options, io);
    case 'run':
      return runCommand(parsed.options, io);
    case 'history':
      return historyCommand(parsed.options, io);
    case 'doctor':
      return doctorCommand(parsed.options, io);
    case 'config':
      return configCommand(parsed.options, io);
    case 'codex':
      return codexCommand(parsed.rest, parsed.options, io);
    case '':
      return smartCommand(parsed.options, io);
    default:
      io.stderr(`${BINARY}: unknown command '${quoted(parsed.command)}'\n`);
      return 2;
  }
}

/**
 * `--config FILE` may name a file that does not exist yet (defaults until
 * settings are saved), but its folder must exist: otherwise nothing could
 * ever be saved there, and "not created yet" would mislead.
 */
async function configPathProblem(options: GlobalOptions): Promise<string | null> {
  if (options.config === null) return null;
  const file = resolve(options.config);
  const folder = dirname(file);
  const given = quoted(options.config);
  const folderStat = await stat(folder).catch(() => null);
  if (folderStat === null) return `--config ${given}: the folder ${quoted(folder)} does not exist.`;
  if (!folderStat.isDirectory()) return `--config ${given}: ${quoted(folder)} is not a directory.`;
  const fileStat = await stat(file).catch(() => null);
  if (fileStat?.isDirectory() === true) return `--config ${given} is a directory, not a file.`;
  return null;
}
