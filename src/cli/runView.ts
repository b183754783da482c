import type { DiscordClientState } from '../discord/client.js';
import { quoted } from '../format/quoted.js';
import { tokenTriplet } from '../format/numbers.js';
import { changedIn, type PublisherState } from '../publisher/index.js';
import type { UsageSnapshot } from '../contract/index.js';
import type { CliIo, TerminalSize } from './context.js';
import { mainWindows } from '../usage/shownWindows.js';
import { windowText } from './statusText.js';
import { layoutFor } from './term/layout.js';
import { liveFrame } from './term/liveFrame.js';
import { paint } from './term/line.js';
import { aboveFrame, drawAtTop, frameRows, redraw } from './term/screen.js';
import { colorEnabled, painter } from './term/style.js';

/** How `run` shows the publisher: a live frame on a terminal, one line per change otherwise. */
export interface RunView {
  render(state: PublisherState): void;
  /** A message (to stderr); on a terminal above the frame, which is drawn again under it. */
  note(message: string): void;
}

/** Did anything the view shows change? */
export function viewChanged(next: PublisherState, previous: PublisherState): boolean {
  return changedIn(next, previous, ['snapshot', 'discord', 'published', 'shownSessionId', 'backfill']);
}

/** `application`: the Discord application's label ("built-in (Codex)", "yours (1234…)"), or null for none. */
export function runView(io: CliIo, application: string | null = null): RunView {
  const terminal = io.isTTY === true ? io.terminal : undefined;
  return terminal === undefined ? lineLog(io, application) : liveView(io, terminal, application);
}

/**
 * Redraws the live view in place, laid out for the terminal's width. The
 * frame drawn last is remembered as text, so the next redraw goes back by
 * the screen rows it takes (wrapped lines counted). After the width changed
 * it is drawn again from the screen's top, since terminals reflow what they
 * show in their own ways (`drawAtTop`).
 */
function liveView(io: CliIo, terminal: TerminalSize, application: string | null): RunView {
  const painted = painter(colorEnabled(io.env, true));
  let drawn: string[] = [];
  /** The width `drawn` was laid out for: a frame drawn at another width is not redrawn in place (drawAtTop). */
  let drawnColumns = 0;
  const note = (message: string): void => {
    // Nothing drawn yet (the lock is being claimed): a plain line.
    if (drawn.length === 0) return io.stderr(`${message}\n`);
    const columns = terminal.columns();
    io.stdout(aboveFrame(frameRows(drawn, columns), frameRows(message.split('\n'), columns)));
    io.stderr(`${message}\n`);
    io.stdout(redraw(0, drawn));
  };
  const render = (state: PublisherState): void => {
    if (state.snapshot === null) return;
    const columns = terminal.columns();
    const frame = liveFrame({
      snapshot: state.snapshot,
      discord: state.discord,
      publishing: state.published,
      onDiscord: state.shownSessionId,
      now: io.now(),
      layout: layoutFor(columns),
      rows: terminal.rows(),
      history: state.backfill,
      application,
    }).map((line) => paint(line, painted));
    const resized = drawn.length > 0 && columns !== drawnColumns;
    io.stdout(resized ? drawAtTop(frame) : redraw(frameRows(drawn, columns), frame));
    drawn = frame;
    drawnColumns = columns;
  };
  return { render, note };
}

/** One timestamped line per change, for logs and services. */
function lineLog(io: CliIo, application: string | null): RunView {
  let last: string[] = [];
  const render = (state: PublisherState): void => {
    if (state.snapshot === null) return;
    const now = new Date(io.now());
    // The countdown changes every minute; a log keeps the reset's clock time instead.
    const lines = describe(state.snapshot, state.discord, state.published, now, application).map((l) =>
      l.replace(/ · resets in [^(·]*\(([^)]+)\)/, ' · resets $1'),
    );
    lines.forEach((line, i) => {
      if (line !== last[i]) io.stdout(`${now.toISOString()} ${line}\n`);
    });
    last = lines;
  };
  return { render, note: (message) => io.stderr(`${message}\n`) };
}

function describe(
  snapshot: UsageSnapshot,
  discord: DiscordClientState,
  publishing: boolean,
  now: Date,
  application: string | null,
): string[] {
  const home = snapshot.codexHome;
  const lines: string[] = [];
  if (!home.found) {
    lines.push(`Codex home ${quoted(home.path)} not found: run codex once, or pass --codex-home DIR.`);
  } else {
    for (const { label, window } of mainWindows(snapshot.limits))
      lines.push(`${label.padEnd(7)} ${windowText(window, now)}`);
    const current = snapshot.sessions.find((s) => s.id === snapshot.current);
    lines.push(
      current === undefined
        ? 'session none active'
        : `session ${current.project ?? '?'} · ${current.model ?? '?'} · ${current.status} · ${tokenTriplet(current.tokens)}`,
    );
  }
  const reason = discord.reason === undefined ? '' : ` (${discord.reason})`;
  const app = application === null || discord.state === 'disabled' ? '' : ` · ${application}`;
  lines.push(
    `discord ${discord.state}${reason}${discord.state === 'connected' ? (publishing ? ' · showing' : ' · cleared') : ''}${app}`,
  );
  return lines;
}
