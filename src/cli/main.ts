import { commandHelp, parseCli, usageText } from './args.js';
import { BINARY, COMMANDS } from './commands.js';
import type { CliIo } from './context.js';
import { codexCommand } from './codexWrapper.js';
import { configCommand } from './config.js';
import { doctorCommand } from './doctor.js';
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
    case 'usageError':
      io.stderr(`${BINARY}: ${parsed.message}\n\n${usageText(COMMANDS, BINARY)}\n`);
      return 2;
    case 'command':
      break;
  }
  switch (parsed.command) {
    case 'status':
      return statusCommand(parsed.options, io);
    case 'run':
      return runCommand(parsed.options, io);
    case 'doctor':
      return doctorCommand(parsed.options, io);
    case 'config':
      return configCommand(parsed.options, io);
    case 'codex':
      return codexCommand(parsed.rest, parsed.options, io);
    case '':
      return smartCommand(parsed.options, io);
    default:
      io.stderr(`${BINARY}: unknown command '${parsed.command}'\n`);
      return 2;
  }
}
