// Makes real rollouts with the real codex: runs a plan of `codex exec` steps
// and `codex fork` in a real terminal (tmux) against the local Responses API
// mock, in a Codex home of the caller's, and prints what codex itself showed
// as JSON (RunOutput). Run it through `realRollouts` (test/support/realCodex.ts),
// which isolates it, so nothing but loopback is reachable.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mockProviderConfig, MOCK_KEY_ENV, startResponsesMock } from './responsesMock.js';
import type { Plan, PlanStep, RunOutput, StepResult } from './realCodex.js';
import { TMUX, TmuxTerminal } from './tmux.js';

const STEP_TIMEOUT_MS = 120_000;

async function main(): Promise<void> {
  const plan = JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')) as Plan;
  const mock = await startResponsesMock(plan.limits);
  try {
    await mkdir(plan.home, { recursive: true });
    await mkdir(plan.cwd, { recursive: true });
    // Trusted, so the terminal asks nothing before the fork.
    const trust = `[projects.${JSON.stringify(plan.cwd)}]\ntrust_level = "trusted"\n`;
    await writeFile(join(plan.home, 'config.toml'), mockProviderConfig(mock.baseUrl) + trust);
    const env = { ...process.env, CODEX_HOME: plan.home, [MOCK_KEY_ENV]: 'sk-mock' };
    const steps: StepResult[] = [];
    const idOf = (name: string): string => {
      const found = steps.find((s) => s.name === name);
      if (found === undefined) throw new Error(`no step named ${name} before this one`);
      return found.id;
    };
    for (const step of plan.steps) {
      mock.queue(step.usage);
      const result =
        step.kind === 'exec'
          ? await exec(step, plan.cwd, env, idOf)
          : await tuiFork(step, plan.cwd, env, idOf(step.parent), mock);
      if (mock.pending() !== 0) throw new Error(`${step.name}: codex made fewer requests than planned`);
      steps.push(result);
    }
    const out: RunOutput = { steps, served: mock.served() };
    process.stdout.write(JSON.stringify(out));
  } finally {
    await mock.close();
  }
}

/** Runs `codex exec …` to its end; its process group is stopped if it overruns. */
function exec(
  step: Extract<PlanStep, { kind: 'exec' }>,
  cwd: string,
  env: NodeJS.ProcessEnv,
  idOf: (name: string) => string,
): Promise<StepResult> {
  const args = step.args.map((a) => a.replace(/^\{id:(.+)\}$/, (_m, name: string) => idOf(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(step.bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const id = /^session id: (\S+)$/m.exec(stderr)?.[1];
      const used = /^tokens used\n([\d,]+)$/m.exec(stderr)?.[1];
      if (code !== 0 || id === undefined) {
        reject(new Error(`${step.name}: codex ${args.join(' ')} ended ${code ?? signal}:\n${stderr.slice(-4000)}`));
        return;
      }
      resolve({ name: step.name, id, tokensUsed: used === undefined ? null : Number(used.replace(/,/g, '')) });
    });
  });
}

async function tuiFork(
  step: Extract<PlanStep, { kind: 'tuiFork' }>,
  cwd: string,
  env: NodeJS.ProcessEnv,
  parentId: string,
  mock: Awaited<ReturnType<typeof startResponsesMock>>,
): Promise<StepResult> {
  const keyEnv = { CODEX_HOME: env.CODEX_HOME ?? '', [MOCK_KEY_ENV]: env[MOCK_KEY_ENV] ?? '' };
  const argv = ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', cwd, step.bin, 'fork', parentId];
  const term = await TmuxTerminal.start(cwd, argv, keyEnv, { columns: 140, rows: 50 });
  const keys = (...k: string[]): void => {
    execFileSync(TMUX ?? 'tmux', ['-L', term.socket, 'send-keys', ...k]);
  };
  const all = (): string[] => term.screen(false, true);
  const until = async (what: string, check: (rows: string[]) => boolean): Promise<string[]> => {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const rows = all();
      if (check(rows)) return rows;
      if (term.exited()) throw new Error(`${step.name}: codex exited waiting for ${what}:\n${rows.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`${step.name}: timed out waiting for ${what}:\n${rows.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const usageRows = (rows: string[]): string[] => rows.filter((r) => /Token usage:/.test(r));
  const status = async (seen: number): Promise<{ figure: string; rows: string[] }> => {
    keys('-l', '/status');
    await until('/status typed', (rows) => rows.some((r) => /^› \/status\s*$/.test(r)));
    keys('Enter');
    const rows = await until('the status card', (r) => usageRows(r).length > seen);
    const figure = /Token usage:\s+(\S+) total/.exec(usageRows(rows).at(-1) ?? '')?.[1];
    if (figure === undefined) throw new Error(`${step.name}: no token figure in:\n${rows.join('\n')}`);
    return { figure, rows };
  };
  try {
    await until('the fork', (rows) => rows.some((r) => r.includes(`Thread forked from ${parentId}`)));
    const before = await status(0);
    const id = before.rows.map((r) => /Session:\s+(\S+)/.exec(r)?.[1]).find((v) => v !== undefined);
    if (id === undefined) throw new Error(`${step.name}: no session id in:\n${before.rows.join('\n')}`);
    const answered = mock.served().answered;
    keys('-l', step.prompt);
    await until('the prompt typed', (rows) => rows.some((r) => r.trimEnd() === `› ${step.prompt}`));
    keys('Enter');
    // The turn is over when its reply is shown and "Worked for" follows it.
    await until('the reply', (rows) => {
      const reply = rows.findLastIndex((r) => r.includes(`Mock reply #${answered + 1}.`));
      return reply !== -1 && rows.slice(reply).some((r) => r.includes('Worked for'));
    });
    const after = await status(1);
    keys('C-c');
    keys('C-c');
    await until('codex to quit', () => term.exited()).catch(() => undefined);
    return { name: step.name, id, tokensUsed: null, statusBefore: before.figure, statusAfter: after.figure };
  } finally {
    await term.kill();
  }
}

await main();
