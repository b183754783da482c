/**
 * Text fields keep exactly what the user types; these turn the text into a
 * value when it is needed (on blur and on Save). Each returns the value or a
 * message, never a half-parsed number: "25, 10, 5, 50" stays four numbers and
 * "abc" is an error, not NaN.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** `25, 10, 5` → [25, 10, 5]; empty → []. */
export function parsePercentList(text: string): Parsed<number[]> {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const values: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { ok: false, error: `“${p}” is not a whole percentage. Use numbers like 25, 10, 5.` };
    values.push(Number(p));
  }
  return { ok: true, value: values };
}

/** A whole number of minutes in [min, max]. */
export function parseMinutes(text: string, min = 1, max = 1440): Parsed<number> {
  const t = text.trim();
  if (t === '') return { ok: false, error: `Enter a number of minutes from ${min} to ${max}.` };
  if (!/^\d+$/.test(t)) return { ok: false, error: `Whole minutes only, from ${min} to ${max}.` };
  const n = Number(t);
  if (n < min || n > max) return { ok: false, error: `Between ${min} and ${max} minutes.` };
  return { ok: true, value: n };
}

/** One pattern per line; blank lines are dropped. */
export function parseLines(text: string): Parsed<string[]> {
  return {
    ok: true,
    value: text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  };
}

/** Optional whole percentage: empty is "off" (null). */
export function parseOptionalPercent(text: string): Parsed<number | null> {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 100)
    return { ok: false, error: 'A whole percentage from 1 to 100, or empty for off.' };
  return { ok: true, value: Number(t) };
}
