/** Local calendar days (the machine's time zone), as `YYYY-MM-DD`. Pure. */

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The local midnight that starts `day` (YYYY-MM-DD), epoch ms: `localDay(t) >= day` exactly when `t >= dayStart(day)`. */
export function dayStart(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

/** True for a real calendar day written `YYYY-MM-DD` (not 2026-02-30). */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DAY_RE.exec(value);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d;
}

/** The `count` local days ending with the day of `now`, oldest first. */
export function lastDays(now: number, count: number): string[] {
  const today = new Date(now);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    // Calendar arithmetic, not 24 h steps: a DST day is 23 or 25 hours long.
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i, 12);
    out.push(localDay(d.getTime()));
  }
  return out;
}

/** The first local day kept when history keeps `days` days up to `now`. */
export function oldestKeptDay(now: number, days: number): string {
  return lastDays(now, days)[0] ?? localDay(now);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
