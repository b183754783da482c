import type { BackfillState, UsageSnapshot } from '../../contract/index.js';
import type { DiscordClientState } from '../../discord/client.js';
import { discordShortReason } from '../../format/discordStatus.js';
import { liveSessionsText } from '../../format/presentation.js';
import type { Layout } from './layout.js';
import { limitRows } from './limits.js';
import { alignKeys, fit, plainText, seg, type KeyedRow, type Line } from './line.js';
import { sessionRow } from './sessions.js';
import type { Tone } from './style.js';
import { textWidth } from './width.js';

export interface LiveInput {
  snapshot: UsageSnapshot;
  discord: DiscordClientState;
  /** Whether an activity is handed to Discord (not cleared). */
  publishing: boolean;
  /** The session Discord shows now, or null. */
  onDiscord: string | null;
  now: number;
  layout: Layout;
  /** The terminal's height, or null when unknown: the frame keeps one row free for the cursor. */
  rows: number | null;
  /** Usage history's first build from the Codex logs, shown while it runs; null when there is none. */
  history?: BackfillState | null;
  /** The Discord application published under, as `applicationLabel` words it ("built-in (Codex)"). */
  application?: string | null;
}

/**
 * `building · 40% (120 of 300 files)` while usage history is first built, or
 * why it stopped; null once it is done (nothing to say). In the frame rather
 * than on stderr: a line printed under a frame drawn in place would be drawn over.
 */
export function historyValue(b: BackfillState | null | undefined): Line | null {
  if (b === null || b === undefined) return null;
  if (b.phase === 'running') {
    const percent = b.filesTotal === 0 ? 0 : Math.floor((b.filesDone / b.filesTotal) * 100);
    return [seg('building', 'accent'), seg(` · ${percent}% (${b.filesDone} of ${b.filesTotal} files)`, 'dim')];
  }
  if (b.phase === 'error') return [seg('stopped', 'warning'), seg(` (${b.message ?? 'unknown error'})`)];
  return null;
}

export const BANNER = {
  full: '◆ Codex Discord Presence · headless · Ctrl+C to stop',
  compact: 'Codex Discord Presence · Ctrl+C to stop',
} as const;

const DISCORD_TONE: Record<DiscordClientState['state'], Tone> = {
  connected: 'ok',
  connecting: 'plain',
  // Usually Discord is simply not running: worth noticing, not alarming.
  error: 'warning',
  disabled: 'dim',
};

/**
 * `connected · showing`, `disabled (No Discord application id is set…)`;
 * `publishing` null when not known (another process publishes).
 */
export function discordValue(discord: { state: string; reason?: string }, publishing: boolean | null): Line {
  const reason = discord.reason === undefined ? '' : ` (${discord.reason})`;
  const shown = discord.state === 'connected' && publishing !== null ? (publishing ? ' · showing' : ' · cleared') : '';
  const tone = (DISCORD_TONE as Record<string, Tone | undefined>)[discord.state] ?? 'plain';
  return [seg(discord.state, tone), seg(`${reason}${shown}`)];
}

/** `App  built-in (Codex)`: which Discord application, while one is used; null when none (the Discord row says why). */
function applicationValue(input: LiveInput): Line | null {
  const app = input.application;
  if (app === undefined || app === null || input.discord.state === 'disabled') return null;
  return [seg(app, 'dim')];
}

/**
 * The live view of `run`, as lines that each fit the terminal's width: a
 * small banner when there is room, the limits, Discord, then every live
 * session in two lines. Too tall for the terminal: the banner goes first,
 * then the last sessions, counted in a `… N more` line.
 */
export function liveFrame(input: LiveInput): Line[] {
  const { snapshot, layout, now } = input;
  const minimal = layout.kind === 'minimal';
  const top: Line[] = [];
  const sessions: Line[][] = [];
  const home = snapshot.codexHome;
  if (!home.found) {
    top.push([seg(`Codex home ${home.path} not found: run codex once, or pass --codex-home DIR.`, 'warning')]);
    top.push([seg('Discord '), ...discordValue(input.discord, input.publishing)]);
  } else {
    const rows = limitRows(snapshot.limits, now, layout);
    const keyed = rows.filter((r): r is KeyedRow => 'key' in r);
    const keyWidth = minimal
      ? 'Discord '.length
      : Math.max(...['Sessions', ...keyed.map((r) => r.key)].map(textWidth)) + 2;
    let discord = discordValue(input.discord, input.publishing);
    // A reason cut at the edge says nothing: name it in a few words (as the popover does), or point to
    // where it is said in full.
    if (input.discord.reason !== undefined && keyWidth + textWidth(plainText(discord)) > layout.columns) {
      const reason = discordShortReason(input.discord) ?? '`doctor` says why';
      discord = discordValue({ state: input.discord.state, reason }, input.publishing);
    }
    const sessionsText = [seg(liveSessionsText(snapshot.sessions))];
    const history = historyValue(input.history);
    const application = applicationValue(input);
    if (minimal) {
      top.push(...rows.map((r) => ('key' in r ? [seg(`${r.key} `), ...r.value] : r)));
      top.push([seg('Discord '), ...discord]);
      if (application !== null) top.push([seg('App '), ...application]);
      if (history !== null) top.push([seg('History '), ...history]);
      top.push(sessionsText);
    } else {
      const extra: KeyedRow[] = [
        ...(application === null ? [] : [{ key: 'App', value: application }]),
        ...(history === null ? [] : [{ key: 'History', value: history }]),
      ];
      top.push(
        ...alignKeys([
          ...keyed,
          { key: 'Discord', value: discord },
          ...extra,
          { key: 'Sessions', value: sessionsText },
        ]),
      );
    }
    for (const s of snapshot.sessions) {
      sessions.push(sessionRow({ session: s, tags: s.id === input.onDiscord ? ['on Discord'] : [] }, now, layout));
    }
  }
  const banner = layout.kind === 'full' ? BANNER.full : layout.kind === 'compact' ? BANNER.compact : null;
  const bannerLine = banner !== null && textWidth(banner) <= layout.columns ? [seg(banner, 'accent')] : null;
  const lines = fitHeight(top, sessions, input.rows, bannerLine);
  return lines.map((l) => fit(l, layout.columns));
}

function fitHeight(top: Line[], sessions: Line[][], rows: number | null, banner: Line | null): Line[] {
  const all = [...top, ...sessions.flat()];
  const room = rows === null ? Infinity : Math.max(1, rows - 1);
  if (banner !== null && all.length + 1 <= room) return [banner, ...all];
  if (all.length <= room) return all;
  // Keep whole sessions, and one line to say how many more there are.
  const shown: Line[] = [...top];
  let kept = 0;
  for (const rowPair of sessions) {
    if (shown.length + rowPair.length + 1 > room) break;
    shown.push(...rowPair);
    kept += 1;
  }
  const more = sessions.length - kept;
  if (more > 0)
    shown.push([seg(`… ${more} more session${more === 1 ? '' : 's'} (a taller terminal shows them)`, 'dim')]);
  return shown.slice(0, room);
}
