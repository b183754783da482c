import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, startCli, type CliRun } from '../support/cli.js';

// Issue 11, section 4: read-only commands never write the config; nothing is ever lost.
let home: string;
let runtime: string;
let config: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cdp-cfg-home-'));
  runtime = await mkdtemp(join(tmpdir(), 'cdp-cfg-xdg-'));
  config = join(home, 'discord-presence-config.json');
});
afterEach(async () => {
  await chmod(home, 0o700).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
  await rm(runtime, { recursive: true, force: true });
});

const env = () => ({ CODEX_HOME: home, XDG_RUNTIME_DIR: runtime, HOME: runtime });
type Check = { id: string; status: string; detail: string; fix?: string };
const doctorConfig = (run: CliRun) =>
  (JSON.parse(run.stdout) as { checks: Check[] }).checks.find((c) => c.id === 'config');

// A v1.1 config: the Rust tool's schema 2, with that tool's own application id.
const V11 = `{
  "schema_version": 2,
  "discord_client_id": "1470480085453770854",
  "privacy": { "enabled": false, "show_project_name": true, "show_git_branch": false },
  "display": { "large_image_key": "codex-logo", "large_text": "Codex" }
}
`;

describe('status and doctor never write', () => {
  it('status --config notes.txt leaves the text file, and its mode, as they were', async () => {
    const notes = join(runtime, 'notes.txt');
    await writeFile(notes, 'buy milk\n');
    await chmod(notes, 0o644);
    for (const args of [['status'], ['status', '--json'], ['doctor', '--json']]) {
      const run = await runCli([...args, '--config', notes], env());
      if (args[0] === 'status') {
        expect(run.code).toBe(0);
        expect(run.stderr).toContain(`config ${notes}: not used: it is not valid JSON`);
      } else {
        expect(doctorConfig(run)).toMatchObject({ status: 'fail' });
        expect(doctorConfig(run)?.detail).toContain(`${notes} is not used`);
      }
      expect(await readFile(notes, 'utf8')).toBe('buy milk\n');
      expect((await stat(notes)).mode & 0o777).toBe(0o644);
    }
    const json = JSON.parse((await runCli(['status', '--json', '--config', notes], env())).stdout) as {
      configIssues: string[];
    };
    expect(json.configIssues).toEqual([expect.stringMatching(/^not used: it is not valid JSON/)]);
    expect(await readdir(runtime)).not.toContain(expect.stringMatching(/\.bak$/));
  });

  it('a v1.1 config is reported as needing migration by status and doctor, and not touched', async () => {
    await writeFile(config, V11);
    const status = await runCli(['status'], env());
    expect(status.code).toBe(0);
    expect(status.stderr).toContain('written by the earlier Rust tool (schema_version 2); a write migrates it');
    expect(status.stderr).toContain('nothing was changed');
    const json = JSON.parse((await runCli(['status', '--json'], env())).stdout) as { configIssues: string[] };
    expect(json.configIssues.join('\n')).toMatch(/Rust tool's own application/);
    const doctor = doctorConfig(await runCli(['doctor', '--json'], env()));
    expect(doctor?.status).toBe('warn');
    expect(doctor?.detail).toMatch(/earlier Rust tool \(schema_version 2\).*nothing was changed/);
    expect(doctor?.fix).toContain('codex-discord-presence config migrate');
    expect(await readFile(config, 'utf8')).toBe(V11);
    expect(await readdir(home)).toEqual(['discord-presence-config.json']);
  });

  it('an invalid privacy value is a doctor warning: the most private preset is used', async () => {
    const text = JSON.stringify({ presence_schema_version: 7, privacy: { preset: 'Minimal' } });
    await writeFile(config, text);
    const doctor = doctorConfig(await runCli(['doctor', '--json'], env()));
    expect(doctor?.status).toBe('warn');
    expect(doctor?.detail).toContain('privacy.preset was "Minimal"');
    expect(doctor?.detail).toContain('using the most private preset, "minimal"');
    expect(await readFile(config, 'utf8')).toBe(text);
  });

  it('--config in a folder that does not exist is an error, not "not created yet"', async () => {
    const missing = join(runtime, 'nope', 'x.json');
    const doctor = doctorConfig(await runCli(['doctor', '--json', '--config', missing], env()));
    expect(doctor).toMatchObject({ status: 'fail' });
    expect(doctor?.detail).toMatch(/folder .*nope does not exist/);
  });
});

describe('config migrate', () => {
  it('writes the migration once, after a byte-for-byte backup', async () => {
    await writeFile(config, V11);
    const run = await runCli(['config', 'migrate'], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Updated ${config}:`);
    const backup = /The original is saved as (.*\.bak)\./.exec(run.stdout)?.[1] ?? '';
    expect(await readFile(backup, 'utf8')).toBe(V11);
    const written = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      schema_version: 2,
      presence_schema_version: 7,
      discord_client_id: '',
      legacy_discord_client_id: '1470480085453770854',
    });
    const again = await runCli(['config', 'migrate'], env());
    expect(again.stdout).toContain('is up to date; nothing was written');
    expect((await readdir(home)).sort()).toEqual(
      ['discord-presence-config.json', backup.slice(home.length + 1)].sort(),
    );
  });

  it('refuses a file that is not a JSON object, naming it, and leaves it as it is', async () => {
    await writeFile(config, '[1, 2, 3]');
    const run = await runCli(['config', 'migrate'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`config ${config} is not used and not overwritten: it is JSON but not an object`);
    expect(await readFile(config, 'utf8')).toBe('[1, 2, 3]');
  });

  it('a read-only file is refused with a message, and keeps its mode', async () => {
    await writeFile(config, V11);
    await chmod(config, 0o444);
    const run = await runCli(['config', 'migrate'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is read-only \(mode 0444\)/);
    expect(await readFile(config, 'utf8')).toBe(V11);
    expect((await stat(config)).mode & 0o777).toBe(0o444);
  });

  it('`config` alone, or another word, is a usage error', async () => {
    for (const args of [['config'], ['config', 'wipe']]) {
      const run = await runCli(args, env());
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('config takes migrate');
    }
  });
});

describe('run writes the repair once, at start, and says so', () => {
  it('migrates a v1.1 config and names the backup on stderr', async () => {
    await writeFile(config, V11);
    const cli = startCli(['run'], env());
    try {
      await cli.printed('discord disabled');
      const { stderr } = cli.output();
      expect(stderr).toContain(`updated ${config}; the original is saved as ${config}.`);
      expect(stderr.match(/updated /g)).toHaveLength(1);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    expect(JSON.parse(await readFile(config, 'utf8'))).toMatchObject({ presence_schema_version: 7 });
  });

  it('a repair it cannot write (a read-only file) is reported, and run goes on', async () => {
    await writeFile(config, V11);
    await chmod(config, 0o444);
    const cli = startCli(['run'], env());
    try {
      await cli.printed('discord disabled');
      const { stderr } = cli.output();
      expect(stderr).toMatch(/is read-only \(mode 0444\)/);
      expect(stderr).toContain('the repaired values are used for this run only');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    expect(await readFile(config, 'utf8')).toBe(V11);
  });

  it('a config that is not a JSON object stops run with exit 1, naming it', async () => {
    await writeFile(config, 'meeting notes');
    const run = await runCli(['run'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`config ${config} is not used and not overwritten: it is not valid JSON`);
    expect(await readFile(config, 'utf8')).toBe('meeting notes');
  });
});

/** Runs the CLI as a user who cannot write the Codex home (nobody, when the tests run as root). */
function runAsReader(args: string[]): Promise<CliRun> {
  const asRoot = process.getuid?.() === 0;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe.skipIf(process.platform === 'win32')('a read-only Codex home', () => {
  it('status, status --json and doctor exit as usual; a repair that cannot be written is reported', async () => {
    await writeFile(config, V11);
    await chmod(config, 0o644);
    await chmod(home, 0o555);
    await chmod(runtime, 0o777);
    const status = await runAsReader(['status']);
    expect(status.code).toBe(0);
    const json = await runAsReader(['status', '--json']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { configIssues: string[] }).configIssues.length).toBeGreaterThan(0);
    const doctor = await runAsReader(['doctor', '--json']);
    expect(doctorConfig(doctor)?.status).toBe('warn');
    const migrate = await runAsReader(['config', 'migrate']);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toMatch(/cannot write .*discord-presence-config\.json: .*(EACCES|permission denied)/);
    for (const run of [status, json, doctor, migrate]) expect(run.stderr).not.toMatch(/\.tmp/);
    expect(await readFile(config, 'utf8')).toBe(V11);
    expect(await readdir(home)).toEqual(['discord-presence-config.json']);
  });
});
