import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GlobalOptions } from './args.js';
import type { CliIo } from './context.js';
import { runCommand } from './run.js';

/** Is there a desktop to show a tray on? Linux needs X11 or Wayland; an SSH session has none anywhere. */
export function hasDisplay(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  if (env.SSH_CONNECTION || env.SSH_TTY) return false;
  if (platform === 'linux') return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  return platform === 'darwin' || platform === 'win32';
}

export interface AppLaunch {
  command: string;
  args: string[];
  description: string;
}

/**
 * Where the tray app is: $CODEX_PRESENCE_APP, the usual install locations,
 * or (from a checkout) the built app with a downloaded Electron binary.
 */
export function findTrayApp(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): AppLaunch | null {
  const explicit = env.CODEX_PRESENCE_APP?.trim();
  if (explicit && existsSync(explicit)) return { command: explicit, args: [], description: explicit };
  const installed =
    platform === 'darwin'
      ? [
          '/Applications/Codex Discord Presence.app/Contents/MacOS/Codex Discord Presence',
          join(homedir(), 'Applications/Codex Discord Presence.app/Contents/MacOS/Codex Discord Presence'),
        ]
      : platform === 'win32'
        ? [
            join(
              env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'),
              'Programs',
              'codex-discord-presence',
              'Codex Discord Presence.exe',
            ),
          ]
        : ['/opt/Codex Discord Presence/codex-discord-presence', '/usr/bin/codex-discord-presence-app'];
  for (const path of installed) if (existsSync(path)) return { command: path, args: [], description: path };
  // A checkout: out/cli/index.mjs → the repository root.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const electronDir = join(root, 'node_modules', 'electron');
  const pathFile = join(electronDir, 'path.txt');
  if (existsSync(join(root, 'out', 'main', 'index.js')) && existsSync(pathFile)) {
    const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    if (existsSync(binary)) return { command: binary, args: [root], description: `${binary} ${root}` };
  }
  return null;
}

/** The bare command: the tray app when there is a display and the app, otherwise headless `run`. */
export async function smartCommand(
  options: GlobalOptions & Record<string, unknown>,
  io: CliIo,
  platform: NodeJS.Platform = process.platform,
): Promise<number> {
  const display = hasDisplay(platform, io.env);
  const app = display ? findTrayApp(platform, io.env) : null;
  let why = display ? 'the tray app is not installed' : 'there is no display';
  if (app !== null) {
    const failure = await launchDetached(app, io.env);
    if (failure === null) {
      io.stdout(`Starting the tray app (${app.description}).\n`);
      return 0;
    }
    io.stderr(`codex-discord-presence: could not start the tray app ${app.description}: ${failure}\n`);
    why = 'the tray app could not be started';
  }
  io.stdout(
    `Running headless because ${why}. Ctrl+C stops it. (\`codex-discord-presence --help\` lists the commands.)\n`,
  );
  return runCommand(options, io);
}

/**
 * Starts the app detached. Resolves null once it has started, or the reason
 * it could not (not executable, missing): a failed spawn reports an `error`
 * event instead of a pid, and must not become an unhandled exception.
 */
function launchDetached(app: AppLaunch, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(app.command, app.args, { detached: true, stdio: 'ignore', env });
    } catch (error) {
      resolve(error instanceof Error ? error.message : String(error));
      return;
    }
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EACCES' ? 'it is not executable (EACCES)' : error.message),
    );
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}
