import type { Painter, Tone } from './style.js';
import { cut, textWidth } from './width.js';

/** A run of text with one meaning; a line is a list of them. */
export interface Segment {
  text: string;
  tone: Tone;
}

export type Line = Segment[];

export const seg = (text: string, tone: Tone = 'plain'): Segment => ({ text, tone });

/** The line's text, without colour. */
export function plainText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Every segment in `tone` (a stale row is dimmed as a whole). */
export function toned(line: Line, tone: Tone): Line {
  return line.map((s) => ({ ...s, tone }));
}

/** The line cut to `columns` columns (measured as the terminal draws it), `…` marking the cut. */
export function fit(line: Line, columns: number): Line {
  if (!Number.isFinite(columns) || textWidth(plainText(line)) <= columns) return line;
  const out: Line = [];
  let budget = Math.max(0, columns - 1);
  for (const s of line) {
    const w = textWidth(s.text);
    if (w <= budget) {
      out.push(s);
      budget -= w;
      continue;
    }
    out.push({ ...s, text: cut(s.text, budget) });
    break;
  }
  const last = out[out.length - 1];
  if (columns >= 1 && last !== undefined) out[out.length - 1] = { ...last, text: `${last.text}…` };
  return out;
}

/** The line as the terminal gets it: colour codes from the painter (none when plain). */
export function paint(line: Line, painter: Painter): string {
  // Neighbours with one tone are painted as one run: fewer escape codes.
  const runs: Segment[] = [];
  for (const s of line) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.tone === s.tone) runs[runs.length - 1] = { ...last, text: last.text + s.text };
    else runs.push(s);
  }
  return runs.map((s) => painter(s.tone, s.text)).join('');
}

/** A labelled value: `5h`, `Credits`, `Sessions`… */
export interface KeyedRow {
  key: string;
  value: Line;
}

/** Labels padded to one column, so the values line up. */
export function alignKeys(rows: readonly KeyedRow[], gap = 2): Line[] {
  const width = Math.max(0, ...rows.map((r) => textWidth(r.key)));
  return rows.map((r) => [seg(`${r.key}${' '.repeat(width - textWidth(r.key) + gap)}`), ...r.value]);
}
