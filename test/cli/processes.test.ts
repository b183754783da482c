import { execFileSync, spawn } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentProcessInfo, instancePath, readInstance, type InstanceInfo } from '../../src/instance/instanceFile.js';
import { processIdentity } from '../../src/instance/processInfo.js';
import { ArrpcHost } from '../support/arrpc.js';
import { CLI, runCli, startCli } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { FakeCodex } from '../support/fakeCodex.js';

// Issue 11, sections 1-3 and 6: real CLI processes, a fake `codex` on PATH
// that records what it receives, real lock files, arRPC as Discord.

const ID = '123456789012345678';
let home: TempCodexHome;
let runtime: string;
let arrpc: ArrpcHost | null = null;
const children: Array<{ kill(signal?: NodeJS.Signals): boolean }> = [];
beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-proc-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await arrpc?.kill();
  arrpc = null;
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

const lockDir = () => join(runtime, 'codex-discord-presence');
const env = (extra: NodeJS.ProcessEnv = {}) => ({
  CODEX_HOME: home.home,
  XDG_RUNTIME_DIR: runtime,
  HOME: runtime,
  ...extra,
});
const writeConfig = () =>
  writeFile(
    join(home.home, 'discord-presence-config.json'),
    JSON.stringify({ schema_version: 6, discord_client_id: ID }),
  );
const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
function start(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const cli = startCli(args, env(extra));
  children.push(cli.child);
  return cli;
}
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
}

describe('the first run, with no Codex home yet', () => {
  it('the codex wrapper runs codex, which creates the home; the lock is not in the Codex home', async () => {
    const codex = await FakeCodex.install(runtime);
    const missing = join(home.home, 'new-home');
    const wrapper = start(['codex', 'exec', 'hi'], { CODEX_HOME: missing, PATH: codex.path() });
    await codex.until('ready');
    expect(await codex.argv()).toEqual(['exec', 'hi']);
    expect((await readInstance(lockDir()))?.kind).toBe('wrapper');
    await codex.finish(5);
    expect((await wrapper.exited).code).toBe(5);
    expect(existsSync(missing)).toBe(true);
    expect(existsSync(join(missing, 'codex-discord-presence.instance.json'))).toBe(false);
    expect(existsSync(instancePath(lockDir()))).toBe(false);
    expect(wrapper.output().stderr).toBe('');
  });

  it('run waits for the home to appear, then reads it', async () => {
    const missing = join(home.home, 'later');
    const run = start(['run'], { CODEX_HOME: missing });
    await run.printed(`Codex home ${missing} not found`);
    expect((await readInstance(lockDir()))?.pid).toBe(run.child.pid);
    const later = await TempCodexHome.create();
    try {
      await later.writeLiveSample(SAMPLES.basic);
      await rm(missing, { recursive: true, force: true });
      await mkdir(missing);
      // Move the prepared home's content in, the way codex fills a new home.
      execFileSync('cp', ['-R', `${later.home}/.`, missing]);
    } finally {
      await later.remove();
    }
    await run.printed(/session orbit-api/);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('a home that is a file: run, smart mode and status exit 1 naming it; doctor says not a directory; codex still runs', async () => {
    const file = join(runtime, 'not-a-folder');
    await writeFile(file, 'x');
    for (const args of [['run'], [], ['status']]) {
      const r = await runCli(args, env({ CODEX_HOME: file, DISPLAY: '', WAYLAND_DISPLAY: '' }));
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`the Codex home ${file} is not a directory.`);
      expect(r.stderr).toContain('--codex-home DIR');
    }
    const doctor = await runCli(['doctor', '--codex-home', file], env());
    expect(doctor.stdout).toContain(`✗ Codex home: ${file} is not a directory`);
    const codex = await FakeCodex.install(runtime);
    const wrapped = start(['codex'], { CODEX_HOME: file, PATH: codex.path() });
    await codex.until('ready');
    await codex.finish(0);
    expect((await wrapped.exited).code).toBe(0);
  });
});

describe('never kill the user’s codex', () => {
  it('run defers to a codex wrapper: codex gets no signal, one publisher throughout, run publishes after', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    await writeConfig();
    arrpc = await ArrpcHost.start(runtime);
    const server = arrpc;
    const codex = await FakeCodex.install(runtime);
    const wrapper = start(['codex'], { PATH: codex.path() });
    await server.until(() => server.activities.some((a) => a !== null));
    const run = start(['run', '--takeover']);
    await run.printed(`a \`codex\` wrapper (pid ${wrapper.child.pid}) is publishing while its codex runs`);
    expect((await readInstance(lockDir()))?.pid).toBe(wrapper.child.pid);
    expect(new Set(server.sockets).size).toBe(1);
    await codex.finish(0);
    expect((await wrapper.exited).code).toBe(0);
    await run.printed('publishing from here');
    await server.until(() => new Set(server.sockets.filter((_, i) => server.activities[i] !== null)).size === 2);
    // The wrapper cleared its activity before the run showed one.
    const first = server.sockets[0];
    const clearedAt = server.sockets.findIndex((s, i) => s === first && server.activities[i] === null);
    const secondShownAt = server.sockets.findIndex((s, i) => s !== first && server.activities[i] !== null);
    expect(clearedAt).toBeGreaterThan(-1);
    expect(clearedAt).toBeLessThan(secondShownAt);
    expect(await codex.signals()).toEqual([]);
    expect((await readInstance(lockDir()))?.pid).toBe(run.child.pid);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('Ctrl+C (SIGINT to the process group) reaches codex once; SIGTERM to the wrapper alone is forwarded', async () => {
    const codex = await FakeCodex.install(runtime);
    // Its own process group, as a shell gives a foreground job.
    const wrapper = spawn(process.execPath, [CLI, 'codex'], {
      env: { PATH: codex.path(), ...env() },
      stdio: 'ignore',
      detached: true,
    });
    children.push(wrapper);
    const exited = new Promise<number | null>((r) => wrapper.on('exit', (code) => r(code)));
    await codex.until('ready');
    process.kill(-(wrapper.pid ?? 0), 'SIGINT');
    await codex.until('signal SIGINT');
    expect(alive(wrapper.pid)).toBe(true);
    wrapper.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await codex.signals()).toEqual(['SIGINT', 'SIGTERM']);
    expect(existsSync(instancePath(lockDir()))).toBe(false);
  });

  it('SIGHUP stops run like SIGTERM: activity cleared, lock removed, exit 0', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    await writeConfig();
    arrpc = await ArrpcHost.start(runtime);
    const server = arrpc;
    const run = start(['run']);
    await server.until(() => server.activities.some((a) => a !== null));
    run.child.kill('SIGHUP');
    expect((await run.exited).code).toBe(0);
    expect(server.shown).toBeNull();
    expect(existsSync(instancePath(lockDir()))).toBe(false);
    expect(run.output().stdout).toContain('stopped (SIGHUP); Discord activity cleared');
  });

  it('a closed stdout (run | head -1) stops output quietly, not the process', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    await writeConfig();
    arrpc = await ArrpcHost.start(runtime);
    const server = arrpc;
    const run = start(['run']);
    run.child.stdout.destroy(); // the reader is gone: every write now fails with EPIPE
    await server.until(() => server.activities.some((a) => a !== null));
    await until(async () => (await readInstance(lockDir()))?.discord?.state === 'connected');
    await home.writeLiveSample(SAMPLES.nearLimit); // more output to a closed pipe
    await server.until(() => server.activities.filter((a) => a !== null).length >= 2);
    expect(alive(run.child.pid)).toBe(true);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(run.output().stderr).not.toMatch(/EPIPE/);
    expect(server.shown).toBeNull();
    expect(existsSync(instancePath(lockDir()))).toBe(false);
  });
});

describe('exactly one publisher', () => {
  const N = 5;

  /** Starts N runs together; resolves once all but one have exited. Returns the survivor and the others' exits. */
  async function race(): Promise<{ survivors: number[]; lock: InstanceInfo | null; codes: string[] }> {
    const runs = Array.from({ length: N }, () => start(['run']));
    const exits: Array<number | null | undefined> = runs.map(() => undefined);
    runs.forEach((r, i) => void r.exited.then((e) => (exits[i] = e.code)));
    // Settled: every run has exited or publishes (its first line comes only after it holds the lock),
    // and at most one is left: a taken-over run exits.
    await until(
      () =>
        runs.every((r, i) => exits[i] !== undefined || r.output().stdout.includes('discord disabled')) &&
        exits.filter((e) => e === undefined).length <= 1,
    );
    const survivors = runs.filter((_, i) => exits[i] === undefined).map((r) => r.child.pid ?? -1);
    // Every run that left did so cleanly: it printed its stop line after clearing and releasing.
    // (Its exit status may still be SIGTERM: several newcomers each signal it, and Node
    // restores the default action while it tears down, after the cleanup.)
    const codes = runs
      .filter((_, i) => exits[i] !== undefined)
      .map((r) =>
        /^stopped \(SIGTERM\)$/m.test(r.output().stdout)
          ? 'clean'
          : JSON.stringify({ ...r.output(), exit: exits[runs.indexOf(r)] }),
      );
    const lock = await readInstance(lockDir());
    for (const r of runs) r.child.kill('SIGTERM');
    await Promise.all(runs.map((r) => r.exited));
    return { survivors, lock, codes };
  }

  it(`${N} runs started together: one publisher, in each of 20 trials`, async () => {
    await home.writeLiveSample(SAMPLES.basic);
    for (let trial = 0; trial < 20; trial += 1) {
      const { survivors, lock, codes } = await race();
      expect(survivors, `trial ${trial}`).toHaveLength(1);
      expect(lock?.pid, `trial ${trial}`).toBe(survivors[0]);
      expect(codes, `trial ${trial}`).toEqual(Array(N - 1).fill('clean'));
      expect(existsSync(instancePath(lockDir()))).toBe(false);
    }
  }, 240_000);

  it(`${N} runs over a stale lock: one publisher, in each of 10 trials`, async () => {
    await home.writeLiveSample(SAMPLES.basic);
    for (let trial = 0; trial < 10; trial += 1) {
      // A lock left by a run that crashed: its process is gone.
      const gone = spawn(process.execPath, ['-e', '']);
      await new Promise((r) => gone.on('exit', r));
      await mkdir(lockDir(), { recursive: true });
      await writeFile(
        instancePath(lockDir()),
        JSON.stringify({ ...(await currentProcessInfo('headless', '0.1.0')), pid: gone.pid }),
      );
      const { survivors, lock, codes } = await race();
      expect(survivors, `trial ${trial}`).toHaveLength(1);
      expect(codes, `trial ${trial}`).toEqual(Array(N - 1).fill('clean'));
      expect(lock?.pid, `trial ${trial}`).toBe(survivors[0]);
    }
  }, 240_000);

  it('a reused pid is not signalled: same start time but another executable means the lock is stale', async () => {
    const other = spawn('sleep', ['60']);
    children.push(other);
    await until(async () => (await processIdentity(other.pid ?? 0))?.exe?.endsWith('sleep') === true);
    const id = await processIdentity(other.pid ?? 0);
    await mkdir(lockDir(), { recursive: true });
    await writeFile(
      instancePath(lockDir()),
      JSON.stringify({
        pid: other.pid,
        kind: 'headless',
        exe: process.execPath,
        startedAt: new Date(id?.startedAt ?? 0).toISOString(),
        version: '0.1.0',
      }),
    );
    const run = start(['run']);
    await run.printed('discord disabled');
    expect(run.output().stdout).not.toContain('taking over');
    expect(other.exitCode).toBeNull();
    expect(other.signalCode).toBeNull();
    expect((await readInstance(lockDir()))?.pid).toBe(run.child.pid);
    run.child.kill('SIGTERM');
    await run.exited;
  });
});

describe('the command line', () => {
  it('global options go before or after the command; after `codex` everything is codex’s', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const before = await runCli(['--codex-home', home.home, 'status', '--json'], env({ CODEX_HOME: '' }));
    const after = await runCli(['status', '--json', '--codex-home', home.home], env({ CODEX_HOME: '' }));
    expect(before.code).toBe(0);
    expect((JSON.parse(before.stdout) as { codexHome: { path: string } }).codexHome.path).toBe(home.home);
    const same = (text: string) => ({ ...(JSON.parse(text) as Record<string, unknown>), generatedAt: '' });
    expect(same(before.stdout)).toEqual(same(after.stdout));
    const codex = await FakeCodex.install(runtime);
    const wrapped = start(['--verbose', 'codex', '--verbose', '--codex-home', 'x', '--help'], { PATH: codex.path() });
    await codex.until('ready');
    await codex.finish(0);
    expect((await wrapped.exited).code).toBe(0);
    expect(await codex.argv()).toEqual(['--verbose', '--codex-home', 'x', '--help']);
  });

  it('usage errors exit 2 with a short message of our own', async () => {
    const cases: Array<[string[], string]> = [
      [['status', 'typo'], "unexpected argument 'typo'"],
      [['help', 'foo'], "no help for unknown command 'foo'"],
      [['status', '--bogus'], "unknown option --bogus for 'status'"],
      [['--codex-home='], '--codex-home needs a value, not an empty string'],
      [['status', '--config'], '--config needs a value'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env());
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(
        new RegExp(
          `^codex-discord-presence: ${escape(message)}\\nRun \`codex-discord-presence (--help|help \\w+)\` for usage\\.\\n$`,
        ),
      );
      expect(r.stdout).toBe('');
    }
  });

  it('--config in a missing folder is an error; --codex-home on a file says not a directory', async () => {
    const missing = join(runtime, 'nonexistent', 'x.json');
    for (const command of ['status', 'run']) {
      const r = await runCli([command, '--config', missing], env());
      expect(r.code, command).toBe(1);
      expect(r.stderr).toContain(`the folder ${join(runtime, 'nonexistent')} does not exist`);
      expect(r.stdout).not.toContain('not created yet');
    }
    // doctor reports it as its failed config check, so `doctor --json` stays parsable.
    const doctor = await runCli(['doctor', '--config', missing], env());
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`its folder ${join(runtime, 'nonexistent')} does not exist`);
    expect(doctor.stdout).not.toContain('not created yet');
    const file = join(runtime, 'passwd');
    await writeFile(file, 'root:x:0:0\n');
    const status = await runCli(['status', '--codex-home', file], env());
    expect(status.stderr).toContain('is not a directory');
    expect(status.stdout).not.toContain('not found');
  });

  it('--verbose makes status and doctor say what they read on stderr', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const quiet = await runCli(['status'], env());
    expect(quiet.stderr).toBe('');
    const status = await runCli(['status', '--verbose'], env());
    expect(status.stdout).toBe(quiet.stdout);
    expect(status.stderr).toContain(
      `status: config ${join(home.home, 'discord-presence-config.json')} (not there: defaults)`,
    );
    expect(status.stderr).toContain(`status: publisher lock ${instancePath(lockDir())}: no live publisher`);
    const doctor = await runCli(['doctor', '--verbose'], env());
    expect(doctor.stderr).toContain(`doctor: Codex home ${home.home}`);
    expect(doctor.stderr).toMatch(/^doctor: codex-home ok: /m);
  });

  it('CODEX_PRESENCE_APP naming a file that is not executable: reported, then headless', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const app = join(runtime, 'app');
    await writeFile(app, '#!/bin/sh\n');
    await chmod(app, 0o644);
    const run = start([], { DISPLAY: ':99', CODEX_PRESENCE_APP: app });
    await run.printed('Running headless because the tray app could not be started.');
    await run.printed('discord disabled');
    expect(run.output().stderr).toContain(`could not start the tray app ${app}: it is not executable (EACCES)`);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Kept referenced for readers of this file: appending is how codex grows a rollout.
void appendFile;
void readFile;
