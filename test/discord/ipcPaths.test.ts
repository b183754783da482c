import { describe, expect, it } from 'vitest';
import { ipcCandidates, isNamedPipe, socketFolders } from '../../src/discord/ipcPaths.js';
import { testEndpoint, testIpc } from '../support/discordIpc.js';

describe('ipcCandidates', () => {
  it('Windows: the named pipes 0..9', () => {
    expect(ipcCandidates('win32', {})).toEqual(Array.from({ length: 10 }, (_, i) => `\\\\?\\pipe\\discord-ipc-${i}`));
  });

  it('Windows: a test prefix moves every pipe off Discord’s own names; an unsafe one is ignored', () => {
    const paths = ipcCandidates('win32', { CODEX_PRESENCE_DISCORD_PIPE_PREFIX: 'cdp-test-7-' });
    expect(paths[0]).toBe('\\\\?\\pipe\\cdp-test-7-discord-ipc-0');
    expect(paths[9]).toBe('\\\\?\\pipe\\cdp-test-7-discord-ipc-9');
    for (const bad of ['..\\x-', 'a b', 'x'.repeat(65), ''])
      expect(ipcCandidates('win32', { CODEX_PRESENCE_DISCORD_PIPE_PREFIX: bad })[0]).toBe('\\\\?\\pipe\\discord-ipc-0');
    // Elsewhere it means nothing: folders are pointed to by XDG_RUNTIME_DIR.
    expect(ipcCandidates('linux', { CODEX_PRESENCE_DISCORD_PIPE_PREFIX: 'x-' })[0]).toBe('/tmp/discord-ipc-0');
  });

  it('the tests’ peers listen where the client looks, on Windows too, and never on Discord’s own pipes', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const ipc = testIpc('/tmp/cdp-ipc-AbC123', platform);
      const candidates = ipcCandidates(platform, ipc.env);
      expect(candidates.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => ipc.path(i)));
      expect(testEndpoint('/tmp/cdp-ipc-AbC123', 'discord-ipc-3', platform)).toBe(ipc.path(3));
    }
    const win = testIpc('C:\\Users\\ci\\AppData\\Local\\Temp\\cdp-ipc-AbC123', 'win32');
    expect(win.path(0)).toBe('\\\\?\\pipe\\cdp-cdp-ipc-AbC123-discord-ipc-0');
    expect(isNamedPipe(win.path(0))).toBe(true);
    expect(ipcCandidates('win32', win.env)).not.toContain('\\\\?\\pipe\\discord-ipc-0');
    expect(isNamedPipe(testEndpoint('C:\\t\\cdp-x', 'sink', 'win32'))).toBe(true);
  });

  it('Unix: each temp folder, then its Flatpak and Snap sub-folders, slots 0..9', () => {
    const paths = ipcCandidates('linux', { XDG_RUNTIME_DIR: '/run/user/1000', TMPDIR: '', TMP: '   ' });
    expect(paths[0]).toBe('/run/user/1000/discord-ipc-0');
    expect(paths[9]).toBe('/run/user/1000/discord-ipc-9');
    for (const sub of [
      'app/com.discordapp.Discord',
      'app/com.discordapp.DiscordCanary',
      'app/dev.vencord.Vesktop',
      'snap.discord',
      'snap.discord-canary',
    ]) {
      expect(paths).toContain(`/run/user/1000/${sub}/discord-ipc-0`);
      expect(paths).toContain(`/tmp/${sub}/discord-ipc-3`);
    }
    // Empty and blank variables are skipped; /tmp is always last; no duplicates.
    expect(paths.filter((p) => p.startsWith('/run/user/1000/')).length).toBe(60);
    expect(paths.length).toBe(120);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.at(-1)).toBe('/tmp/snap.discord-canary/discord-ipc-9');
  });

  it('macOS: $TMPDIR (with its trailing slash) is used', () => {
    const paths = ipcCandidates('darwin', { TMPDIR: '/var/folders/xy/T/' });
    expect(paths[0]).toBe('/var/folders/xy/T/discord-ipc-0');
  });
});

describe('socketFolders: where a new Discord socket is watched for', () => {
  it('Unix: each temp folder and its Flatpak and Snap sub-folders, once each, in scan order', () => {
    const folders = socketFolders(ipcCandidates('linux', { XDG_RUNTIME_DIR: '/run/user/1000', TMPDIR: '/tmp/' }));
    expect(folders.slice(0, 2)).toEqual(['/run/user/1000', '/run/user/1000/app/com.discordapp.Discord']);
    expect(folders).toContain('/tmp/snap.discord');
    expect(folders).toHaveLength(12);
  });

  it('Windows named pipes have no folder to watch', () => {
    expect(socketFolders(ipcCandidates('win32', {}))).toEqual([]);
  });
});
