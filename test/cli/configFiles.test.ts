import { execFileSync, spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, PATH_WITHOUT_CODEX, startCli, type CliRun } from '../support/cli.js';

// Issue 21 §1, §2, §6 with the real built CLI: a FIFO or a device as the config hung status, history,
// doctor and config migrate; a symlinked config was replaced by a regular file; errors echoed a 100 KB
// argument or a path with raw newlines back to the terminal.
const posix = process.platform !== 'win32';
let home: string;
let runtime: string;
let config: string;
const started: Array<ReturnType<typeof startCli>> = [];
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cdp-cfgfiles-home-'));
  runtime = await mkdtemp(join(tmpdir(), 'cdp-cfgfiles-xdg-'));
  config = join(home, 'discord-presence-config.json');
});
afterEach(async () => {
  for (const cli of started.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  }
  await rm(home, { recursive: true, force: true });
  await rm(runtime, { recursive: true, force: true });
});

const env = () => ({
  CODEX_HOME: home,
  XDG_RUNTIME_DIR: runtime,
  HOME: runtime,
  CODEX_PRESENCE_DATA_DIR: join(runtime, 'data'),
});

/**
 * The built CLI, killed (SIGKILL) if it has not exited within `ms`: a command that hangs fails the test
 * with what it printed, and leaves no process behind.
 */
function runBounded(args: string[], ms = 15_000): Promise<CliRun & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: PATH_WITHOUT_CODEX, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

type Check = { id: string; status: string; detail: string; fix?: string };
const configCheck = (run: CliRun) =>
  (JSON.parse(run.stdout) as { checks: Check[] }).checks.find((c) => c.id === 'config');

describe.skipIf(!posix)(
  'a config that is not a regular file: every command returns at once and says what it is',
  () => {
    const kinds: Array<[string, (at: string) => Promise<void>, string]> = [
      ['a FIFO', async (at) => void execFileSync('mkfifo', [at]), 'it is a FIFO (named pipe), not a regular file'],
      ['a symlink to /dev/zero', (at) => symlink('/dev/zero', at), 'it is a device, not a regular file'],
    ];
    const places: Array<[string, () => { file: string; args: string[] }]> = [
      ['--config', () => ({ file: join(runtime, 'cfg.json'), args: ['--config', join(runtime, 'cfg.json')] })],
      ['the default path', () => ({ file: config, args: [] })],
    ];

    for (const [kind, make, what] of kinds) {
      for (const [where, place] of places) {
        it(`${kind} at ${where}`, async () => {
          const { file, args } = place();
          await make(file);
          const status = await runBounded(['status', ...args]);
          expect(status.timedOut, status.stderr).toBe(false);
          expect(status.code).toBe(0);
          expect(status.stderr).toContain(`config ${file}: not used: ${what}; defaults are used`);
          expect(status.stderr).toContain('move it away');

          const history = await runBounded(['history', ...args]);
          expect(history.timedOut, history.stderr).toBe(false);
          expect(history.stderr).toContain(`config ${file}: not used: ${what}`);

          const doctor = await runBounded(['doctor', '--json', ...args]);
          expect(doctor.timedOut, doctor.stderr).toBe(false);
          expect(configCheck(doctor)).toMatchObject({
            status: 'fail',
            detail: expect.stringContaining(`${file} is not used: ${what}`),
          });

          const migrate = await runBounded(['config', 'migrate', ...args]);
          expect(migrate.timedOut, migrate.stderr).toBe(false);
          expect(migrate.code).toBe(1);
          expect(migrate.stderr).toContain(
            `config ${file} is not used and not overwritten: ${what}. Fix it, or move it away`,
          );

          const run = await runBounded(['run', ...args]);
          expect(run.timedOut, run.stderr).toBe(false);
          expect(run.code).toBe(1);
          expect(run.stderr).toContain(`is not used and not overwritten: ${what}`);

          // Still what it was; nothing was written next to it.
          const after = await lstat(file);
          expect(kind === 'a FIFO' ? after.isFIFO() : after.isSymbolicLink()).toBe(true);
          expect((await readdir(join(file, '..'))).filter((f) => /\.(bak|tmp|lock|aside)$/.test(f))).toEqual([]);
        }, 60_000);
      }
    }

    it('a config over 1 MB is not read: status says so and config migrate leaves it as it is', async () => {
      const big = `{"pad": "${'x'.repeat(2 * 1024 * 1024)}"}`;
      await writeFile(config, big);
      const status = await runBounded(['status']);
      expect(status.code).toBe(0);
      expect(status.stderr).toContain(`config ${config}: not used: it is larger than 1 MB (2 MB), so it is not read`);
      const migrate = await runBounded(['config', 'migrate']);
      expect(migrate.code).toBe(1);
      expect(await readFile(config, 'utf8')).toBe(big);
    });
  },
);

describe.skipIf(!posix)('a symlinked config (dotfiles managers) is written through', () => {
  // The Rust tool's schema 2, with that tool's own application id: a write migrates it, and run stays disabled.
  const V2 =
    '{\r\n    "schema_version": 2,\r\n    "discord_client_id": "1470480085453770854",\r\n    "pricing": {"in": 1.0, "big": 12345678901234567890}\r\n}\r\n';
  let target: string;
  beforeEach(async () => {
    await mkdir(join(runtime, 'dotfiles'));
    target = join(runtime, 'dotfiles', 'presence.json');
    await writeFile(target, V2);
    await symlink(target, config);
  });

  it('config migrate: the link stays, the target holds the migration in its own text, the backup sits beside it', async () => {
    const run = await runBounded(['config', 'migrate']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Updated ${config} (a symlink: written to its target, ${target}):`);
    expect((await lstat(config)).isSymbolicLink()).toBe(true);
    const written = await readFile(target, 'utf8');
    expect(written).toContain('"pricing": {"in": 1.0, "big": 12345678901234567890}');
    expect(written).toContain('\r\n    "presence_schema_version": 7,');
    expect(written.replace(/\r\n/g, '')).not.toContain('\n');
    const backup = /The original is saved as (.*\.bak)\./.exec(run.stdout)?.[1] ?? '';
    expect(backup.startsWith(`${target}.`)).toBe(true);
    expect(await readFile(backup, 'utf8')).toBe(V2);
    expect(await readdir(home)).toEqual(['discord-presence-config.json']);
    expect((await runBounded(['config', 'migrate'])).stdout).toContain('is up to date; nothing was written');
  });

  it('run repairs through the link at start, and says where it wrote', async () => {
    const cli = startCli(['run'], env());
    started.push(cli);
    await cli.printed('discord disabled');
    expect(cli.output().stderr).toContain(
      `updated ${config} (a symlink: written to its target, ${target}); the original is saved as ${target}.`,
    );
    cli.child.kill('SIGTERM');
    await cli.exited;
    expect((await lstat(config)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toContain('"presence_schema_version": 7');
  });
});

describe('what a user typed is quoted back cut and escaped', () => {
  it('a 100 KB argument: one short line, saying how long it was', async () => {
    const huge = 'x'.repeat(100_000);
    for (const args of [[huge], ['status', huge], ['help', huge], ['config', huge], [`--${huge}`]]) {
      const run = await runBounded(args);
      expect(run.code).toBe(2);
      expect(run.stderr.length).toBeLessThan(600);
      expect(run.stderr).toMatch(/x…x+ \(\d+ characters\)/);
    }
  });

  it('a path with raw newlines and escape sequences is shown escaped, on one line', async () => {
    const evil = join(runtime, 'no\nsuch\u001b[2J', 'x.json');
    const run = await runBounded(['status', '--config', evil]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no\\nsuch\\x1b[2J');
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    const file = join(runtime, 'home\nfile');
    await writeFile(file, '');
    const homeRun = await runBounded(['status', '--codex-home', file]);
    expect(homeRun.code).toBe(1);
    expect(homeRun.stderr).toContain('home\\nfile is not a directory');
  });

  it('paths status prints on stdout (a missing Codex home, the config) are escaped too, each on its row', async () => {
    const missing = join(runtime, 'gone\nhome\u001b[2J');
    const gone = await runBounded(['status', '--codex-home', missing]);
    expect(gone.stdout).not.toContain('\u001b');
    expect(gone.stdout.split('\n')[0]).toMatch(/^Codex home +.*gone\\nhome\\x1b\[2J — not found$/);
    const home = join(runtime, 'home-ok');
    await mkdir(join(home, 'sessions'), { recursive: true });
    const config = join(runtime, 'cfg\u001b]0;x\u0007.json');
    const run = await runBounded(['status', '--codex-home', home, '--config', config]);
    // No control character but the newlines between rows.
    expect([...run.stdout].filter((c) => c < ' ' && c !== '\n')).toEqual([]);
    expect(run.stdout.split('\n').find((l) => l.startsWith('Config'))).toMatch(/cfg\\x1b\]0;x\\x07\.json$/);
  });
});
