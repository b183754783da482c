import { UsageEngine } from '../usage/engine.js';
import type { UsageSnapshot } from '../usage/types.js';
import type { GlobalOptions } from './args.js';
import { cliContext, configIssues, type CliContext, type CliIo } from './context.js';
import { formatStatus } from './statusText.js';
import { instancePath, liveInstance, type InstanceInfo } from '../instance/instanceFile.js';
import { presenceStateDir } from '../instance/stateDir.js';
import { homeNotAFolder } from './homeCheck.js';

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
  publisher: Omit<InstanceInfo, 'cmdline'> | null;
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
  const { codexHome, config } = context;
  const problem = await homeNotAFolder(codexHome);
  if (problem !== null) {
    io.stderr(`codex-discord-presence: ${problem}\n`);
    return 1;
  }
  const verbose = (text: string): void => {
    if (options.verbose) io.stderr(`status: ${text}\n`);
  };
  verbose(`config ${config.path}${config.exists ? '' : ' (not there: defaults)'}`);
  const snapshot = await snapshotOf(context, io);
  verbose(
    `Codex home ${snapshot.codexHome.path}: ${snapshot.codexHome.found ? `${snapshot.sessions.length} live session(s) read` : 'not found'}`,
  );
  const stateDir = presenceStateDir(io.env);
  const live = await liveInstance(stateDir);
  verbose(`publisher lock ${instancePath(stateDir)}: ${live === null ? 'no live publisher' : `pid ${live.pid}`}`);
  const publisher = live === null ? null : withoutCmdline(live);
  const report: StatusReport = { ...snapshot, publisher, configPath: config.path, configIssues: configIssues(config) };
  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else
    io.stdout(
      `${formatStatus(snapshot, new Date(io.now()), { publisher: report.publisher, configPath: report.configPath })}\n`,
    );
  return 0;
}

/** The command line identifies the process for the lock; it is not part of the report (it may hold paths). */
function withoutCmdline(info: InstanceInfo): Omit<InstanceInfo, 'cmdline'> {
  const rest: InstanceInfo = { ...info };
  delete rest.cmdline;
  return rest;
}
