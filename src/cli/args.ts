import { parseArgs } from 'node:util';

export interface GlobalOptions {
  codexHome: string | null;
  config: string | null;
  verbose: boolean;
  json: boolean;
}

export type ParsedArgs =
  | { kind: 'help'; command: string | null }
  | { kind: 'version' }
  | { kind: 'command'; command: string; rest: string[]; options: GlobalOptions & Record<string, unknown> }
  | { kind: 'usageError'; message: string; command: string | null };

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** Options this command takes beyond the global ones. */
  options: Record<string, { type: 'boolean' | 'string'; description: string }>;
  /** Passes everything after the command through unparsed (the `codex` wrapper). */
  passthrough?: boolean;
  /** The command takes exactly one of these words after it (`config migrate`). */
  subcommands?: readonly string[];
}

const GLOBAL_OPTIONS = {
  'codex-home': { type: 'string' },
  config: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Splits argv into a command and its options; unknown commands and options are usage errors (exit 2). */
export function parseCli(argv: readonly string[], commands: readonly CommandSpec[]): ParsedArgs {
  const commandIndex = argv.findIndex((a) => !a.startsWith('-'));
  const before = commandIndex === -1 ? [...argv] : argv.slice(0, commandIndex);
  const name = commandIndex === -1 ? null : (argv[commandIndex] ?? null);
  const spec = name === null ? null : commands.find((c) => c.name === name);
  if (name !== null && spec === undefined)
    return { kind: 'usageError', message: `unknown command '${name}'`, command: null };
  if (name === 'help') return { kind: 'help', command: argv[commandIndex + 1] ?? null };
  const after = commandIndex === -1 ? [] : argv.slice(commandIndex + 1);
  const passthrough = spec?.passthrough === true;
  const ownOptions = Object.fromEntries(
    Object.entries(spec?.options ?? {}).map(([k, v]) => [k, { type: v.type }] as const),
  );
  try {
    const { values, positionals } = parseArgs({
      args: passthrough ? before : [...before, ...after],
      options: { ...GLOBAL_OPTIONS, ...ownOptions },
      allowPositionals: true,
      strict: true,
    });
    if (values.version === true) return { kind: 'version' };
    if (values.help === true) return { kind: 'help', command: name };
    const rest = passthrough ? after : positionals.slice(name === null ? 0 : 1);
    const subs = spec?.subcommands;
    if (subs !== undefined) {
      // `positionals` holds only the words after the command (the command itself is not parsed).
      const [sub, extra] = positionals;
      if (sub === undefined || !subs.includes(sub) || extra !== undefined) {
        const got = sub === undefined ? 'nothing' : `'${positionals.join(' ')}'`;
        return { kind: 'usageError', message: `${name ?? ''} takes ${subs.join(' or ')}, not ${got}`, command: name };
      }
    } else if (!passthrough && rest.length > 0) {
      return { kind: 'usageError', message: `unexpected argument '${rest[0] ?? ''}'`, command: name };
    }
    const options = {
      ...values,
      codexHome: typeof values['codex-home'] === 'string' ? values['codex-home'] : null,
      config: typeof values.config === 'string' ? values.config : null,
      verbose: values.verbose === true,
      json: (values as Record<string, unknown>).json === true,
    };
    return { kind: 'command', command: name ?? '', rest: subs === undefined ? rest : positionals, options };
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments';
    return { kind: 'usageError', message: message.replace(/^TypeError \[[A-Z_]+\]: /, ''), command: name };
  }
}

export function usageText(commands: readonly CommandSpec[], binary: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ${binary} [options] <command> [command options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --codex-home DIR  Codex home to read (default: $CODEX_HOME, then ~/.codex)',
    '  --config FILE     Config file (default: <codex home>/discord-presence-config.json)',
    '  --verbose         Log more detail to stderr',
    '  -v, --version     Print the version',
    '  -h, --help        Show help; `help <command>` for one command',
  ].join('\n');
}

export function commandHelp(spec: CommandSpec, binary: string): string {
  const lines = [`Usage: ${binary} ${spec.usage}`, '', spec.summary];
  const opts = Object.entries(spec.options);
  if (opts.length > 0) {
    lines.push('', 'Options:');
    const width = Math.max(...opts.map(([k, v]) => k.length + (v.type === 'string' ? 6 : 0)));
    for (const [k, v] of opts)
      lines.push(`  --${(k + (v.type === 'string' ? ' VALUE' : '')).padEnd(width)}  ${v.description}`);
  }
  lines.push('', 'Global options: --codex-home DIR, --config FILE, --verbose (see --help).');
  return lines.join('\n');
}
