import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shouldForward } from '../../src/cli/codexWrapper.js';
import {
  claimInstance,
  currentProcessInfo,
  identify,
  instancePath,
  stopInstance,
} from '../../src/instance/instanceFile.js';
import { presenceStateDir } from '../../src/instance/stateDir.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('where the lock lives', () => {
  it('never in the Codex home: the override, the runtime folder, then the platform state folder', () => {
    expect(presenceStateDir({ CODEX_PRESENCE_STATE_DIR: '/x/y', CODEX_HOME: '/c' }, 'linux', '/home/u')).toBe('/x/y');
    expect(presenceStateDir({ XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux', '/home/u')).toBe(
      '/run/user/1000/codex-discord-presence',
    );
    expect(presenceStateDir({}, 'linux', '/home/u')).toBe('/home/u/.local/state/codex-discord-presence');
    expect(presenceStateDir({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/codex-discord-presence',
    );
  });
});

describe('the lock file', () => {
  it('is created complete and exclusively; a second claim gets the live owner', async () => {
    const me = await currentProcessInfo('headless', '0.1.0');
    expect(await claimInstance(dir, me)).toEqual({ ok: true });
    const text = await readFile(instancePath(dir), 'utf8');
    expect(JSON.parse(text)).toEqual(me);
    // A claim made under another start time is not this lock's owner: it gets the live owner, and the file is untouched.
    const again = await claimInstance(dir, { ...me, startedAt: new Date(0).toISOString() });
    expect(again).toEqual({ ok: false, owner: me });
    expect(await readFile(instancePath(dir), 'utf8')).toBe(text);
  });

  it('a lock whose process is gone is reclaimed, and the reclaim guard is removed after', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.on('exit', r));
    const me = await currentProcessInfo('headless', '0.1.0');
    await writeFile(instancePath(dir), JSON.stringify({ ...me, pid: gone.pid }));
    expect(await claimInstance(dir, me)).toEqual({ ok: true });
    expect(JSON.parse(await readFile(instancePath(dir), 'utf8'))).toEqual(me);
    await expect(readFile(`${instancePath(dir)}.reclaim`)).rejects.toThrow(/ENOENT/);
  });

  it('identity: a process whose executable differs is another process, and is not signalled', async () => {
    const me = await currentProcessInfo('headless', '0.1.0');
    expect(await identify(me)).toBe('same');
    expect(await identify({ ...me, exe: '/usr/bin/something-else' })).toBe('other');
    expect(await identify({ ...me, cmdline: 'something else' })).toBe('other');
    expect(await stopInstance({ ...me, exe: '/usr/bin/something-else' })).toBe('gone');
    // A wrapper is never signalled, whoever it is.
    expect(await stopInstance({ ...me, kind: 'wrapper' })).toBe('refused');
  });
});

describe('which signals the codex wrapper passes on', () => {
  it('on Unix only SIGTERM (a kill aimed at the wrapper); terminal signals already reached codex', () => {
    expect(shouldForward('SIGTERM', 'linux')).toBe(true);
    expect(shouldForward('SIGINT', 'linux')).toBe(false);
    expect(shouldForward('SIGHUP', 'darwin')).toBe(false);
    expect(shouldForward('SIGQUIT', 'linux')).toBe(false);
  });

  it('on Windows all but Ctrl+C, which the console gives every attached process', () => {
    expect(shouldForward('SIGTERM', 'win32')).toBe(true);
    expect(shouldForward('SIGHUP', 'win32')).toBe(true);
    expect(shouldForward('SIGINT', 'win32')).toBe(false);
  });
});
