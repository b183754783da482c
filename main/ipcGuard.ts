import { SETTINGS_TABS, type HistoryQuery, type Settings, type SettingsTabId } from '../src/contract/index.js';
import { isDay } from '../src/history/day.js';
import { MAX_HISTORY_DAYS } from '../src/history/view.js';
import { isSettings } from '../src/settings/settings.js';

/**
 * What a message from a renderer must be before its handler sees it: from
 * the main frame of a window this app created, showing an app page, with a
 * payload of its channel's shape (main/ipc.ts pairs each channel with its
 * shape). Anything else is rejected and logged.
 */
export interface SenderInfo {
  /** The id of the webContents that sent the message. */
  webContentsId: number;
  /** True when the message came from the top frame, not an iframe. */
  isMainFrame: boolean;
  /** The sending frame's URL. */
  url: string;
}

/** A payload's shape: `test` narrows the arguments to the tuple its handler takes. */
export interface Shape<A extends unknown[]> {
  test(args: unknown[]): args is A;
  /** What was expected, for the rejection. */
  expected: string;
}

export const NO_ARGS: Shape<[]> = {
  test: (args): args is [] => args.length === 0,
  expected: 'expected no arguments',
};
export const ONE_BOOLEAN: Shape<[boolean]> = {
  test: (args): args is [boolean] => args.length === 1 && typeof args[0] === 'boolean',
  expected: 'expected one boolean',
};
export const ONE_STRING: Shape<[string]> = {
  test: (args): args is [string] => args.length === 1 && isStr(args[0]),
  expected: 'expected one string',
};
/** `openSettings`: nothing (the window's first tab), or one of the settings window's tab ids. */
export const OPTIONAL_TAB: Shape<[] | [SettingsTabId]> = {
  test: (args): args is [] | [SettingsTabId] =>
    args.length === 0 || (args.length === 1 && (SETTINGS_TABS as readonly unknown[]).includes(args[0])),
  expected: `expected no arguments or one tab id (${SETTINGS_TABS.join(', ')})`,
};
export const ONE_HEIGHT: Shape<[number]> = {
  test: (args): args is [number] =>
    args.length === 1 && typeof args[0] === 'number' && Number.isFinite(args[0]) && args[0] > 0 && args[0] < 10_000,
  expected: 'expected one height in pixels',
};
export const ONE_SETTINGS: Shape<[Settings]> = {
  test: (args): args is [Settings] => args.length === 1 && isSettings(args[0]),
  expected: 'expected a Settings object',
};
export const ONE_HISTORY_QUERY: Shape<[HistoryQuery]> = {
  test: (args): args is [HistoryQuery] => args.length === 1 && isHistoryQuery(args[0]),
  expected: 'expected { days: 1..400, day?: YYYY-MM-DD }',
};

/** `getHistory`'s query: a whole number of days from 1 to 400, and an optional real calendar day. */
export function isHistoryQuery(v: unknown): v is HistoryQuery {
  if (!isObj(v)) return false;
  if (Object.keys(v).some((k) => k !== 'days' && k !== 'day')) return false;
  if (!isInt(v.days) || v.days < 1 || v.days > MAX_HISTORY_DAYS) return false;
  return v.day === undefined || isDay(v.day);
}

export class IpcRejected extends Error {}

/** Throws IpcRejected with the reason when the sender is not the main frame of an app page in one of our windows. */
export function checkSender(channel: string, sender: SenderInfo, trustedIds: ReadonlySet<number>): void {
  if (!trustedIds.has(sender.webContentsId))
    throw new IpcRejected(`${channel}: sender ${sender.webContentsId} is not a window of this app`);
  if (!sender.isMainFrame) throw new IpcRejected(`${channel}: sent from a sub-frame (${sender.url})`);
  if (!isAppUrl(sender.url)) throw new IpcRejected(`${channel}: sent from ${sender.url}, not an app page`);
}

/** App pages are loaded from files (packaged) or the local dev server. */
export function isAppUrl(url: string): boolean {
  return url.startsWith('file://') || /^http:\/\/(localhost|127\.0\.0\.1):\d+\//.test(url);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length <= 4096;
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
