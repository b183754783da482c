import { basename, dirname, join } from 'node:path';

/** Where Flatpak and Snap builds of Discord (and Vesktop) put their socket, relative to each temp folder. */
export const SANDBOX_SUBDIRS = [
  '',
  'app/com.discordapp.Discord',
  'app/com.discordapp.DiscordCanary',
  'app/dev.vencord.Vesktop',
  'snap.discord',
  'snap.discord-canary',
] as const;

const TEMP_VARS = ['XDG_RUNTIME_DIR', 'TMPDIR', 'TMP', 'TEMP'] as const;

/**
 * Named pipes have no folder a test could point to (`XDG_RUNTIME_DIR` on
 * Unix), so on Windows `CODEX_PRESENCE_DISCORD_PIPE_PREFIX` puts one before
 * the pipe name (`\\?\pipe\<prefix>discord-ipc-0`): the tests' Discord
 * peers listen there and a real Discord is never reached. Letters, digits,
 * `.`, `_` and `-` only (a backslash would leave the pipe namespace); anything
 * else is ignored.
 */
export const PIPE_PREFIX_VAR = 'CODEX_PRESENCE_DISCORD_PIPE_PREFIX';

function pipePrefix(env: NodeJS.ProcessEnv): string {
  const value = env[PIPE_PREFIX_VAR] ?? '';
  return /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : '';
}

/**
 * Every IPC endpoint to try, in order. Windows uses the named pipes
 * `\\?\pipe\discord-ipc-0..9`; elsewhere `discord-ipc-0..9` in each temp
 * folder and its Flatpak/Snap sub-folders. Unset or empty variables are
 * skipped; duplicates are removed. Whether a path exists is the caller's
 * question (a stale socket is skipped at connect time).
 */
export function ipcCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    const prefix = pipePrefix(env);
    return Array.from({ length: 10 }, (_, i) => `\\\\?\\pipe\\${prefix}discord-ipc-${i}`);
  }
  const roots: string[] = [];
  for (const name of TEMP_VARS) {
    const value = env[name]?.trim();
    if (value) roots.push(value.replace(/\/+$/, '') || '/');
  }
  roots.push('/tmp');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const root of roots) {
    for (const sub of SANDBOX_SUBDIRS) {
      for (let i = 0; i < 10; i += 1) {
        const path = join(root, sub, `discord-ipc-${i}`);
        if (!seen.has(path)) {
          seen.add(path);
          out.push(path);
        }
      }
    }
  }
  return out;
}

/** A Windows named pipe (`\\?\pipe\…`): not a file, so it has no owner to check and no folder to watch. */
export const isNamedPipe = (path: string): boolean => /^\\\\[?.]\\pipe\\/i.test(path);

/** Whether a file name is one of Discord's IPC sockets. */
export const isSocketName = (name: string): boolean => /^discord-ipc-\d+$/.test(name);

/** The folders that hold `paths` (Unix sockets only), in order, without duplicates: where a new Discord appears. */
export function socketFolders(paths: readonly string[]): string[] {
  const folders = paths.filter((p) => !isNamedPipe(p) && isSocketName(basename(p))).map((p) => dirname(p));
  return [...new Set(folders)];
}
