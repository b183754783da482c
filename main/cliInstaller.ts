import { access, chmod, constants, copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BINARY } from '../src/format/binary.js';
import type { CliInstallResult, ElectronEdges } from './edges.js';

/**
 * "Install command-line tool…": puts a small launcher named
 * `codex-discord-presence` in a folder on PATH. It runs the CLI bundle the app
 * ships (resources/cli/index.mjs) with the user's own `node`; without Node it
 * says how to get the CLI from npm. The app executable itself never runs as
 * Node: the runAsNode fuse stays off (Electron's security checklist).
 */
export const COMMAND = BINARY;
const MARKER = 'Installed by Codex Discord Presence';
const NPM_HINT = 'npm i -g codex-discord-presence';

export interface CliInstallDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The CLI bundle inside the installed app. */
  bundlePath: string;
  /**
   * A folder that outlives the app process, for a copy of the bundle when the
   * app's own files move (an AppImage mounts at a new /tmp path on each start).
   */
  stableDir: string;
}

/** A POSIX sh launcher: runs the bundle with `node`, or explains what is missing. */
export function shLauncher(bundle: string): string {
  const quoted = `'${bundle.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    `# ${MARKER} (tray menu → Install command-line tool…). Safe to delete.`,
    `CLI=${quoted}`,
    'if [ ! -f "$CLI" ]; then',
    `  echo "${COMMAND}: $CLI is gone (was the app moved or removed?). Reinstall the command from the app's tray menu, or: ${NPM_HINT}" >&2`,
    '  exit 127',
    'fi',
    'if ! command -v node >/dev/null 2>&1; then',
    `  echo "${COMMAND} needs Node.js 20.19 or later, and no node was found on PATH. Install Node.js (https://nodejs.org), or get the command with npm: ${NPM_HINT}" >&2`,
    '  exit 127',
    'fi',
    'exec node "$CLI" "$@"',
    '',
  ].join('\n');
}

/** A Windows .cmd launcher, the same behaviour. */
export function cmdLauncher(bundle: string): string {
  // In a batch file % must be doubled; Windows paths cannot contain ".
  const escaped = bundle.replace(/%/g, '%%');
  return [
    '@echo off',
    `rem ${MARKER} (tray menu: Install command-line tool). Safe to delete.`,
    'setlocal',
    `set "CDP_CLI=${escaped}"`,
    'if not exist "%CDP_CLI%" (',
    `  echo ${COMMAND}: %CDP_CLI% is gone. Reinstall the command from the app's tray menu, or: ${NPM_HINT} 1>&2`,
    '  exit /b 127',
    ')',
    'where node >nul 2>nul',
    'if errorlevel 1 (',
    `  echo ${COMMAND} needs Node.js 20.19 or later, and no node was found on PATH. Install Node.js from https://nodejs.org, or get the command with npm: ${NPM_HINT} 1>&2`,
    '  exit /b 127',
    ')',
    'node "%CDP_CLI%" %*',
    'exit /b %ERRORLEVEL%',
    '',
  ]
    .join('\r\n')
    .replace(/…/g, '...');
}

/** Folders to put the launcher in, best first. Users' own folders before shared ones. */
export function candidateDirs(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string[] {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA?.trim() || join(home, 'AppData', 'Local');
    // WindowsApps is on every user's PATH by default (Windows 10 and later).
    return [join(local, 'Microsoft', 'WindowsApps'), join(local, 'Programs', COMMAND, 'bin')];
  }
  const local = join(home, '.local', 'bin');
  // macOS does not put ~/.local/bin on PATH; /usr/local/bin (Intel) and Homebrew's folder (Apple silicon) are.
  if (platform === 'darwin') return ['/usr/local/bin', '/opt/homebrew/bin', local];
  return [local, join(home, 'bin'), '/usr/local/bin'];
}

export function pathDirs(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  const raw = platform === 'win32' ? (env.Path ?? env.PATH ?? '') : (env.PATH ?? '');
  const sep = platform === 'win32' ? ';' : ':';
  const norm = (p: string) => (platform === 'win32' ? p.toLowerCase() : p).replace(/[\\/]+$/, '');
  return raw
    .split(sep)
    .filter((p) => p.trim() !== '')
    .map(norm);
}

export function launcherName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${COMMAND}.cmd` : COMMAND;
}

async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function existing(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Writes the launcher in the first candidate folder that is on PATH and
 * writable, else in the first one that can be created (and says how to add
 * it to PATH). Never replaces a `codex-discord-presence` it did not write
 * (an npm install, say). Returns what happened; never throws.
 */
export async function installCliLauncher(deps: CliInstallDeps): Promise<CliInstallResult> {
  try {
    await access(deps.bundlePath, constants.R_OK);
  } catch {
    return {
      ok: false,
      launcher: null,
      onPath: false,
      message: `This build has no command-line bundle (${deps.bundlePath}). Install the command with npm: ${NPM_HINT}`,
    };
  }
  const name = launcherName(deps.platform);
  const onPath = new Set(pathDirs(deps.platform, deps.env));
  const isOnPath = (dir: string) =>
    onPath.has((deps.platform === 'win32' ? dir.toLowerCase() : dir).replace(/[\\/]+$/, ''));
  const candidates = candidateDirs(deps.platform, deps.env, deps.home);
  const foreign: string[] = [];
  const usable = async (dir: string) => {
    const text = await existing(join(dir, name));
    if (text !== null && !text.includes(MARKER)) {
      foreign.push(join(dir, name));
      return false;
    }
    return writable(dir);
  };
  let chosen: string | null = null;
  for (const dir of candidates) {
    if (isOnPath(dir) && (await usable(dir))) {
      chosen = dir;
      break;
    }
  }
  if (chosen === null) {
    for (const dir of candidates) {
      if (dir.startsWith(deps.home) || (deps.platform === 'win32' && dir.startsWith(deps.env.LOCALAPPDATA ?? '\0'))) {
        try {
          await mkdir(dir, { recursive: true });
        } catch {
          continue;
        }
        if (await usable(dir)) {
          chosen = dir;
          break;
        }
      }
    }
  }
  if (chosen === null) {
    const why = foreign.length > 0 ? ` ${foreign.join(', ')} already exists and was not written by this app.` : '';
    return {
      ok: false,
      launcher: null,
      onPath: false,
      message: `No folder on PATH could take the command.${why} Install it with npm instead: ${NPM_HINT}`,
    };
  }

  const bundle = await stableBundle(deps);
  const launcher = join(chosen, name);
  const text = deps.platform === 'win32' ? cmdLauncher(bundle) : shLauncher(bundle);
  const temp = `${launcher}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o755 });
  await chmod(temp, 0o755);
  await rename(temp, launcher);
  const inPath = isOnPath(chosen);
  const pathHint = inPath
    ? ''
    : deps.platform === 'win32'
      ? ` ${chosen} is not on your PATH yet: add it in Settings → System → About → Advanced system settings → Environment Variables.`
      : ` ${chosen} is not on your PATH yet: add  export PATH="${chosen}:$PATH"  to your shell profile.`;
  return {
    ok: true,
    launcher,
    onPath: inPath,
    message: `Installed ${launcher}. In a new terminal, run: ${COMMAND} status. It needs Node.js 20.19 or later (or use ${NPM_HINT}).${pathHint}`,
  };
}

/**
 * The bundle path the launcher points at. An AppImage's files live in a
 * mount that changes on every start, so the bundle is copied to `stableDir`
 * (and refreshed by `refreshStableBundle` when the app starts).
 */
async function stableBundle(deps: CliInstallDeps): Promise<string> {
  if (!isMovingBundle(deps)) return resolve(deps.bundlePath);
  const target = join(deps.stableDir, 'cli', 'index.mjs');
  await mkdir(dirname(target), { recursive: true });
  await copyFile(deps.bundlePath, target);
  return target;
}

function isMovingBundle(deps: CliInstallDeps): boolean {
  return deps.platform === 'linux' && (deps.env.APPIMAGE?.trim() ?? '') !== '';
}

/** At start: keep the copied bundle as new as the app (after an AppImage update). */
export async function refreshStableBundle(deps: CliInstallDeps): Promise<boolean> {
  if (!isMovingBundle(deps)) return false;
  const target = join(deps.stableDir, 'cli', 'index.mjs');
  if ((await existing(target)) === null) return false;
  await copyFile(deps.bundlePath, target);
  return true;
}

/** The tray menu's "Install command-line tool…": installs, logs, and says how it went in a notification. */
export async function installCliFromMenu(edges: Pick<ElectronEdges, 'installCli' | 'log' | 'notify'>): Promise<void> {
  if (edges.installCli === undefined) return;
  const result = await edges.installCli();
  (result.ok ? edges.log.info : edges.log.warn)(`install command-line tool: ${result.message}`);
  edges.notify({
    title: result.ok ? 'Command-line tool installed' : 'Command-line tool not installed',
    body: result.message,
  });
}
