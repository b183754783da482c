import { describe, expect, it } from 'vitest';
import { cliHint, helpText, parseLaunchArgs } from '../../main/launchArgs.js';

const packaged = (...args: string[]) => parseLaunchArgs(['/opt/app/codex-discord-presence', ...args], true);

describe('parseLaunchArgs', () => {
  it('a plain launch shows the popover; --hidden (the login item) starts to the tray', () => {
    expect(packaged()).toEqual({ request: 'show', cliCommand: null, version: false, help: false, unknown: [] });
    expect(packaged('--hidden').request).toBe('hidden');
  });

  it('skips the app path when not packaged (electron . / electron out/main/index.js)', () => {
    expect(parseLaunchArgs(['/x/electron', '.', '--hidden'], false).request).toBe('hidden');
    expect(parseLaunchArgs(['/x/electron', 'out/main/index.js'], false)).toMatchObject({
      request: 'show',
      unknown: [],
    });
    // As Playwright launches it: its switches come before the app path.
    expect(
      parseLaunchArgs(['/x/electron', '--inspect=0', '--remote-debugging-port=0', '/repo', '--hidden'], false),
    ).toMatchObject({ request: 'hidden', unknown: [] });
    // Packaged, the first argument is the user's.
    expect(packaged('.').unknown).toEqual(['.']);
  });

  it('forwardable requests: show, settings, quit (switch or word form); the last one wins', () => {
    expect(packaged('--settings').request).toBe('settings');
    expect(packaged('settings').request).toBe('settings');
    expect(packaged('quit').request).toBe('quit');
    expect(packaged('--hidden', 'open').request).toBe('show');
  });

  it('a CLI command is recognised, with its options left to the CLI', () => {
    expect(packaged('status', '--json', '--codex-home', '/h')).toMatchObject({ cliCommand: 'status', unknown: [] });
    expect(packaged('codex', 'exec', 'fix it').cliCommand).toBe('codex');
    expect(cliHint('status')).toContain('npm i -g codex-discord-presence, then: codex-discord-presence status');
  });

  it('unknown arguments are collected (to be logged), never thrown', () => {
    expect(packaged('--frobnicate', 'banana', '--hidden')).toMatchObject({
      request: 'hidden',
      unknown: ['--frobnicate', 'banana'],
    });
  });

  it('switches that Chromium, macOS and test drivers add are ignored silently', () => {
    expect(
      packaged(
        '--original-process-start-time=13370000000',
        '--allow-file-access-from-files',
        '-psn_0_12345',
        '--inspect=0',
        '--remote-debugging-port=0',
        '--no-sandbox',
      ),
    ).toEqual({ request: 'show', cliCommand: null, version: false, help: false, unknown: [] });
  });

  it('--version and --help', () => {
    expect(packaged('--version').version).toBe(true);
    expect(packaged('-h').help).toBe(true);
    expect(helpText('1.2.3')).toContain('Codex Discord Presence 1.2.3');
  });
});
