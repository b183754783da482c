import { parseArgs } from 'node:util';
import { quoted } from '../format/quoted.js';

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

/**
 * Splits argv into a command and its options. Global options may come before
 * or after the command, except after `codex`: everything after it belongs to
 * codex. Unknown commands, options and arguments are usage errors (exit 2),
 * with our own short messages.
 */
export function parseCli(argv: readonly string[], commands: readonly CommandSpec[]): ParsedArgs {
  const commandIndex = findCommand(argv);
  const before = commandIndex === -1 ? [...argv] : argv.slice(0, commandIndex);
  const name = commandIndex === -1 ? null : (argv[commandIndex] ?? null);
  const spec = name === null ? null : commands.find((c) => c.name === name);
  if (name !== null && spec === undefined)
    return { kind: 'usageError', message: `unknown command '${quoted(name)}'`, command: null };
  const after = commandIndex === -1 ? [] : argv.slice(commandIndex + 1);
  const passthrough = spec?.passthrough === true;
  const ownOptions = Object.fromEntries(
    Object.entries(spec?.options ?? {}).map(([k, v]) => [k, { type: v.type }] as const),
  );
  const options = { ...GLOBAL_OPTIONS, ...ownOptions };
  const args = passthrough ? before : [...before, ...after];
  const unknown = firstUnknownOption(args, options);
  if (unknown !== null) {
    return {
      kind: 'usageError',
      message: `unknown option ${quoted(unknown)}${name === null ? '' : ` for '${name}'`}`,
      command: name,
    };
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    return { kind: 'usageError', message: friendlyParseError(error), command: name };
  }
  const { values, positionals } = parsed;
  if (values.version === true) return { kind: 'version' };
  if (name === 'help') {
    const topic = positionals;
    if (topic.length > 1)
      return { kind: 'usageError', message: `unexpected argument '${quoted(topic[1] ?? '')}'`, command: 'help' };
    const wanted = topic[0] ?? null;
    if (wanted !== null && !commands.some((c) => c.name === wanted)) {
      return { kind: 'usageError', message: `no help for unknown command '${quoted(wanted)}'`, command: null };
    }
    return { kind: 'help', command: wanted };
  }
  if (values.help === true) return { kind: 'help', command: name };
  const rest = passthrough ? after : positionals;
  const subs = spec?.subcommands;
  if (subs !== undefined) {
    const [sub, extra] = rest;
    if (sub === undefined || !subs.includes(sub) || extra !== undefined) {
      const got = sub === undefined ? 'nothing' : `'${quoted(rest.join(' '))}'`;
      return { kind: 'usageError', message: `${name ?? ''} takes ${subs.join(' or ')}, not ${got}`, command: name };
    }
  } else if (!passthrough && rest.length > 0) {
    return { kind: 'usageError', message: `unexpected argument '${quoted(rest[0] ?? '')}'`, command: name };
  }
  for (const key of ['codex-home', 'config'] as const) {
    const value = values[key];
    if (typeof value === 'string' && value.trim() === '') {
      return { kind: 'usageError', message: `--${key} needs a value, not an empty string`, command: name };
    }
  }
  return {
    kind: 'command',
    command: name ?? '',
    rest,
    options: {
      ...values,
      codexHome: typeof values['codex-home'] === 'string' ? values['codex-home'] : null,
      config: typeof values.config === 'string' ? values.config : null,
      verbose: values.verbose === true,
      json: values.json === true,
    },
  };
}

const GLOBAL_WITH_VALUE = new Set(['--codex-home', '--config']);

/** The index of the command: the first word that is neither an option nor a global option's value. */
function findCommand(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!arg.startsWith('-') || arg === '-') return i;
    if (GLOBAL_WITH_VALUE.has(arg)) i += 1;
  }
  return -1;
}

type OptionTable = Record<string, { type: 'boolean' | 'string'; short?: string }>;

/** The first option that no table entry names, written as the user wrote it; null if all are known. */
function firstUnknownOption(args: readonly string[], options: OptionTable): string | null {
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short === undefined ? [] : [o.short])));
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--') return null;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] ?? '';
      const known = options[name];
      if (known === undefined) return `--${name}`;
      if (known.type === 'string' && !arg.includes('=')) i += 1;
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (const ch of arg.slice(1)) if (!shorts.has(ch)) return `-${ch}`;
    }
  }
  return null;
}

/** Node's parseArgs messages quote unevenly and mention internals; these say what to do. */
function friendlyParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const option = /'(-[^' ]+)/.exec(message)?.[1]?.replace(/ <value>$/, '');
  const named = option === undefined ? 'an option' : quoted(option);
  if (/argument missing/.test(message)) return `${named} needs a value`;
  if (/does not take an argument/.test(message)) return `${named} does not take a value`;
  return 'bad arguments';
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
