import { UsageEngine } from '../usage/engine.js';
import type { UsageSnapshot } from '../usage/types.js';
import type { GlobalOptions } from './args.js';
import { accountAskSettings, cliContext, type CliIo } from './context.js';
import { formatStatus } from './statusText.js';
import { liveInstance, type InstanceInfo } from '../instance/instanceFile.js';

export type { CliIo } from './context.js';

/** When `status` asks Codex for the account's limits: `auto` only when the freshest reading is stale or missing. */
export type RefreshMode = 'auto' | 'always' | 'never';

export async function readSnapshot(
  options: GlobalOptions,
  io: CliIo,
  refresh: RefreshMode = 'never',
): Promise<UsageSnapshot> {
  const { codexHome, config } = await cliContext(options, io);
  const engine = new UsageEngine({
    codexHome,
    now: io.now,
    sessionStaleMs: config.config.general.stale_minutes * 60_000,
    account: refresh === 'never' ? null : accountAskSettings(config.config, io.env),
  });
  await engine.coldStart();
  if (refresh === 'always') await engine.refreshAccountLimits({ force: true });
  else if (refresh === 'auto' && needsAccount(engine.snapshot())) await engine.refreshAccountLimits();
  return engine.snapshot();
}

function needsAccount(snapshot: UsageSnapshot): boolean {
  const p = snapshot.limits.primary;
  return p === null || p.stale;
}

/** `status --json`: the UsageSnapshot plus who publishes and where the config is (docs/api/status-json.md). */
export interface StatusReport extends UsageSnapshot {
  publisher: InstanceInfo | null;
  configPath: string;
}

/** `status [--json] [--refresh | --no-refresh]`: exits 0 whenever it could report, including "no Codex home". */
export async function statusCommand(options: GlobalOptions & Record<string, unknown>, io: CliIo): Promise<number> {
  if (options.refresh === true && options['no-refresh'] === true) {
    io.stderr('codex-discord-presence: --refresh and --no-refresh cannot be used together\n');
    return 2;
  }
  const refresh: RefreshMode = options.refresh === true ? 'always' : options['no-refresh'] === true ? 'never' : 'auto';
  const { baseHome, config } = await cliContext(options, { ...io, stderr: () => undefined });
  const snapshot = await readSnapshot(options, io, refresh);
  const report: StatusReport = { ...snapshot, publisher: await liveInstance(baseHome), configPath: config.path };
  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else
    io.stdout(
      `${formatStatus(snapshot, new Date(io.now()), { publisher: report.publisher, configPath: report.configPath })}\n`,
    );
  return 0;
}
