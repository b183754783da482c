import { resolveCodexHome } from '../codex/home.js';
import { UsageEngine } from '../usage/engine.js';
import type { UsageSnapshot } from '../usage/types.js';
import type { GlobalOptions } from './args.js';
import { formatStatus } from './statusText.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

export async function readSnapshot(options: GlobalOptions, io: CliIo): Promise<UsageSnapshot> {
  const engine = new UsageEngine({
    codexHome: resolveCodexHome({ explicit: options.codexHome, env: io.env }),
    now: io.now,
  });
  await engine.coldStart();
  return engine.snapshot();
}

/** `status [--json]`: exits 0 whenever it could report, including "no Codex home". */
export async function statusCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const snapshot = await readSnapshot(options, io);
  if (options.json) io.stdout(`${JSON.stringify(snapshot, null, 2)}\n`);
  else io.stdout(`${formatStatus(snapshot, new Date(io.now()))}\n`);
  return 0;
}
