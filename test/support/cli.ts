import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'out', 'cli', 'index.mjs');
/**
 * The same CLI built as a release is, with a built-in Discord application id
 * (a made-up one: CDP_DISCORD_CLIENT_ID, issue 23 §1), by test/globalSetup.ts.
 * `CLI` has none, as a source build: with a built-in id, every test's `run`
 * would greet whatever Discord listens in the shared /tmp, a developer's real one included.
 */
export const CLI_BUILT_IN = join(ROOT, 'out', 'cli-built-in', 'index.mjs');
export const TEST_BUILT_IN_CLIENT_ID = '990011223344556677';

/**
 * PATH without any folder holding a `codex`: `status` may ask Codex for the
 * account's limits, and a developer's real Codex must not answer in tests.
 * Tests that want a codex pass CODEX_BIN or their own PATH.
 */
export const PATH_WITHOUT_CODEX = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !['codex', 'codex.cmd', 'codex.exe'].some((n) => existsSync(join(dir, n))))
  .join(delimiter);

/**
 * Where CLI children keep usage history unless a test says where (its own
 * HOME, or a data or state folder): never the developer's own data folder
 * (`run` records history as it publishes).
 */
const TEST_DATA_DIR = mkdtempSync(join(tmpdir(), 'cdp-test-data-'));
process.on('exit', () => rmSync(TEST_DATA_DIR, { recursive: true, force: true }));

function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // A test that gives its own HOME or data folder has placed it already.
  const placed = ['CODEX_PRESENCE_DATA_DIR', 'CODEX_PRESENCE_STATE_DIR', 'XDG_DATA_HOME', 'HOME'].some((k) => k in env);
  return {
    PATH: PATH_WITHOUT_CODEX,
    HOME: process.env.HOME,
    ...(placed ? {} : { CODEX_PRESENCE_DATA_DIR: TEST_DATA_DIR }),
    ...env,
  };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm run build:cli`; `bundle`: another build, e.g. CLI_BUILT_IN) as a real child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, bundle: string = CLI): Promise<CliRun> {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build:cli\` first (npm test does).`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Starts the built CLI (or `bundle`) and keeps it running; `output()` is what it printed so far. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, bundle: string = CLI) {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const l of listeners) l();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stdout (or stderr, with `on`) contains `text`. */
    printed(text: string | RegExp, on: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
      const has = () => {
        const out = on === 'stdout' ? stdout : stderr;
        return typeof text === 'string' ? out.includes(text) : text.test(out);
      };
      if (has()) return Promise.resolve();
      return new Promise((resolve) => {
        const check = () => {
          if (has()) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
      });
    },
  };
}

/** Started CLIs that a test's `afterEach` kills (SIGKILL) if an assertion failed before they exited. */
export function cliChildren(): { start: typeof startCli; killAll: () => void } {
  const started: Array<ReturnType<typeof startCli>> = [];
  return {
    start: (args, env) => {
      const cli = startCli(args, env);
      started.push(cli);
      return cli;
    },
    killAll: () => {
      for (const cli of started.splice(0))
        if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    },
  };
}
