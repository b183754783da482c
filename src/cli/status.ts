import { UsageEngine } from '../usage/engine.js';
import type { UsageSnapshot } from '../usage/types.js';
import type { GlobalOptions } from './args.js';
import { cliContext, type CliIo } from './context.js';
import { formatStatus } from './statusText.js';
import { liveInstance, type InstanceInfo } from '../instance/instanceFile.js';

export type { CliIo } from './context.js';

export async function readSnapshot(options: GlobalOptions, io: CliIo): Promise<UsageSnapshot> {
  const { codexHome, config } = await cliContext(options, io);
  const engine = new UsageEngine({
    codexHome,
    now: io.now,
    sessionStaleMs: config.config.general.stale_minutes * 60_000,
  });
  await engine.coldStart();
  return engine.snapshot();
}

/** `status --json`: the UsageSnapshot plus who publishes and where the config is (docs/api/status-json.md). */
export interface StatusReport extends UsageSnapshot {
  publisher: InstanceInfo | null;
  configPath: string;
}

/** `status [--json]`: exits 0 whenever it could report, including "no Codex home". */
export async function statusCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const { baseHome, config } = await cliContext(options, { ...io, stderr: () => undefined });
  const snapshot = await readSnapshot(options, io);
  const report: StatusReport = { ...snapshot, publisher: await liveInstance(baseHome), configPath: config.path };
  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else
    io.stdout(
      `${formatStatus(snapshot, new Date(io.now()), { publisher: report.publisher, configPath: report.configPath })}\n`,
    );
  return 0;
}
