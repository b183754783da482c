import { chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentProcessInfo, instancePath, readInstance } from '../../src/instance/instanceFile.js';
import { ArrpcHost } from '../support/arrpc.js';
import { runCli, startCli } from '../support/cli.js';
import { readSample, SAMPLES, shiftTimes, TempCodexHome } from '../support/codexHome.js';
import { DEFAULT_IMAGES } from '../../src/settings/images.js';
import { testIpc } from '../support/discordIpc.js';

const ID = '123456789012345678';
// Windows has no signals a process can handle: kill() ends it at once, so a graceful stop (clear Discord,
// exit 0) cannot be asked for there; the fake codex is a /bin/sh script.
const posixOnly = it.skipIf(process.platform === 'win32');
/** How many endpoints doctor tries: 120 Unix socket paths (Flatpak and Snap included), 10 named pipes on Windows. */
const ENDPOINTS = process.platform === 'win32' ? 10 : 120;
let home: TempCodexHome;
let runtime: string;
let arrpc: ArrpcHost | null = null;
beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-cmd-xdg-'));
});
afterEach(async () => {
  await arrpc?.kill();
  arrpc = null;
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

const liveSample = () => home.writeLiveSample(SAMPLES.basic);
const writeConfig = (extra: Record<string, unknown> = {}) =>
  writeFile(
    join(home.home, 'discord-presence-config.json'),
    JSON.stringify({ schema_version: 6, discord_client_id: ID, ...extra }),
  );
const env = () => ({ CODEX_HOME: home.home, ...testIpc(runtime).env, HOME: runtime });
/** The publisher lock: in the runtime folder, never in the Codex home. */
const lockDir = () => join(runtime, 'codex-discord-presence');

describe('run (headless presence)', () => {
  posixOnly('publishes to Discord, logs one line per change, and SIGINT clears the activity and exits 0', async () => {
    await liveSample();
    await writeFile(
      join(home.home, 'discord-presence-config.json'),
      JSON.stringify({ schema_version: 6, discord_client_id: '123456789012345678', privacy: { preset: 'detailed' } }),
    );
    arrpc = await ArrpcHost.start(runtime);
    const server = arrpc;
    const cli = startCli(['run', '--codex-home', home.home], { ...testIpc(runtime).env });
    await server.until(() => server.activities.some((a) => a !== null));
    const shown = server.activities.find((a) => a !== null) as Record<string, unknown>;
    expect(shown).toMatchObject({
      details: 'Idle · orbit-api',
      state: '5h 84% left · Weekly 56% left',
      assets: {
        large_image: DEFAULT_IMAGES.large,
        large_text: 'Codex CLI 0.169.0',
        small_image: DEFAULT_IMAGES.small,
        small_text: 'gpt-5.5',
      },
    });
    await cli.printed('discord connected');
    const { stdout } = cli.output();
    expect(stdout).toMatch(
      /^\S+Z 5h {6}\[█{17}░{3}\] 84% left · resets (\d+ \w{3} )?\d\d:\d\d · \d+% in reserve · from your last session$/m,
    );
    expect(stdout).toMatch(/^\S+Z session orbit-api · gpt-5\.5 · idle · Δ 6\.4k \| last 13k \| total 19k$/m);

    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code).toBe(0);
    expect(server.shown).toBeNull();
    expect(cli.output().stdout).toContain('stopped (SIGINT); Discord activity cleared');
  });

  posixOnly('SIGTERM works the same; with no client id it names the config key and doctor', async () => {
    await liveSample();
    const cli = startCli(['run', '--codex-home', home.home], { ...testIpc(runtime).env });
    await cli.printed(/discord disabled \(No Discord application id is set/);
    const { stdout } = cli.output();
    expect(stdout).toContain(`discord_client_id in ${join(home.home, 'discord-presence-config.json')}`);
    expect(stdout).toContain('`codex-discord-presence doctor` checks it');
    expect(stdout).not.toContain('Settings → Discord');
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    // Nothing was ever shown, so nothing claims to have been cleared.
    expect(cli.output().stdout).toMatch(/^stopped \(SIGTERM\)$/m);
    expect(cli.output().stdout).not.toContain('Discord activity cleared');
  });
});

describe('doctor', () => {
  it('with no Codex home: ✗ with the fix, exit 1', async () => {
    const run = await runCli(['doctor', '--codex-home', join(home.home, 'missing')], {
      ...testIpc(runtime).env,
      HOME: runtime,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ Codex home: .*missing not found\n {4}→ Run `codex` once/m);
    expect(run.stdout).toContain('Note: Discord hides activity buttons on your own profile');
    expect(run.stdout).toContain('“Share your detected activities with others” must be on');
  });

  it('with a corrupt config: ✗ naming the file, which is left as it is, and the rest still checked', async () => {
    await liveSample();
    await writeFile(join(home.home, 'discord-presence-config.json'), '{ not json');
    const run = await runCli(['doctor', '--json'], env());
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: Array<{ id: string; status: string; detail: string; fix?: string }>;
    };
    const config = report.checks.find((c) => c.id === 'config');
    expect(config?.status).toBe('fail');
    expect(config?.detail).toMatch(/discord-presence-config\.json is not used: it is not valid JSON/);
    expect(config?.fix).toMatch(/never overwritten/);
    expect(await readFile(join(home.home, 'discord-presence-config.json'), 'utf8')).toBe('{ not json');
    expect(report.checks.find((c) => c.id === 'sessions')?.status).toBe('ok');
    expect(report.checks.find((c) => c.id === 'cli-versions')?.detail).toBe('0.169.0 (1 file)');
  });

  it('with no Discord running: ✗ Discord IPC, listing where it looked', async () => {
    await liveSample();
    await writeConfig();
    const run = await runCli(['doctor'], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`✗ Discord IPC: no socket among ${ENDPOINTS} paths`));
    expect(run.stdout).toContain('✓ Discord application id: 123456789012345678');
    expect(run.stdout).toContain('✓ Limit data: fresh');
  });

  it('with the arrpc Discord stand-in running: the handshake passes and nothing blocks', async () => {
    await liveSample();
    await writeConfig();
    arrpc = await ArrpcHost.start(runtime);
    const run = await runCli(['doctor'], env());
    expect(run.stdout).toContain(`✓ Discord IPC: found ${testIpc(runtime).path(0)}`);
    expect(run.stdout).toContain('✓ Discord handshake: READY from');
    expect(run.stdout).toContain('Nothing blocks presence.');
    expect(run.code).toBe(0);
  });
});

describe('doctor and a socket another user owns', () => {
  it.skipIf(process.getuid?.() !== 0)(
    'is not "found": doctor names the owner and fails the check, and never connects to it (chown as root)',
    async () => {
      await liveSample();
      await writeConfig();
      const path = join(runtime, 'discord-ipc-0');
      let connections = 0;
      const foreign = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => foreign.listen(path, resolve));
      try {
        chownSync(path, 65534, 65534);
        const run = await runCli(['doctor'], env());
        expect(run.stdout).toContain(
          `✗ Discord IPC: no socket of this user among 120 paths: skipped ${path}, owned by uid 65534, not by this user (uid 0)`,
        );
        expect(run.stdout).not.toContain('Discord handshake');
        expect(run.code).toBe(1);
        expect(connections).toBe(0);
      } finally {
        await new Promise((resolve) => foreign.close(resolve));
      }
    },
  );
});

describe('codex wrapper', () => {
  async function fakeCodex(script: string): Promise<string> {
    const bin = join(runtime, 'bin');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'codex'), script);
    await chmod(join(bin, 'codex'), 0o755);
    return bin;
  }

  posixOnly(
    'runs codex with the arguments unchanged, publishes while it runs, clears after, and returns its exit code',
    async () => {
      await writeConfig();
      arrpc = await ArrpcHost.start(runtime);
      const server = arrpc;
      const sessionDir = join(home.home, 'sessions', '2026', '11', '21');
      const content = shiftTimes(await readSample(SAMPLES.basic), Date.now() - Date.parse('2026-11-21T22:41:14.563Z'));
      await writeFile(join(runtime, 'rollout.jsonl'), content);
      const bin = await fakeCodex(
        `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(runtime, 'args.txt')}"\nmkdir -p "${sessionDir}"\ncp "${join(runtime, 'rollout.jsonl')}" "${join(sessionDir, 'rollout-2026-11-21T22-41-13-fake.jsonl')}"\nsleep 2\nexit 3\n`,
      );
      const run = startCli(['codex', 'exec', '--model', 'gpt-5.5', 'say "hi"'], {
        ...env(),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      });
      await server.until(() => server.activities.some((a) => a !== null));
      expect(server.activities.find((a) => a !== null)).toMatchObject({ state: '5h 84% left · Weekly 56% left' });
      const exit = await run.exited;
      expect(exit.code).toBe(3);
      expect(server.shown).toBeNull();
      expect(await readFile(join(runtime, 'args.txt'), 'utf8')).toBe('exec\n--model\ngpt-5.5\nsay "hi"\n');
      expect(await readInstance(lockDir())).toBeNull();
    },
  );

  posixOnly('a codex killed by a signal gives 128 + signal', async () => {
    const bin = await fakeCodex('#!/bin/sh\nkill -TERM $$\n');
    const run = await runCli(['codex'], { ...env(), PATH: `${bin}:${process.env.PATH ?? ''}` });
    expect(run.code).toBe(128 + 15);
  });

  it('a missing codex is a clear error and exit 127', async () => {
    const run = await runCli(['codex', '--version'], { ...env(), PATH: join(runtime, 'empty') });
    expect(run.code).toBe(127);
    expect(run.stderr).toContain('could not find `codex` on PATH');
    expect(run.stderr).toContain('npm install -g @openai/codex');
  });
});

describe('one publisher', () => {
  posixOnly('a second run takes over from the first: only one publishes at any moment', async () => {
    await liveSample();
    await writeConfig();
    arrpc = await ArrpcHost.start(runtime);
    const server = arrpc;
    const first = startCli(['run'], env());
    await server.until(() => server.activities.some((a) => a !== null));
    const firstPid = (await readInstance(lockDir()))?.pid;
    expect(firstPid).toBe(first.child.pid);
    const second = startCli(['run'], env());
    const firstExit = await first.exited;
    expect(firstExit.code).toBe(0);
    await second.printed('taking over from a headless run');
    await server.until(() => new Set(server.sockets.filter((_, i) => server.activities[i] !== null)).size === 2);
    // The first connection cleared its activity before the second one set one.
    const firstSocket = server.sockets[0];
    const clearedAt = server.sockets.findIndex((s, i) => s === firstSocket && server.activities[i] === null);
    const secondShownAt = server.sockets.findIndex((s, i) => s !== firstSocket && server.activities[i] !== null);
    expect(clearedAt).toBeGreaterThan(-1);
    expect(clearedAt).toBeLessThan(secondShownAt);
    expect((await readInstance(lockDir()))?.pid).toBe(second.child.pid);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  posixOnly('a killed run leaves a lock that the next run reclaims', async () => {
    await liveSample();
    const first = startCli(['run'], env());
    await first.printed('discord disabled');
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await readInstance(lockDir()))?.pid).toBe(first.child.pid);
    const second = startCli(['run'], env());
    await second.printed('discord disabled');
    expect(second.output().stdout).not.toContain('taking over');
    expect((await readInstance(lockDir()))?.pid).toBe(second.child.pid);
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  });

  it('run refuses while the tray app publishes, naming it', async () => {
    // This test process stands in for the app: its identity is real, so the lock is live.
    await mkdir(lockDir(), { recursive: true });
    await writeFile(instancePath(lockDir()), JSON.stringify(await currentProcessInfo('gui', '0.1.0')));
    const run = await runCli(['run'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the tray app (Codex Discord Presence, pid ${process.pid}`);
    expect(run.stderr).toContain('--takeover');
  });

  it('status shows the publisher, its Discord state and the config path', async () => {
    await liveSample();
    const run = startCli(['run'], env());
    await run.printed('discord disabled');
    const status = await runCli(['status', '--json'], env());
    const report = JSON.parse(status.stdout) as {
      publisher: { pid: number; kind: string; discord?: { state: string } };
      configPath: string;
    };
    expect(report.publisher).toMatchObject({ pid: run.child.pid, kind: 'headless', discord: { state: 'disabled' } });
    expect(report.configPath).toBe(join(home.home, 'discord-presence-config.json'));
    const text = await runCli(['status'], env());
    expect(text.stdout).toMatch(
      new RegExp(`^Publisher +headless run · pid ${run.child.pid} · since \\d\\d:\\d\\d$`, 'm'),
    );
    expect(text.stdout).toMatch(/^Discord +disabled \(No Discord application id is set/m);
    run.child.kill('SIGTERM');
    await run.exited;
  });
});

describe('--config', () => {
  it('reads the config from the given file', async () => {
    const file = join(runtime, 'elsewhere.json');
    await writeFile(file, JSON.stringify({ schema_version: 6, discord_client_id: '223456789012345678' }));
    const status = JSON.parse((await runCli(['status', '--json', '--config', file], env())).stdout) as {
      configPath: string;
    };
    expect(status.configPath).toBe(file);
    const doctor = await runCli(['doctor', '--config', file], env());
    expect(doctor.stdout).toContain('✓ Discord application id: 223456789012345678');
  });
});

describe('smart mode (no command)', () => {
  posixOnly('with no display it says so and runs headless', async () => {
    await liveSample();
    const run = startCli([], { ...env(), DISPLAY: '', WAYLAND_DISPLAY: '' });
    await run.printed('Running headless because there is no display.');
    await run.printed('discord disabled');
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });
});
