import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeConfig } from '../../src/config/serialize.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { historyPath } from '../../src/history/location.js';
import { startCli } from './cli.js';
import { realRollouts, type PlanStep, type RunOutput } from './realCodex.js';
import type { MockLimits } from './responsesMock.js';

/** Every rollout under `home/sessions`, by the session id in its file name. */
export async function rolloutsById(home: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const entries = await readdir(join(home, 'sessions'), { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const id = /-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(e.name)?.[1];
    if (e.isFile() && id !== undefined) out.set(id, join(e.parentPath, e.name));
  }
  return out;
}

/**
 * Runs the real `run` (the publisher; Discord off in the home's config) until
 * it has written a backfill as done in `stateDir`'s history (a new one: a
 * start that finds files history has not read to their end), then stops it
 * with SIGINT and checks it exited cleanly.
 */
export async function backfillWithRun(env: NodeJS.ProcessEnv, stateDir: string): Promise<void> {
  const startedAt = Date.now();
  // History may be compacted meanwhile: look for a done record written after this start, not for a count of them.
  const doneSince = (content: string): boolean =>
    content.split('\n').some((l) => {
      if (!l.includes('"phase":"done"')) return false;
      try {
        const r = JSON.parse(l) as { k?: string; at?: number };
        return r.k === 'backfill' && (r.at ?? 0) >= startedAt;
      } catch {
        return false; // a line still being written
      }
    });
  const cli = startCli(['run'], env);
  try {
    await fileHas(historyPath(stateDir), doneSince, 60_000);
  } finally {
    cli.child.kill('SIGINT');
  }
  const { code } = await cli.exited;
  if (code !== 0) throw new Error(`run exited ${String(code)}: ${cli.output().stderr}`);
}

/** Resolves once `file`'s content satisfies `holds` (checked every 20 ms); rejects after `boundMs`, saying what it last held. */
export async function fileHas(
  file: string,
  holds: string | ((content: string) => boolean),
  boundMs: number,
): Promise<string> {
  const check = typeof holds === 'string' ? (c: string) => c.includes(holds) : holds;
  const deadline = Date.now() + boundMs;
  for (;;) {
    const content = await readFile(file, 'utf8').catch(() => '');
    if (check(content)) return content;
    if (Date.now() > deadline)
      throw new Error(`${file} never held ${String(holds)}; it holds:\n${content.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A current config in `home` with Discord off and no account ask: only the rollouts count. */
export async function writeQuietConfig(home: string): Promise<void> {
  const config = defaultSettings();
  config.discordEnabled = false;
  config.limits.askCodex = false;
  await writeFile(join(home, 'discord-presence-config.json'), serializeConfig(null, config));
}

/**
 * A Codex home the real codex made: `steps` run in a project folder named
 * `project` (its name is the sessions' project) under a new temporary `dir`,
 * then a quiet config. The caller removes `dir`.
 */
export async function makeRealHome(
  project: string,
  limits: MockLimits | null,
  steps: PlanStep[],
): Promise<{ dir: string; home: string; run: RunOutput }> {
  const dir = await mkdtemp(join(tmpdir(), 'cdp-real-home-'));
  const home = join(dir, 'codex-home');
  const run = await realRollouts({ home, cwd: join(dir, project), limits, steps });
  await writeQuietConfig(home);
  return { dir, home, run };
}
