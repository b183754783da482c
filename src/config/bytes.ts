import type { Settings } from '../contract/index.js';
import { quoted } from '../format/quoted.js';
import { normalizeFile } from '../settings/fromFile.js';
import { isObject } from '../settings/kinds.js';
import type { Kept } from '../settings/migrations.js';
import { defaultSettings } from '../settings/settings.js';
import { serializeConfig } from './serialize.js';

/** The config file's bytes and what they hold: decoded, parsed, normalised (pure). */

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * A config is a few kilobytes; a larger file is not read at all (issue 21
 * §1): a symlink to a growing log, or a file filled by mistake, must not fill
 * memory before it is found not to be a config.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface Parsed {
  /** The parsed object, or null when the file is missing or unusable. */
  raw: Record<string, unknown> | null;
  /** The file's text as read (without the byte order mark), for a write that edits it in place. */
  text: string | null;
  /** It began with a UTF-8 byte order mark (Notepad): a write keeps it. */
  bom: boolean;
  fileError: string | null;
  problems: string[];
  migratedFrom: number | null;
  kept: Kept;
  config: Settings;
}

/** Pure: bytes as an editor wrote them (Notepad's BOM included) to a config and what is wrong with it. */
export function parseConfigBytes(bytes: Buffer | null): Parsed {
  const none = {
    raw: null,
    text: null,
    bom: false,
    problems: [],
    migratedFrom: null,
    kept: {},
    config: defaultSettings(),
  };
  if (bytes === null) return { ...none, fileError: null };
  const bom = bytes.subarray(0, 3).equals(BOM);
  const body = bom ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ...none, fileError: 'it is not UTF-8 text' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ...none, fileError: `it is not valid JSON (${quoted((error as Error).message)})` };
  }
  if (!isObject(raw)) return { ...none, fileError: `it is JSON but not an object (${describe(raw)})` };
  const n = normalizeFile(raw);
  return {
    raw,
    text,
    bom,
    fileError: null,
    problems: n.problems,
    migratedFrom: n.migratedFrom,
    kept: n.kept,
    config: n.settings,
  };
}

/** The bytes a write puts in the file: the file's text with the keys this app owns set, its BOM kept. */
export function renderConfig(parsed: Parsed, config: Settings): Buffer {
  const original = parsed.raw !== null && parsed.text !== null ? { raw: parsed.raw, text: parsed.text } : null;
  const text = Buffer.from(serializeConfig(original, config), 'utf8');
  return parsed.bom ? Buffer.concat([BOM, text]) : text;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}
