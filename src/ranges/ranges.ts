import { num } from './json.js';

/**
 * The range rules for every number a rollout line hands to the model (issue
 * #10 §2). They are applied once, where raw JSON becomes events, so nothing
 * downstream re-checks: a value outside its range becomes unknown (null) or
 * is clamped, and the line is flagged as suspicious so the diagnostics can
 * say that something odd was read.
 */

/** How far ahead of the moment it was read a line's timestamp may be (clock skew between machines). */
export const CLOCK_SKEW_MS = 2 * 60 * 1000;
/** A reset further than this from its observation is not a real window. */
export const MAX_RESET_DISTANCE_MS = 10 * 366 * 24 * 60 * 60 * 1000;
/** The longest window length taken seriously: ten years. */
const MAX_WINDOW_MINUTES = 10 * 366 * 24 * 60;
/** No count of tokens comes near this (a model call is at most millions); more is corruption. */
export const MAX_TOKENS = 1e15;
const MAX_BALANCE_CHARS = 32;
/**
 * The most characters a display string keeps (a model, a limit's or a
 * thread's name, a plan type): far more than any surface shows, and small
 * enough that nothing downstream (text fitting, the history file, Discord)
 * ever works on a megabyte of it (issue 21 §1).
 */
export const MAX_TEXT_CHARS = 256;
/** An id (a session's, a limit family's) longer than this is not an id; it is cut, so it stays apart from others. */
export const MAX_ID_CHARS = 200;
/** No operating system has a path this long (Linux's PATH_MAX is 4096 bytes): longer is corruption. */
export const MAX_PATH_CHARS = 4096;
/** The highest price per million tokens a config may set (the Rust tool's MAX_RATE_PER_MILLION). */
export const MAX_RATE_PER_MILLION = 1e9;
/** A Codex version as Codex writes it (`0.171.0`, `0.172.0-alpha.3`); anything else is unknown. */
const VERSION = /^v?\d{1,6}(\.\d{1,6}){0,3}([-+][0-9A-Za-z.-]{1,32})?$/;
/** C0 and C1 control characters and DEL: never part of a name shown to a person. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** The largest epoch ms a JavaScript Date holds (ECMA-262 §21.4.1.22). */
const MAX_DATE_MS = 8.64e15;

/** One line's check: the moment it was read, and whether any value was out of range. */
export class LineCheck {
  suspicious = false;

  constructor(readonly readAt: number) {}

  /** Marks the line suspicious and passes `value` on (for `return check.flag(null)`). */
  flag<T>(value: T): T {
    this.suspicious = true;
    return value;
  }

  /**
   * A line's time, capped at the time it was read plus the skew allowance: a
   * line dated in the future must not outrank what is true now, nor keep a
   * session or a limit fresh forever.
   */
  time(ms: number | null): number | null {
    if (ms === null) return null;
    const latest = this.readAt + CLOCK_SKEW_MS;
    return ms > latest ? this.flag(latest) : ms;
  }

  /** A token counter: a finite whole number in [0, MAX_TOKENS]; missing is 0; anything else makes the usage unknown. */
  tokens(raw: unknown): number | null {
    if (raw === undefined || raw === null) return 0;
    const n = num(raw);
    if (n === null || n < 0 || n > MAX_TOKENS || !Number.isInteger(n)) return this.flag(null);
    // `-0` is a whole number ≥ 0, but would reach the snapshot as -0 (JSON prints it as 0).
    return n === 0 ? 0 : n;
  }

  /** A used percentage, clamped to [0, 100]. Above 100 is "over the limit" (Codex clamps it too); below 0 is impossible. */
  percent(raw: unknown): number | null {
    const n = num(raw);
    if (n === null) return raw === undefined || raw === null ? null : this.flag(null);
    if (n < 0) return this.flag(0);
    return Math.min(100, n);
  }

  /** A window length in minutes; ≤ 0 or absurd means the length is unknown. */
  windowMinutes(raw: unknown): number | null {
    if (raw === undefined || raw === null) return null;
    const n = num(raw);
    if (n === null || n <= 0 || n > MAX_WINDOW_MINUTES) return this.flag(null);
    return n;
  }

  /** A model's context window in tokens; ≤ 0 or absurd means unknown context. */
  contextWindow(raw: unknown): number | null {
    if (raw === undefined || raw === null) return null;
    const n = num(raw);
    if (n === null || n <= 0 || n > MAX_TOKENS) return this.flag(null);
    return n;
  }

  /**
   * A reset time (epoch ms) from `resets_at` (epoch seconds) or a relative
   * `resets_in_seconds`. One that is not a valid date within ten years of the
   * observation is unknown.
   */
  reset(absoluteSec: unknown, relativeSec: unknown, observedAt: number): number | null {
    const absolute = num(absoluteSec);
    const relative = num(relativeSec);
    let at: number | null = null;
    if (absolute !== null) at = absolute * 1000;
    else if (relative !== null) at = observedAt + relative * 1000;
    else if (present(absoluteSec) || present(relativeSec)) return this.flag(null);
    if (at === null) return null;
    const valid = Number.isFinite(at) && Math.abs(at) <= MAX_DATE_MS;
    if (!valid || Math.abs(at - observedAt) > MAX_RESET_DISTANCE_MS) return this.flag(null);
    return Math.round(at);
  }

  /**
   * A string shown to a person (a model, a limit name, a plan type, a thread
   * name): cut to `max` characters (never inside a surrogate pair), lone
   * surrogates made U+FFFD and control characters spaces. Any of these marks
   * the line suspicious. Not a string, or empty: null.
   */
  text(raw: unknown, max: number = MAX_TEXT_CHARS): string | null {
    if (typeof raw !== 'string' || raw.length === 0) return null;
    let text = raw.length > max ? this.flag(cut(raw, max)) : raw;
    if (!text.isWellFormed()) text = this.flag(text.toWellFormed());
    CONTROL.lastIndex = 0;
    if (CONTROL.test(text)) text = this.flag(text.replace(CONTROL, ' '));
    return text;
  }

  /** An id: as `text`, cut at MAX_ID_CHARS (a cut id still differs from `codex` and from every short id). */
  id(raw: unknown): string | null {
    return this.text(raw, MAX_ID_CHARS);
  }

  /** A path (a cwd): kept exactly as written, or unknown when it is longer than any OS allows or not well-formed. */
  path(raw: unknown): string | null {
    if (typeof raw !== 'string' || raw.length === 0) return null;
    if (raw.length > MAX_PATH_CHARS || !raw.isWellFormed() || raw.includes('\u0000')) return this.flag(null);
    return raw;
  }

  /** A price in dollars per million tokens (`pricing.overrides`): a finite number from 0 to MAX_RATE_PER_MILLION, else unknown. */
  rate(raw: unknown): number | null {
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > MAX_RATE_PER_MILLION) {
      return this.flag(null);
    }
    return raw + 0;
  }

  /** A Codex version (`cli_version`): digits and dots with an optional suffix, else unknown. */
  version(raw: unknown): string | null {
    if (raw === undefined || raw === null || raw === '') return null;
    return typeof raw === 'string' && VERSION.test(raw) ? raw : this.flag(null);
  }

  /** A credits balance: a number or numeric string, kept as Codex wrote it; "Infinity" or junk is unknown. */
  balance(raw: unknown): string | null {
    if (raw === undefined || raw === null) return null;
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : null;
    if (text === '') return null;
    if (text === null || text.length > MAX_BALANCE_CHARS || !Number.isFinite(Number(text))) {
      return this.flag(null);
    }
    return text;
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The first `max` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * The earliest and latest instants a stored time may hold (the history file):
 * years 1000 to 9999 in every time zone, so its local day is always written
 * `YYYY-MM-DD` and it prints as ISO 8601. A time outside is corruption (or a
 * clock centuries off), never a reading to keep (issue 21 §2).
 */
export const MIN_STORED_TIME_MS = Date.UTC(1000, 0, 2);
export const MAX_STORED_TIME_MS = Date.UTC(9999, 11, 30);

/** A stored time (epoch ms) inside [MIN_STORED_TIME_MS, MAX_STORED_TIME_MS], else null. `-0` is 0, as JSON reads it back. */
export function storedTime(raw: unknown): number | null {
  const n = num(raw);
  return n !== null && n >= MIN_STORED_TIME_MS && n <= MAX_STORED_TIME_MS ? n + 0 : null;
}
