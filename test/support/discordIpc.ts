import { join, win32 } from 'node:path';
import { PIPE_PREFIX_VAR } from '../../src/discord/ipcPaths.js';

/**
 * Where a test's Discord peer listens, and the environment that points our
 * client (in-process or the built CLI) there and nowhere else a real Discord
 * could be. Unix: `discord-ipc-N` in the test's own folder, through
 * `XDG_RUNTIME_DIR`. Windows: named pipes cannot live in a folder, so a
 * prefix unique to that folder (`\\?\pipe\cdp-<folder>-discord-ipc-N`,
 * through CODEX_PRESENCE_DISCORD_PIPE_PREFIX, src/discord/ipcPaths.ts).
 */
export interface TestIpc {
  /** The endpoint of slot `n` (default 0). */
  path(n?: number): string;
  env: Record<string, string>;
}

const pipeSafe = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

export function testIpc(dir: string, platform: NodeJS.Platform = process.platform): TestIpc {
  if (platform === 'win32') {
    const prefix = `cdp-${pipeSafe(win32.basename(dir))}-`;
    return {
      path: (n = 0) => `\\\\?\\pipe\\${prefix}discord-ipc-${n}`,
      env: { XDG_RUNTIME_DIR: dir, [PIPE_PREFIX_VAR]: prefix },
    };
  }
  return { path: (n = 0) => join(dir, `discord-ipc-${n}`), env: { XDG_RUNTIME_DIR: dir } };
}

/**
 * Any listener of a test by name (`discord-ipc-0`, `sink`): a socket file in
 * `dir`, or on Windows a named pipe of that test's own (Discord's slots as
 * `testIpc` names them, so the client finds them).
 */
export function testEndpoint(dir: string, name: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') return join(dir, name);
  const slot = /^discord-ipc-(\d+)$/.exec(name);
  return slot === null
    ? `\\\\?\\pipe\\cdp-${pipeSafe(win32.basename(dir))}-${pipeSafe(name)}`
    : testIpc(dir, platform).path(Number(slot[1]));
}
