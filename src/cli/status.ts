import { UsageEngine } from '../usage/engine.js';
import type { UsageSnapshot } from '../usage/types.js';
import type { GlobalOptions } from './args.js';
import { cliContext, configIssues, type CliContext, type CliIo } from './context.js';
import { formatStatus } from './statusText.js';
import { liveInstance, type InstanceInfo } from '../instance/instanceFile.js';

export type { CliIo } from './context.js';

export async function readSnapshot(options: GlobalOptions, io: CliIo): Promise<UsageSnapshot> {
  return snapshotOf(await cliContext(options, io), io);
}

async function snapshotOf({ codexHome, config }: CliContext, io: CliIo): Promise<UsageSnapshot> {
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
  /** Why the config is not used, or what a write would repair or migrate; nothing is written. */
  configIssues: string[];
}

/**
 * `status [--json]`: exits 0 whenever it could report, including "no Codex
 * home" and a config it cannot use. It never writes: config issues go to
 * stderr and into the report.
 */
export async function statusCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const context = await cliContext(options, io);
  const snapshot = await snapshotOf(context, io);
  const { baseHome, config } = context;
  const report: StatusReport = {
    ...snapshot,
    publisher: await liveInstance(baseHome),
    configPath: config.path,
    configIssues: configIssues(config),
  };
  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else
    io.stdout(
      `${formatStatus(snapshot, new Date(io.now()), { publisher: report.publisher, configPath: report.configPath })}\n`,
    );
  return 0;
}
