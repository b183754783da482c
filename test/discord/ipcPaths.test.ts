import { describe, expect, it } from 'vitest';
import { ipcCandidates, socketFolders } from '../../src/discord/ipcPaths.js';

describe('ipcCandidates', () => {
  it('Windows: the named pipes 0..9', () => {
    expect(ipcCandidates('win32', {})).toEqual(Array.from({ length: 10 }, (_, i) => `\\\\?\\pipe\\discord-ipc-${i}`));
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
