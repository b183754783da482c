import { resolveApplication } from '../discord/application.js';
import { applicationLabel } from '../format/application.js';
import type { DiscordClientState } from '../discord/client.js';
import type { Settings } from '../contract/index.js';
import { instancePath } from '../instance/instanceFile.js';
import { presenceStateDir } from '../instance/stateDir.js';
import { presenceDataDir } from '../history/location.js';
import { discordClientId, startPublisher, type FinalLock, type LockState } from '../publisher/index.js';
import type { GlobalOptions } from './args.js';
import { BINARY } from '../format/binary.js';
import { cliContext, type CliIo } from './context.js';
import { homeNotAFolder } from './homeCheck.js';
import { publisherName } from '../instance/publisherName.js';
import { runView, viewChanged } from './runView.js';
import { VERSION } from './version.js';
import { costConfig } from '../cost/pricing.js';

/**
 * `run`: the engine and Discord presence with no GUI (servers, WSL, people
 * who want no tray). On a TTY it keeps a compact live view; otherwise it
 * writes one line per change. SIGINT, SIGTERM and SIGHUP clear the activity
 * and exit 0.
 */
export async function runCommand(options: GlobalOptions & Record<string, unknown>, io: CliIo): Promise<number> {
  // Listen for signals before anything else: a signal that arrives before a
  // handler exists would kill the process without clearing Discord. The
  // handler is never removed: several newcomers may each ask this run to
  // stop, and a later signal must neither cut the bounded shutdown short nor
  // kill the process while it exits (a signal handler does not keep it alive).
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    io.onSignal?.(resolve);
  });
  return runUntilSignal(options, io, stopSignal);
}

async function runUntilSignal(
  options: GlobalOptions & Record<string, unknown>,
  io: CliIo,
  stopSignal: Promise<NodeJS.Signals>,
): Promise<number> {
  const { codexHome, config, baseHome } = await cliContext(options, io, { repair: true });
  for (const home of new Set([baseHome, codexHome])) {
    const problem = await homeNotAFolder(home);
    if (problem !== null) {
      io.stderr(`codex-discord-presence: ${problem}\n`);
      return 1;
    }
  }
  const cfg = config.config;
  const stateDir = presenceStateDir(io.env);
  // Messages go to stderr; on a terminal, above the live view (which is
  // redrawn below them), never into it, where a redraw would leave copies.
  const application = resolveApplication(cfg.discordClientId);
  const view = runView(io, application.source === 'none' ? null : applicationLabel(application));
  const publisher = startPublisher({
    kind: 'headless',
    version: VERSION,
    env: io.env,
    config: cfg,
    codexHome,
    stateDir,
    // Usage history (issue 15): only the publisher records it; it never reaches Discord.
    dataDir: presenceDataDir(io.env),
    takeover: options.takeover === true,
    describeDiscord: (state) => cliDiscordState(state, cfg, config.path),
    log: {
      watch: (m) => options.verbose && view.note(`watch: ${m}`),
      discord: (m) => options.verbose && view.note(`discord: ${m}`),
      history: (m) => view.note(`codex-discord-presence: ${m}`),
    },
    now: io.now,
    cost: costConfig(config.raw),
  });
  const said = lockMessages(io);
  const offState = publisher.subscribe((next, previous) => {
    if (next.lock !== previous.lock) said(next.lock);
    if (viewChanged(next, previous)) view.render(next);
  });
  // A stop ends the reads under way at once (a compressed bomb must not hold the exit up), even during start.
  const stopped = stopSignal.then(async (signal) => {
    await publisher.stop(1500);
    return signal;
  });
  const lock = await publisher.settled;
  if (lock.phase !== 'held') {
    offState();
    if (lock.phase === 'refused') await publisher.stop();
    return notPublishing(lock, io, stateDir, stopSignal, stopped);
  }
  // A resized terminal (SIGWINCH) gets the layout for its new width at once.
  const render = (): void => view.render(publisher.state);
  const terminal = io.isTTY === true ? io.terminal : undefined;
  const offResize = terminal?.onResize(render) ?? (() => undefined);
  // Countdowns and "updated 3 min ago" move on with no new snapshot; a log keeps clock times instead.
  const ticker = terminal === undefined ? null : setInterval(render, 30_000);

  const signal = await stopped;
  if (ticker !== null) clearInterval(ticker);
  offResize();
  offState();
  const cleared = discordClientId(cfg) !== '' ? '; Discord activity cleared' : '';
  io.stdout(`${terminal !== undefined ? '\n' : ''}stopped (${signal})${cleared}\n`);
  return 0;
}

/** The lock's news, one line each: a take-over, a wait for a wrapper, and the publishing that follows it. */
function lockMessages(io: CliIo): (lock: LockState) => void {
  let waitingFor: number | null = null;
  let announced: number | null = null;
  return (lock) => {
    if (lock.phase === 'held' && waitingFor !== null) {
      io.stdout(`pid ${waitingFor} stopped publishing; publishing from here\n`);
    } else if (lock.phase === 'waiting' && waitingFor !== lock.owner.pid) {
      io.stdout(
        `${publisherName(lock.owner)} (pid ${lock.owner.pid}) is publishing while its codex runs; not publishing until it exits\n`,
      );
      waitingFor = lock.owner.pid;
    } else if (lock.phase === 'takingOver' && lock.result === null && announced !== lock.owner.pid) {
      io.stdout(`taking over from ${publisherName(lock.owner)} (pid ${lock.owner.pid})…\n`);
      announced = lock.owner.pid;
    } else if (lock.phase === 'takingOver' && lock.result === 'forced') {
      io.stdout(`pid ${lock.owner.pid} did not stop in 3 s and was ended\n`);
    }
  };
}

/** This run never published: a signal came while it waited, or the owner may not be signalled. */
async function notPublishing(
  lock: Exclude<FinalLock, { phase: 'held' }>,
  io: CliIo,
  stateDir: string,
  stopSignal: Promise<NodeJS.Signals>,
  stopped: Promise<NodeJS.Signals>,
): Promise<number> {
  if (lock.phase === 'stopped' || lock.phase === 'yielded') {
    await stopped;
    io.stdout(`stopped (${await stopSignal}) before publishing\n`);
    return 0;
  }
  const { owner } = lock;
  if (lock.why === 'owner') {
    io.stderr(
      `codex-discord-presence: the tray app (Codex Discord Presence, pid ${owner.pid}, started ${owner.startedAt}) is already publishing.\n` +
        'Quit it first, or run again with --takeover to stop it and publish from here.\n',
    );
  } else {
    io.stderr(
      `codex-discord-presence: pid ${owner.pid} holds ${instancePath(stateDir)} but could not be verified as Codex Discord Presence, so it was not signalled.\n` +
        'If no Codex Discord Presence is running, delete that file and start again.\n',
    );
  }
  return 1;
}

/** The client's state, with a disabled reason worded for the command line (the config key, and `doctor`). */
function cliDiscordState(state: DiscordClientState, cfg: Settings, configPath: string): DiscordClientState {
  if (state.state !== 'disabled') return state;
  if (!cfg.discordEnabled)
    return { state: 'disabled', reason: `discord_enabled is false in ${configPath}`, kind: 'switched-off' };
  return {
    state: 'disabled',
    reason: `No Discord application id is set: put yours in discord_client_id in ${configPath} (\`${BINARY} doctor\` checks it)`,
    kind: 'no-application',
  };
}
