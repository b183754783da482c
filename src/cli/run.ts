import { PresenceClient, type DiscordClientState } from '../discord/client.js';
import type { Settings } from '../contract/index.js';
import {
  claimInstance,
  currentProcessInfo,
  instancePath,
  instanceRecorder,
  stopInstance,
  waitForRelease,
} from '../instance/instanceFile.js';
import { presenceStateDir } from '../instance/stateDir.js';
import { presenceDataDir } from '../history/location.js';
import { startPublisherHistory } from '../history/publisher.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { BackfillState } from '../contract/index.js';
import { BINARY } from './commands.js';
import { homeNotAFolder } from './homeCheck.js';
import { publisherName } from './publisherName.js';
import { VERSION } from './version.js';
import { PresencePublisher } from '../presence/publisher.js';
import { UsageMonitor } from '../usage/monitor.js';
import type { UsageSnapshot } from '../usage/types.js';
import { tokenTriplet } from '../format/numbers.js';
import type { GlobalOptions } from './args.js';
import { accountAskSettings, cliContext, type CliIo, type TerminalSize } from './context.js';
import { windowText } from './statusText.js';
import { layoutFor } from './term/layout.js';
import { liveFrame } from './term/liveFrame.js';
import { paint } from './term/line.js';
import { aboveFrame, frameRows, redraw } from './term/screen.js';
import { colorEnabled, painter } from './term/style.js';
import { sessionShownOnDiscord } from '../presence/activity.js';

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
  const owned = await becomePublisher(stateDir, options, io, stopSignal);
  if (owned === 'stopped') {
    io.stdout(`stopped (${await stopSignal}) before publishing\n`);
    return 0;
  }
  if (owned !== 'ok') return owned;
  // Messages go to stderr; on a terminal, above the live view (which is
  // redrawn below them), never into it, where a redraw would leave copies.
  let note = (message: string): void => io.stderr(`${message}\n`);
  const monitor = new UsageMonitor({
    codexHome,
    sessionStaleMs: cfg.general.staleMinutes * 60_000,
    account: accountAskSettings(cfg, io.env),
    onError: (e) => options.verbose && note(`watch: ${e.message}`),
  });
  // A stop ends the reads under way at once (a compressed bomb must not hold the exit up), even during start.
  void stopSignal.then(() => monitor.stop());
  const enabled = cfg.discordEnabled && cfg.discordClientId !== '';
  const client = new PresenceClient({
    clientId: enabled ? cfg.discordClientId : '',
    env: io.env,
    log: (m) => options.verbose && note(`discord: ${m}`),
  });
  const discordState = (): DiscordClientState => cliDiscordState(client.state, cfg, config.path);
  // Recorded before anything is printed, so `status` never sees a publisher without its Discord state.
  const recorder = instanceRecorder(stateDir);
  await recorder.record(discordState());
  await monitor.start();
  const publisher = new PresencePublisher({ source: monitor, client, config: () => cfg });
  const terminal = io.isTTY === true ? io.terminal : undefined;
  const live = terminal !== undefined ? liveView(io, terminal, cfg) : null;
  const view = live?.render ?? lineLog(io);
  if (live !== null) note = live.note;
  // Usage history (issue 15): only the publisher records it; it never reaches Discord.
  let history: HistoryRecorder | null = null;
  const render = (): void =>
    view(monitor.current(), discordState(), publisher.activity !== null, history?.backfill ?? null);
  const offSnapshot = monitor.subscribe(render);
  const offState = client.onState(() => {
    render();
    void recorder.record(discordState());
  });
  // A resized terminal (SIGWINCH) gets the layout for its new width at once.
  const offResize = terminal?.onResize(render) ?? (() => undefined);
  // Countdowns and "updated 3 min ago" move on with no new snapshot; a log keeps clock times instead.
  const ticker = terminal === undefined ? null : setInterval(render, 30_000);
  publisher.start();
  render();
  // History opens after the first snapshot is out (issue 21 §4: reading a 50 MB history
  // took seconds), and a stop signal abandons the opening.
  // On a terminal its first build shows in the live view (a History row); redrawn as it moves on.
  let shown = '';
  const redrawHistory = (): void => {
    const b = history?.backfill;
    const now = b === undefined ? '' : `${b.phase}/${b.filesDone}`;
    if (terminal !== undefined && now !== shown) render();
    shown = now;
  };
  const opening = new AbortController();
  let offHistory = (): void => undefined;
  const historyOpened = startPublisherHistory({
    dataDir: presenceDataDir(io.env),
    codexHome,
    now: io.now,
    ignore: () => cfg.ignoreProjects,
    onChange: redrawHistory,
    log: (m) => note(`codex-discord-presence: ${m}`),
    signal: opening.signal,
  }).then(({ recorder: opened }) => {
    if (opened === null) return;
    history = opened;
    offHistory = monitor.subscribe((s) => opened.record(s));
    opened.record(monitor.current());
    redrawHistory();
  });

  const signal = await stopSignal;
  opening.abort();
  if (ticker !== null) clearInterval(ticker);
  offResize();
  offSnapshot();
  offState();
  await publisher.stop(1500);
  await monitor.stop();
  await historyOpened;
  offHistory();
  // `history` is set in the opening's callback, which TypeScript cannot follow.
  await (history as HistoryRecorder | null)?.stop();
  await recorder.release();
  io.stdout(`${terminal !== undefined ? '\n' : ''}stopped (${signal})${enabled ? '; Discord activity cleared' : ''}\n`);
  return 0;
}

/** The client's state, with a disabled reason worded for the command line (the config key, and `doctor`). */
function cliDiscordState(state: DiscordClientState, cfg: Settings, configPath: string): DiscordClientState {
  if (state.state !== 'disabled') return state;
  if (!cfg.discordEnabled) return { state: 'disabled', reason: `discord_enabled is false in ${configPath}` };
  return {
    state: 'disabled',
    reason: `No Discord application id is set: put yours in discord_client_id in ${configPath} (\`${BINARY} doctor\` checks it)`,
  };
}

/** How often an owner that cannot be identified is looked at again before `run` gives up. */
const UNVERIFIED_RETRIES = 20;

/**
 * There is only ever one publisher (docs/architecture.md, "One publisher").
 * Another headless `run` is taken over (asked to stop, then forced); the tray
 * app is left alone unless `--takeover` says otherwise. A `codex` wrapper is
 * never signalled, since that would end the user's codex: this run waits,
 * without publishing, until that codex exits. Resolves to 'ok' when this
 * process holds the lock, 'stopped' when a signal came first, or an exit code.
 */
async function becomePublisher(
  stateDir: string,
  options: GlobalOptions & Record<string, unknown>,
  io: CliIo,
  stopSignal: Promise<NodeJS.Signals>,
): Promise<'ok' | 'stopped' | number> {
  const me = await currentProcessInfo('headless', VERSION);
  let waitingFor: number | null = null;
  let refusals = 0;
  let announced: number | null = null;
  for (;;) {
    const claim = await claimInstance(stateDir, me);
    if (claim.ok) {
      if (waitingFor !== null) io.stdout(`pid ${waitingFor} stopped publishing; publishing from here\n`);
      return 'ok';
    }
    const owner = claim.owner;
    if (owner.kind === 'wrapper') {
      if (waitingFor !== owner.pid) {
        io.stdout(
          `${publisherName(owner)} (pid ${owner.pid}) is publishing while its codex runs; not publishing until it exits\n`,
        );
        waitingFor = owner.pid;
      }
      if ((await waitForRelease(stateDir, owner, stopSignal)) === 'aborted') return 'stopped';
      continue;
    }
    if (owner.kind === 'gui' && options.takeover !== true) {
      io.stderr(
        `codex-discord-presence: the tray app (Codex Discord Presence, pid ${owner.pid}, started ${owner.startedAt}) is already publishing.\n` +
          'Quit it first, or run again with --takeover to stop it and publish from here.\n',
      );
      return 1;
    }
    if (announced !== owner.pid) io.stdout(`taking over from ${publisherName(owner)} (pid ${owner.pid})…\n`);
    announced = owner.pid;
    const how = await stopInstance(owner, 3000);
    if (how === 'refused' && (refusals += 1) < UNVERIFIED_RETRIES) {
      // A process that is exiting cannot be read for a moment; look again before giving up.
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (how === 'refused') {
      io.stderr(
        `codex-discord-presence: pid ${owner.pid} holds ${instancePath(stateDir)} but could not be verified as Codex Discord Presence, so it was not signalled.\n` +
          'If no Codex Discord Presence is running, delete that file and start again.\n',
      );
      return 1;
    }
    if (how === 'forced') io.stdout(`pid ${owner.pid} did not stop in 3 s and was ended\n`);
  }
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

/**
 * Redraws the live view in place, laid out for the terminal's width. The
 * frame drawn last is remembered as text, so the next redraw goes back by
 * the screen rows it takes now (wrapped lines counted, and after a resize at
 * the new width, as terminals reflow what they show).
 */
interface LiveView {
  render(s: UsageSnapshot, d: DiscordClientState, p: boolean, h: BackfillState | null): void;
  /** A message (to stderr) above the frame: written over the frame's first rows, the frame drawn again under it. */
  note(message: string): void;
}

function liveView(io: CliIo, terminal: TerminalSize, cfg: Settings): LiveView {
  const painted = painter(colorEnabled(io.env, true));
  let drawn: string[] = [];
  const note = (message: string): void => {
    const columns = terminal.columns();
    io.stdout(aboveFrame(frameRows(drawn, columns), frameRows(message.split('\n'), columns)));
    io.stderr(`${message}\n`);
    io.stdout(redraw(0, drawn));
  };
  const render: LiveView['render'] = (snapshot, discord, publishing, history) => {
    const now = io.now();
    const columns = terminal.columns();
    const frame = liveFrame({
      snapshot,
      discord,
      publishing,
      onDiscord:
        publishing && discord.state === 'connected'
          ? sessionShownOnDiscord(snapshot, cfg.ignoreProjects, cfg.idle.afterMinutes, now)
          : null,
      now,
      layout: layoutFor(columns),
      rows: terminal.rows(),
      history,
    }).map((line) => paint(line, painted));
    io.stdout(redraw(frameRows(drawn, columns), frame));
    drawn = frame;
  };
  return { render, note };
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
