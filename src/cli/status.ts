import { UsageEngine } from '../usage/engine.js';
import { quoted } from '../format/quoted.js';
import { resolveApplication, type DiscordApplication } from '../discord/application.js';
import type { UsageSnapshot } from '../contract/index.js';
import type { GlobalOptions } from './args.js';
import { configIssues } from '../config/issues.js';
import { accountAskSettings, cliContext, type CliContext, type CliIo } from './context.js';
import type { HistoryTotals } from '../history/recent.js';
import { tokenTotals } from '../history/fromLogs.js';
import { cliHistoryPath, historyFileNote } from './history.js';
import { formatStatus } from './statusText.js';
import { instancePath, liveInstance, type InstanceInfo } from '../instance/instanceFile.js';
import { presenceStateDir } from '../instance/stateDir.js';
import { homeNotAFolder } from './homeCheck.js';
import { costConfig } from '../cost/pricing.js';
import { toJsonDates, type SnapshotJson } from './jsonDates.js';
import { layoutFor } from './term/layout.js';
import { colorEnabled, painter } from './term/style.js';

export type { CliIo } from './context.js';

/** When `status` asks Codex for the account's limits: `auto` only when the freshest reading is stale or missing. */
export type RefreshMode = 'auto' | 'always' | 'never';

export async function readSnapshot(
  options: GlobalOptions,
  io: CliIo,
  refresh: RefreshMode = 'never',
): Promise<UsageSnapshot> {
  return snapshotOf(await cliContext(options, io), io, refresh);
}

async function snapshotOf(context: CliContext, io: CliIo, refresh: RefreshMode): Promise<UsageSnapshot> {
  return (await engineOf(context, io, refresh)).snapshot();
}

async function engineOf({ codexHome, config }: CliContext, io: CliIo, refresh: RefreshMode): Promise<UsageEngine> {
  const engine = new UsageEngine({
    codexHome,
    now: io.now,
    sessionStaleMs: config.config.general.staleMinutes * 60_000,
    account: refresh === 'never' ? null : accountAskSettings(config.config, io.env),
    cost: costConfig(config.raw),
  });
  await engine.coldStart();
  if (refresh === 'always') await engine.refreshAccountLimits({ force: true });
  else if (refresh === 'auto' && needsAccount(engine.snapshot())) await engine.refreshAccountLimits();
  return engine;
}

function needsAccount(snapshot: UsageSnapshot): boolean {
  const p = snapshot.limits.primary;
  return p === null || p.stale;
}

/**
 * `status --json`: the UsageSnapshot, its times as ISO 8601 strings, plus who
 * publishes and where the config is (docs/api/status-json.md).
 */
export interface StatusReport extends SnapshotJson {
  publisher: Omit<InstanceInfo, 'cmdline'> | null;
  configPath: string;
  /** Why the config is not used, or what a write would repair or migrate; nothing is written. */
  configIssues: string[];
  /** Tokens today and over the last 7 days from usage history, or null when nothing was recorded yet. */
  history: HistoryTotals | null;
  /** Whether presence is on, and the Discord application it publishes under: the user's, the build's, or none. */
  discord: { enabled: boolean; application: DiscordApplication };
}

/**
 * `status [--json] [--refresh | --no-refresh]`: exits 0 whenever it could
 * report, including "no Codex home" and a config it cannot use. It never
 * writes: config issues go to stderr and into the report.
 */
export async function statusCommand(options: GlobalOptions & Record<string, unknown>, io: CliIo): Promise<number> {
  if (options.refresh === true && options['no-refresh'] === true) {
    io.stderr('codex-discord-presence: --refresh and --no-refresh cannot be used together\n');
    return 2;
  }
  const refresh: RefreshMode = options.refresh === true ? 'always' : options['no-refresh'] === true ? 'never' : 'auto';
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
  const engine = await engineOf(context, io, refresh);
  const snapshot = engine.snapshot();
  verbose(
    `Codex home ${quoted(snapshot.codexHome.path)}: ${snapshot.codexHome.found ? `${snapshot.sessions.length} live session(s) read` : 'not found'}`,
  );
  const stateDir = presenceStateDir(io.env);
  const live = await liveInstance(stateDir);
  verbose(`publisher lock ${instancePath(stateDir)}: ${live === null ? 'no live publisher' : `pid ${live.pid}`}`);
  const publisher = live === null ? null : withoutCmdline(live);
  // The Tokens row needs today and six days: recorded, and what the rollouts of these days add (issue 23 §2).
  const historyFile = cliHistoryPath(io);
  const read = await tokenTotals(
    historyFile,
    io.now(),
    config.config.ignoreProjects,
    engine.listed,
    live !== null,
    costConfig(config.raw),
  );
  // A file that is not ours is said; damage is not: a line the running publisher is appending reads as cut
  // short, and `history` (and the publisher's next start) deal with a damaged file.
  io.stderr(historyFileNote(historyFile, { problem: null, refused: read.refused }));
  verbose(
    `history ${historyFile}: ${read.from === 'tail' ? 'read its tail, from the last compaction on' : read.from === 'file' ? 'read whole' : 'not read'}${read.totals?.source === 'logs' ? ', with what the rollouts add that is not recorded yet' : ''}`,
  );
  const history = read.totals;
  const discord = {
    enabled: config.config.discordEnabled,
    application: resolveApplication(config.config.discordClientId),
  };
  const report: StatusReport = {
    ...toJsonDates(snapshot),
    publisher,
    configPath: config.path,
    // The pricing keys are not the settings table's: their problems are said here, and nothing is written.
    configIssues: [...configIssues(config), ...costConfig(config.raw).problems],
    history,
    discord,
  };
  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    // On a terminal: laid out for its width, in colour; piped: plain, full rows.
    const terminal = io.isTTY === true ? io.terminal : undefined;
    const display = {
      layout: layoutFor(terminal?.columns()),
      painter: painter(colorEnabled(io.env, io.isTTY === true)),
    };
    const extras = { publisher, configPath: config.path, history, discord };
    io.stdout(`${formatStatus(snapshot, new Date(io.now()), extras, display)}\n`);
  }
  return 0;
}

/** The command line identifies the process for the lock; it is not part of the report (it may hold paths). */
function withoutCmdline(info: InstanceInfo): Omit<InstanceInfo, 'cmdline'> {
  const rest: InstanceInfo = { ...info };
  delete rest.cmdline;
  return rest;
}
