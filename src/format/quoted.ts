import { cut } from '../ranges/ranges.js';

/** The most characters of one argument or path that a message quotes; longer is cut in the middle. */
export const QUOTED_CHARS = 200;
/** What a cut keeps of the end: a path's file name, an option's last word. */
const TAIL_CHARS = 60;

/**
 * Control characters (C0, DEL, C1), the line and paragraph separators, and
 * the bidirectional marks and overrides: each moves the cursor, ends a line or
 * reorders what follows on a terminal, so none is printed as it is.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** A surrogate that is not half of a pair: a terminal shows it as garbage, or drops what follows. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text a user gave (an argument, a path, a value from a file), as a message
 * quotes it back (issue 21 §6): at most about QUOTED_CHARS characters, its
 * start and end kept around a `…` that says how long it was, and every
 * control character, separator, bidirectional mark and lone surrogate shown
 * as an escape (`\n`, `\x1b`, `\u202e`). A 100 KB argument or a path with raw
 * newlines or escape sequences then neither floods nor repaints the
 * terminal. Backslashes stay as they are: a Windows path reads as written.
 */
export function quoted(text: string, max: number = QUOTED_CHARS): string {
  if (text.length <= max) return escapeUnsafe(text);
  const head = cut(text, max - TAIL_CHARS);
  // Never start the tail on the second half of a surrogate pair.
  let from = text.length - TAIL_CHARS;
  const at = text.charCodeAt(from);
  if (at >= 0xdc00 && at <= 0xdfff) from += 1;
  return `${escapeUnsafe(head)}…${escapeUnsafe(text.slice(from))} (${text.length} characters)`;
}

/** A JSON value, as a message quotes it: `"minimal"`, `-4`, `[1,2]`, cut and escaped as `quoted`. */
export function quotedJson(value: unknown): string {
  return quoted(JSON.stringify(value) ?? String(value));
}

function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? codeEscape(c)).replace(LONE_SURROGATE, codeEscape);
}

function codeEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
