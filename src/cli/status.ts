import { UsageEngine } from '../usage/engine.js';
import type { UsageSnapshot } from '../usage/types.js';
import type { GlobalOptions } from './args.js';
import { cliContext, type CliIo } from './context.js';
import { formatStatus } from './statusText.js';
import { instancePath, liveInstance, type InstanceInfo } from '../instance/instanceFile.js';
import { presenceStateDir } from '../instance/stateDir.js';
import { homeNotAFolder } from './homeCheck.js';

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
  publisher: Omit<InstanceInfo, 'cmdline'> | null;
  configPath: string;
}

/** `status [--json]`: exits 0 whenever it could report, including "no Codex home". */
export async function statusCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const { codexHome, config } = await cliContext(options, { ...io, stderr: () => undefined });
  const problem = await homeNotAFolder(codexHome);
  if (problem !== null) {
    io.stderr(`codex-discord-presence: ${problem}\n`);
    return 1;
  }
  const verbose = (text: string): void => {
    if (options.verbose) io.stderr(`status: ${text}\n`);
  };
  verbose(`config ${config.path}${config.exists ? '' : ' (not there: defaults)'}`);
  const snapshot = await readSnapshot(options, io);
  verbose(
    `Codex home ${snapshot.codexHome.path}: ${snapshot.codexHome.found ? `${snapshot.sessions.length} live session(s) read` : 'not found'}`,
  );
  const stateDir = presenceStateDir(io.env);
  const live = await liveInstance(stateDir);
  verbose(`publisher lock ${instancePath(stateDir)}: ${live === null ? 'no live publisher' : `pid ${live.pid}`}`);
  const publisher = live === null ? null : withoutCmdline(live);
  const report: StatusReport = { ...snapshot, publisher, configPath: config.path };
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
