/**
 * Display formatting shared by the CLI, the Discord activity and the UI, so a
 * number reads the same everywhere.
 */

/** Compact token counts: 999, 1.2k, 12k, 1.2M, 12M. */
export function compactNumber(value: number): string {
  const n = Math.max(0, Math.round(value));
  if (n < 1000) return String(n);
  const units: Array<[number, string]> = [
    [1e3, 'k'],
    [1e6, 'M'],
    [1e9, 'B'],
  ];
  for (let i = 0; i < units.length; i += 1) {
    const [size, suffix] = units[i] ?? [1, ''];
    const scaled = n / size;
    const text = scaled < 10 ? trimZero(scaled.toFixed(1)) : String(Math.round(scaled));
    // 999,950 rounds to "1000k": promote to the next unit instead.
    if (Number(text) >= 1000 && i < units.length - 1) continue;
    return `${text}${suffix}`;
  }
  return String(n);
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/**
 * A percentage as Codex prints it (`{:.0}` in Rust): rounded half to even,
 * so 87.5 shows as 88 and 12.5 as 12, exactly like /status.
 */
export function wholePercent(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (Math.abs(diff - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(value);
}

/** `2h 13m`, `3d 4h`, `45m`, `<1m`. */
export function durationShort(ms: number): string {
  if (ms < 60_000) return '<1m';
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`;
  return `${mins}m`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local `HH:MM`, with `4 Dec` in front when it is not on `now`'s local date (as Codex's /status). */
export function clockTime(at: Date, now: Date): string {
  const hhmm = hourMinute(at);
  const sameDay =
    at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return sameDay ? hhmm : `${at.getDate()} ${MONTHS[at.getMonth()] ?? ''} ${hhmm}`;
}

/** `14:05`, local time. */
export function hourMinute(at: Date): string {
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** `21 Nov`: a date's day and month. */
export function shortDate(at: Date): string {
  return `${at.getDate()} ${MONTHS[at.getMonth()] ?? ''}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `Δ 1.2k | last 3.4k | total 120k` */
export function tokenTriplet(tokens: { delta: number; last: number; total: number }): string {
  return `Δ ${compactNumber(tokens.delta)} | last ${compactNumber(tokens.last)} | total ${compactNumber(tokens.total)}`;
}

/** A bar of `width` cells filled in proportion to what is left, as in /status. */
export function unicodeBar(percentLeft: number, width = 20): string {
  const filled = Math.round((Math.min(100, Math.max(0, percentLeft)) / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
