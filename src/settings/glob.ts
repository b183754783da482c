/**
 * The project ignore list's glob: `*` any run of characters, `?` exactly one,
 * everything else literal, case-insensitive.
 *
 * Matched without regular expressions. The previous version built a regex,
 * and `*a*a*a*a*a*a*a*a*a*a*b` took 716 ms per 30-character name (issue #10
 * §2); picomatch compiles to the same kind of backtracking regex (≈740 ms on
 * that pattern, measured). This is the classic wildcard walk: on a mismatch
 * it only retries from the last `*`, so the cost is at most pattern length ×
 * name length, and patterns are bounded to MAX_GLOB_CHARS.
 */

/** Longer patterns are invalid: no project name needs one, and it bounds the cost of a match. */
export const MAX_GLOB_CHARS = 200;

/** Null when the pattern can be used; otherwise why not. */
export function globProblem(glob: string): string | null {
  if (glob.trim() === '') return 'An empty pattern would match nothing; remove it.';
  if ([...glob.trim()].length > MAX_GLOB_CHARS) return `Patterns are at most ${MAX_GLOB_CHARS} characters.`;
  return null;
}

export function matchesGlob(name: string, glob: string): boolean {
  if (globProblem(glob) !== null) return false;
  // Code points, so `?` is one character even for an emoji.
  const p = [...glob.trim().toLowerCase()];
  const s = [...name.toLowerCase()];
  let i = 0;
  let j = 0;
  let star = -1;
  let resume = 0;
  while (i < s.length) {
    const c = p[j];
    if (c === '*') {
      star = j;
      resume = i;
      j += 1;
    } else if (c !== undefined && (c === '?' || c === s[i])) {
      i += 1;
      j += 1;
    } else if (star !== -1) {
      // Let the last `*` swallow one more character and try again from there.
      j = star + 1;
      resume += 1;
      i = resume;
    } else {
      return false;
    }
  }
  while (p[j] === '*') j += 1;
  return j === p.length;
}
