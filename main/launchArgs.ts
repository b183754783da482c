/**
 * The app's own command line. The installed executable is the tray app, so a
 * user who types `codex-discord-presence status` on Linux (where the
 * executable has that name) reaches it: such a command is answered with where
 * the real CLI is, never by starting a second GUI. A second launch forwards
 * what it asked for to the running instance through Electron's
 * `second-instance` argv.
 */
export type LaunchRequest =
  /** Show the popover (a plain launch, or `open` / `--show`). */
  | 'show'
  /** Start to the tray without showing anything (the login item). */
  | 'hidden'
  | 'settings'
  | 'quit';

export interface LaunchArgs {
  request: LaunchRequest;
  /** A command of the CLI (status, doctor, run, codex): answered with where the CLI is. */
  cliCommand: string | null;
  version: boolean;
  help: boolean;
  /** Arguments this app does not know: ignored, each logged once. */
  unknown: string[];
}

const CLI_COMMANDS = new Set(['status', 'doctor', 'run', 'codex']);

/**
 * Switches that Chromium, Electron, macOS or test drivers add to argv (the
 * second-instance argv carries Chromium's too): neither ours nor worth a log line.
 */
const PLATFORM_SWITCH =
  /^(?:-psn_\d+_\d+|--(?:original-process-start-time|allow-file-access-from-files|enable-features|disable-features|no-sandbox|disable-gpu|disable-gpu-sandbox|enable-logging|v|vmodule|inspect|inspect-brk|remote-debugging-port|remote-debugging-pipe|ozone-platform|ozone-platform-hint|enable-wayland-ime|lang|user-data-dir|disable-dev-shm-usage|no-zygote|force-device-scale-factor|high-dpi-support)(?:=.*)?)$/;

/**
 * Parses the user's part of argv. `argv` is process.argv (or the
 * second-instance argv): the executable first, and when not packaged the app
 * path as the first non-switch argument (`electron .`, `electron
 * out/main/index.js`; switches such as Playwright's `--inspect=0` may come
 * before it).
 */
export function parseLaunchArgs(argv: readonly string[], packaged: boolean): LaunchArgs {
  const args = argv.slice(1);
  if (!packaged) {
    const appPath = args.findIndex((a) => !a.startsWith('-'));
    if (appPath !== -1) args.splice(appPath, 1);
  }
  const result: LaunchArgs = { request: 'show', cliCommand: null, version: false, help: false, unknown: [] };
  for (const arg of args) {
    if (PLATFORM_SWITCH.test(arg)) continue;
    if (arg === '--hidden') result.request = 'hidden';
    else if (arg === '--show' || arg === 'open' || arg === 'show') result.request = 'show';
    else if (arg === '--settings' || arg === 'settings') result.request = 'settings';
    else if (arg === '--quit' || arg === 'quit') result.request = 'quit';
    else if (arg === '--version' || arg === '-V' || arg === 'version') result.version = true;
    else if (arg === '--help' || arg === '-h' || arg === 'help') result.help = true;
    else if (result.cliCommand === null && CLI_COMMANDS.has(arg)) result.cliCommand = arg;
    else if (result.cliCommand === null) result.unknown.push(arg);
    // Everything after a CLI command is that command's options: not ours to judge.
  }
  return result;
}

/** What a launch with a CLI command prints: this is the tray app, and where the command line is. */
export function cliHint(command: string): string {
  return [
    `'${command}' is a command of the command-line tool; this is the tray app.`,
    'Install the command-line tool from the tray menu (Install command-line tool…),',
    `or with npm: npm i -g codex-discord-presence, then: codex-discord-presence ${command}`,
  ].join('\n');
}

export function helpText(version: string): string {
  return [
    `Codex Discord Presence ${version} (tray app)`,
    '',
    'Options:',
    '  --hidden     start in the tray without showing the popover (used by the login item)',
    '  --show       show the popover (a second launch shows it in the running app)',
    '  --settings   open the settings window',
    '  --quit       quit the running app',
    '  --version    print the version',
    '',
    'The command line (status, doctor, run, codex) is a separate tool:',
    '  tray menu → Install command-line tool…, or npm i -g codex-discord-presence',
  ].join('\n');
}

/**
 * What a launch that only asks something prints, and its exit code (a CLI
 * command: where the CLI is, 2; --help, --version: 0); null for a launch that
 * starts the app. Answered before the lock, so a running instance is not disturbed.
 */
export function launchAnswer(launch: LaunchArgs, version: string): { text: string; code: number } | null {
  if (launch.cliCommand !== null) return { text: cliHint(launch.cliCommand), code: 2 };
  if (launch.help) return { text: helpText(version), code: 0 };
  if (launch.version) return { text: version, code: 0 };
  return null;
}
