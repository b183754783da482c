import { PresenceClient, type DiscordClientState } from '../discord/client.js';
import {
  claimInstance,
  currentProcessInfo,
  forceInstance,
  instanceRecorder,
  stopInstance,
} from '../instance/instanceFile.js';
import { VERSION } from './version.js';
import { PresencePublisher } from '../presence/publisher.js';
import { UsageMonitor } from '../usage/monitor.js';
import type { UsageSnapshot } from '../usage/types.js';
import { tokenTriplet } from '../format/numbers.js';
import type { GlobalOptions } from './args.js';
import { accountAskSettings, cliContext, type CliIo } from './context.js';
import { windowText } from './statusText.js';

/**
 * `run`: the engine and Discord presence with no GUI (servers, WSL, people
 * who want no tray). On a TTY it keeps a compact live view; otherwise it
 * writes one line per change. SIGINT/SIGTERM clear the activity and exit 0.
 */
export async function runCommand(options: GlobalOptions & Record<string, unknown>, io: CliIo): Promise<number> {
  // Listen for SIGINT/SIGTERM before anything else: a signal that arrives
  // before a handler exists would kill the process without clearing Discord.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const off = io.onSignal?.((s) => {
      off?.();
      resolve(s);
    });
  });
  const { codexHome, config, baseHome } = await cliContext(options, io);
  const cfg = config.config;
  const owned = await becomePublisher(baseHome, options, io);
  if (owned !== 0) return owned;
  const monitor = new UsageMonitor({
    codexHome,
    sessionStaleMs: cfg.general.stale_minutes * 60_000,
    account: accountAskSettings(cfg, io.env),
    onError: (e) => options.verbose && io.stderr(`watch: ${e.message}\n`),
  });
  const client = new PresenceClient({
    clientId: cfg.discord_enabled ? cfg.discord_client_id : '',
    env: io.env,
    log: (m) => options.verbose && io.stderr(`discord: ${m}\n`),
  });
  // Recorded before anything is printed, so `status` never sees a publisher without its Discord state.
  const recorder = instanceRecorder(baseHome);
  await recorder.record(client.state);
  await monitor.start();
  const publisher = new PresencePublisher({ source: monitor, client, config: () => cfg });
  const view = io.isTTY === true ? liveView(io) : lineLog(io);
  const render = (): void => view(monitor.current(), client.state, publisher.activity !== null);
  const offSnapshot = monitor.subscribe(render);
  const offState = client.onState((state) => {
    render();
    void recorder.record(state);
  });
  publisher.start();
  render();

  const signal = await stopSignal;
  offSnapshot();
  offState();
  await publisher.stop(1500);
  await monitor.stop();
  await recorder.release();
  io.stdout(`${io.isTTY === true ? '\n' : ''}stopped (${signal}); Discord activity cleared\n`);
  return 0;
}

/**
 * There is only ever one publisher. Another headless `run` is taken over
 * (asked to stop, then forced); the tray app is left alone unless
 * `--takeover` says otherwise. Returns 0 when this process may publish.
 */
async function becomePublisher(
  home: string,
  options: GlobalOptions & Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const me = await currentProcessInfo('headless', VERSION);
  const claim = await claimInstance(home, me);
  if (claim.ok) return 0;
  const owner = claim.owner;
  if (owner.kind === 'gui' && options.takeover !== true) {
    io.stderr(
      `codex-discord-presence: the tray app (Codex Discord Presence, pid ${owner.pid}, started ${owner.startedAt}) is already publishing.\n` +
        'Quit it first, or run again with --takeover to stop it and publish from here.\n',
    );
    return 1;
  }
  io.stdout(`taking over from the ${owner.kind === 'gui' ? 'tray app' : 'headless run'} (pid ${owner.pid})…\n`);
  const how = await stopInstance(owner, 3000);
  if (how === 'forced') io.stdout(`pid ${owner.pid} did not stop in 3 s and was ended\n`);
  await forceInstance(home, me);
  return 0;
}

function describe(snapshot: UsageSnapshot, discord: DiscordClientState, publishing: boolean, now: Date): string[] {
  const home = snapshot.codexHome;
  const lines: string[] = [];
  if (!home.found) {
    lines.push(`Codex home ${home.path} not found: run codex once, or pass --codex-home DIR.`);
  } else {
    lines.push(`5h      ${windowText(snapshot.limits.primary, now)}`);
    lines.push(`weekly  ${windowText(snapshot.limits.secondary, now)}`);
    const current = snapshot.sessions.find((s) => s.id === snapshot.current);
    lines.push(
      current === undefined
        ? 'session none active'
        : `session ${current.project ?? '?'} · ${current.model ?? '?'} · ${current.status} · ${tokenTriplet(current.tokens)}`,
    );
  }
  const reason = discord.reason === undefined ? '' : ` (${discord.reason})`;
  lines.push(
    `discord ${discord.state}${reason}${discord.state === 'connected' ? (publishing ? ' · showing' : ' · cleared') : ''}`,
  );
  return lines;
}

/** Redraws a few lines in place. */
function liveView(io: CliIo): (s: UsageSnapshot, d: DiscordClientState, p: boolean) => void {
  let drawn = 0;
  io.stdout('Codex Discord Presence · headless · Ctrl+C to stop\n');
  return (snapshot, discord, publishing) => {
    const now = new Date(io.now());
    const lines = describe(snapshot, discord, publishing, now).map((l) => `${l}\x1b[K`);
    const up = drawn > 0 ? `\x1b[${drawn}F` : '';
    io.stdout(`${up}${lines.join('\n')}\x1b[J\n`);
    drawn = lines.length;
  };
}

/** One timestamped line per change, for logs and services. */
function lineLog(io: CliIo): (s: UsageSnapshot, d: DiscordClientState, p: boolean) => void {
  let last: string[] = [];
  return (snapshot, discord, publishing) => {
    const now = new Date(io.now());
    // The countdown changes every minute; a log keeps the reset's clock time instead.
    const lines = describe(snapshot, discord, publishing, now).map((l) =>
      l.replace(/ · resets in [^(·]*\(([^)]+)\)/, ' · resets $1'),
    );
    lines.forEach((line, i) => {
      if (line !== last[i]) io.stdout(`${now.toISOString()} ${line}\n`);
    });
    last = lines;
  };
}
