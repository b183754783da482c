import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import type { MockLimits, MockUsage } from './responsesMock.js';

/**
 * The real `@openai/codex`, pinned, installed by the tests into a cache
 * folder (never as an app dependency). If it cannot be installed the test
 * fails: CI must be able to install it.
 */
export const CODEX_PINNED = '0.171.0';
/** The oldest Codex whose `account/rateLimits/read` we support (SCHEMA.md §10). */
export const CODEX_OLDEST = '0.100.0';

const CACHE = process.env.CODEX_PRESENCE_TEST_CACHE ?? join(homedir(), '.cache', 'codex-presence-test');

export function codexBin(version: string): string {
  return join(CACHE, `codex-${version}`, 'node_modules', '.bin', process.platform === 'win32' ? 'codex.cmd' : 'codex');
}

/** Installs `@openai/codex@version` into the cache unless it is there; returns its binary. */
export function installCodex(version: string): string {
  const bin = codexBin(version);
  if (existsSync(bin)) return bin;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(
    npm,
    [
      'install',
      '--prefix',
      join(CACHE, `codex-${version}`),
      `@openai/codex@${version}`,
      '--no-save',
      '--no-audit',
      '--no-fund',
    ],
    { stdio: 'inherit', timeout: 10 * 60_000, shell: process.platform === 'win32' },
  );
  if (!existsSync(bin)) throw new Error(`npm installed @openai/codex@${version} but ${bin} is missing`);
  return bin;
}

/**
 * A user, network, mount and PID namespace. The script is the namespace's
 * first process: when it ends, or `unshare` is killed (`--kill-child`), the
 * kernel ends every process left in it, codex's own children (its app-server
 * daemon) and tmux included. Its own /proc, so codex finds its children there.
 */
const UNSHARE = ['-rnpf', '--mount-proc', '--kill-child'];

/**
 * Whether a loopback-only network namespace can be made (`unshare`, Linux
 * with unprivileged user namespaces), and why not when it cannot.
 */
export function isolation(): { ok: true } | { ok: false; why: string } {
  if (process.platform !== 'linux') return { ok: false, why: `no unshare on ${process.platform}` };
  const r = spawnSync('unshare', [...UNSHARE, 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (r.status === 0) return { ok: true };
  const why = r.error?.message ?? (r.stderr.trim() || `exit ${String(r.status)}`);
  return { ok: false, why: `unshare ${UNSHARE.join(' ')} is not allowed here (${why})` };
}

/**
 * Runs `argv` and resolves with what it printed on stdout. With `isolate`,
 * inside its own namespaces with only loopback up, so a real codex can reach
 * nothing but the local mocks. Past `timeoutMs` it is killed, and with it the
 * namespace and everything in it.
 */
export function runIsolated(
  argv: string[],
  env: NodeJS.ProcessEnv,
  opts: { isolate: boolean; timeoutMs: number },
): Promise<string> {
  const [cmd, ...args] = opts.isolate
    ? ['unshare', ...UNSHARE, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...argv]
    : argv;
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd as string,
      args,
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error === null) resolve(stdout);
        else reject(new Error(`${argv.join(' ')} failed (${error.message}):\n${stderr.slice(-8000)}`));
      },
    );
    child.stdin?.end();
  });
}

/** Runs a test-support script (`node --import tsx test/support/<script> ...args`) through `runIsolated`. */
export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { isolate: boolean; timeoutMs: number },
): Promise<string> {
  return runIsolated([process.execPath, '--import', 'tsx', join(ROOT, 'test', 'support', script), ...args], env, opts);
}

export type PlanStep =
  /** `codex <args>`; an argument `{id:NAME}` is replaced by the session id of step NAME. */
  | { kind: 'exec'; name: string; bin: string; args: string[]; usage: MockUsage[] }
  /** `codex fork <id of parent>` in a real terminal: `/status`, one prompt, `/status` again. */
  | { kind: 'tuiFork'; name: string; bin: string; parent: string; prompt: string; usage: MockUsage[] };

/** A `codex exec …` step (outside a git repository: the project folders are plain ones). */
export function execStep(name: string, bin: string, args: string[], usage: MockUsage): PlanStep {
  return { kind: 'exec', name, bin, args: ['exec', '--skip-git-repo-check', ...args], usage: [usage] };
}

/** What test/support/realCodexRun.ts does: the steps, in a Codex home and project folder of the caller's. */
export interface Plan {
  home: string;
  cwd: string;
  limits: MockLimits | null;
  steps: PlanStep[];
}

export interface StepResult {
  name: string;
  /** The session codex made (or resumed). */
  id: string;
  /** `codex exec`'s closing "tokens used" figure: its display of the session's total. */
  tokensUsed: number | null;
  /** `/status` "Token usage: N total" in the terminal, before and after the fork's first turn. */
  statusBefore?: string;
  statusAfter?: string;
}

export interface RunOutput {
  steps: StepResult[];
  served: { answered: number; refused: number; titles: number };
}

/** Runs `plan` with the real codex against the Responses mock, isolated; rollouts land in `plan.home`. */
export async function realRollouts(plan: Plan, timeoutMs = 10 * 60_000): Promise<RunOutput> {
  const dir = await mkdtemp(join(tmpdir(), 'cdp-plan-'));
  try {
    const file = join(dir, 'plan.json');
    await writeFile(file, JSON.stringify(plan));
    return JSON.parse(await runScript('realCodexRun.ts', [file], {}, { isolate: true, timeoutMs })) as RunOutput;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
