import { unicodeBar } from '../../format/numbers.js';
import {
  creditsText,
  familyName,
  levelFor,
  paceText,
  percentLeftText,
  resetText,
  sourceText,
  updatedAgo,
  windowLine,
} from '../../format/presentation.js';
import type { UsageLimits, UsageWindow } from '../../contract/index.js';
import { mainWindows } from '../../usage/shownWindows.js';
import type { Layout } from './layout.js';
import { seg, toned, type KeyedRow, type Line } from './line.js';
import type { Tone } from './style.js';

const lowerFirst = (text: string): string => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;

/** The tray's levels as tones: amber below 20 % left, red below 5 % (presentation.ts). */
export function levelTone(percentLeft: number): Tone {
  const level = levelFor(percentLeft);
  return level === 'critical' ? 'critical' : level === 'warning' ? 'warning' : 'plain';
}

/**
 * One limit window's value, in the popover's words: `[bar] 84% left · resets
 * in 2h 29m · 01:11 · on pace · from your last session` (full), `bar 84% left ·
 * resets 01:11` (compact). An old reading is dimmed and says when it was seen.
 */
export function limitValue(w: UsageWindow | null, now: number, layout: Layout): Line {
  if (w === null) return [seg(layout.kind === 'full' ? 'unknown (no limit data seen yet)' : 'unknown', 'dim')];
  const tone = levelTone(w.remainingPercent);
  const stale = w.stale && !w.rolledOver;
  const line: Line = [];
  const bar = unicodeBar(w.remainingPercent, layout.bar);
  if (layout.bar > 0) line.push(seg(layout.kind === 'full' ? `[${bar}]` : bar, tone), seg(' '));
  line.push(seg(percentLeftText(w.remainingPercent), tone === 'plain' ? 'strong' : tone));
  const more: string[] = [];
  if (layout.kind === 'full') {
    const reset = resetText(w, now);
    if (reset !== null) more.push(lowerFirst(reset));
    const pace = paceText(w, now);
    if (pace !== null) more.push(lowerFirst(pace.text));
    if (stale) more.push(updatedAgo(w.observedAt, now));
    more.push(sourceText(w));
  } else {
    // The tray's short reset: `resets 14:05`.
    const short = windowLine(w, now).split(' · ')[1];
    if (short !== undefined) more.push(short);
    if (stale) more.push(updatedAgo(w.observedAt, now));
  }
  if (more.length > 0) line.push(seg(` · ${more.join(' · ')}`));
  return stale ? toned(line, 'dim') : line;
}

/** `5h 84% left · resets 01:11`: the tray's line, for the narrowest terminals. */
function minimalLimit(label: string, w: UsageWindow | null, now: number): Line {
  if (w === null) return [seg(`${label} unknown`, 'dim')];
  const line: Line = [
    seg(`${label} `),
    seg(windowLine(w, now).slice(w.label.length + 1), levelTone(w.remainingPercent)),
  ];
  return w.stale && !w.rolledOver ? toned(line, 'dim') : line;
}

interface LabelledWindow {
  label: string;
  window: UsageWindow | null;
}

/** The main windows the account has (`mainWindows`), then every other family's windows lowest first (a low one is never tucked away). */
export function limitWindows(limits: UsageLimits): LabelledWindow[] {
  const rows: LabelledWindow[] = mainWindows(limits);
  const others: Array<{ label: string; window: UsageWindow }> = [];
  for (const f of limits.others) {
    for (const w of [f.primary, f.secondary])
      if (w !== null) others.push({ label: `${familyName(f)} ${w.label}`, window: w });
  }
  others.sort((a, b) => a.window.remainingPercent - b.window.remainingPercent);
  return [...rows, ...others];
}

/** Limit rows and credits: keyed for the aligned layouts, single lines for the minimal one. */
export function limitRows(limits: UsageLimits, now: number, layout: Layout): Array<KeyedRow | Line> {
  const rows: Array<KeyedRow | Line> = limitWindows(limits).map(({ label, window }) =>
    layout.kind === 'minimal'
      ? minimalLimit(label, window, now)
      : { key: label, value: limitValue(window, now, layout) },
  );
  if (limits.credits !== null) {
    const text = creditsText(limits.credits);
    rows.push(layout.kind === 'minimal' ? [seg(text)] : { key: 'Credits', value: [seg(text)] });
  }
  return rows;
}
