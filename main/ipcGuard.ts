import { CHANNELS, type HistoryQuery } from '../src/contract/index.js';
import { isDay } from '../src/history/day.js';
import { MAX_HISTORY_DAYS } from '../src/history/view.js';
import { isSettings } from '../src/settings/settings.js';

/**
 * Every message from a renderer passes here first: it must come from the
 * main frame of a window this app created, and its payload must have the
 * shape its channel expects. Anything else is rejected and logged, so the
 * handlers never see a foreign sender or a malformed value.
 */
export interface SenderInfo {
  /** The id of the webContents that sent the message. */
  webContentsId: number;
  /** True when the message came from the top frame, not an iframe. */
  isMainFrame: boolean;
  /** The sending frame's URL. */
  url: string;
}

export type Validator = (args: unknown[]) => string | null;

const none: Validator = (args) => (args.length === 0 ? null : 'expected no arguments');
const bool: Validator = (args) => (args.length === 1 && typeof args[0] === 'boolean' ? null : 'expected one boolean');
const shortString: Validator = (args) =>
  args.length === 1 && typeof args[0] === 'string' && args[0].length <= 4096 ? null : 'expected one string';

export const VALIDATORS: Record<string, Validator> = {
  [CHANNELS.getSnapshot]: none,
  [CHANNELS.getAppState]: none,
  [CHANNELS.getSettings]: none,
  [CHANNELS.saveSettings]: (args) => (args.length === 1 && isSettings(args[0]) ? null : 'expected a Settings object'),
  [CHANNELS.setPaused]: bool,
  [CHANNELS.setLaunchAtLogin]: bool,
  [CHANNELS.openSettings]: none,
  [CHANNELS.openLogs]: none,
  [CHANNELS.openExternal]: shortString,
  [CHANNELS.quit]: none,
  [CHANNELS.inspectCodexHome]: shortString,
  [CHANNELS.resizePopover]: (args) =>
    args.length === 1 && typeof args[0] === 'number' && Number.isFinite(args[0]) && args[0] > 0 && args[0] < 10_000
      ? null
      : 'expected one height in pixels',
  [CHANNELS.closePopover]: none,
  [CHANNELS.retryDiscord]: none,
  [CHANNELS.runDoctor]: none,
  [CHANNELS.installUpdate]: none,
  [CHANNELS.checkForUpdates]: none,
  [CHANNELS.getHistory]: (args) =>
    args.length === 1 && isHistoryQuery(args[0]) ? null : 'expected { days: 1..400, day?: YYYY-MM-DD }',
  [CHANNELS.clearHistory]: none,
  [CHANNELS.openHistory]: none,
};

/** `getHistory`'s query: a whole number of days from 1 to 400, and an optional real calendar day. */
export function isHistoryQuery(v: unknown): v is HistoryQuery {
  if (!isObj(v)) return false;
  if (Object.keys(v).some((k) => k !== 'days' && k !== 'day')) return false;
  if (!isInt(v.days) || v.days < 1 || v.days > MAX_HISTORY_DAYS) return false;
  return v.day === undefined || isDay(v.day);
}

export class IpcRejected extends Error {}

/** Throws IpcRejected with the reason when the message must not reach its handler. */
export function guard(channel: string, sender: SenderInfo, trustedIds: ReadonlySet<number>, args: unknown[]): void {
  if (!trustedIds.has(sender.webContentsId))
    throw new IpcRejected(`${channel}: sender ${sender.webContentsId} is not a window of this app`);
  if (!sender.isMainFrame) throw new IpcRejected(`${channel}: sent from a sub-frame (${sender.url})`);
  if (!isAppUrl(sender.url)) throw new IpcRejected(`${channel}: sent from ${sender.url}, not an app page`);
  const validate = VALIDATORS[channel];
  if (validate === undefined) throw new IpcRejected(`${channel}: unknown channel`);
  const problem = validate(args);
  if (problem !== null) throw new IpcRejected(`${channel}: ${problem}`);
}

/** App pages are loaded from files (packaged) or the local dev server. */
export function isAppUrl(url: string): boolean {
  return url.startsWith('file://') || /^http:\/\/(localhost|127\.0\.0\.1):\d+\//.test(url);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** `openExternal` goes only to these https origins. */
export const EXTERNAL_ALLOWLIST = new Set([
  'https://discord.com',
  'https://support.discord.com',
  'https://github.com',
  'https://developers.openai.com',
]);

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_ALLOWLIST.has(u.origin) && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
