/**
 * The pure half of the history charts (issue 15): scales, burn-down series,
 * even-pace lines and stacked day bars, computed from the contract's
 * `HistoryView` with no DOM; its times are epoch ms, used as they come. The
 * components only draw what these return, so tests can check the numbers and
 * the drawing separately.
 */
import type {
  CostBasis,
  HistoryDay,
  HistoryWindow,
  HistoryWindowUsage,
  LimitSource,
} from '../../../src/contract/index.js';
import { costPhrase, unpricedText } from '../../../src/format/cost.js';
import { clockTime, compactNumber, wholePercent } from '../../../src/format/numbers.js';

/** A linear map from `domain` to `range`; a zero-width domain maps to the range's middle. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0 || !Number.isFinite(span)) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

const clampPercent = (v: number): number => Math.min(100, Math.max(0, v));

/** One observation, as remaining share at a time (ms since the epoch). */
export interface BurnPoint {
  t: number;
  remaining: number;
  source: LimitSource;
}

export interface BurnDown {
  /** The window's span: its start and reset, or the observed span when either is unknown. */
  start: number;
  end: number;
  /** True when `end` is the window's real reset time. */
  endIsReset: boolean;
  points: BurnPoint[];
}

/**
 * Remaining % over the window. Points outside the window (clock skew, a late
 * record) are kept but the span grows to hold them, so nothing is drawn off the chart.
 */
export function burnDown(w: HistoryWindow): BurnDown {
  const points: BurnPoint[] = [];
  let sorted = true;
  for (const p of w.points) {
    const t = p.at;
    if (!Number.isFinite(t)) continue;
    if (sorted && points.length > 0 && (points[points.length - 1]?.t ?? t) > t) sorted = false;
    points.push({ t, remaining: clampPercent(100 - p.usedPercent), source: p.source });
  }
  // Main sends readings in time order: sort only when they are not.
  if (!sorted) points.sort((a, b) => a.t - b.t);
  const reset = w.resetsAt ?? NaN;
  const startsAt = w.startsAt ?? NaN;
  const first = points[0]?.t ?? NaN;
  const last = points.at(-1)?.t ?? NaN;
  const start = Number.isFinite(startsAt) ? (Number.isFinite(first) ? Math.min(startsAt, first) : startsAt) : first;
  const end = Number.isFinite(reset) ? (Number.isFinite(last) ? Math.max(reset, last) : reset) : last;
  return { start, end, endIsReset: Number.isFinite(reset), points };
}

const burnDowns = new WeakMap<HistoryWindow, BurnDown>();

/**
 * burnDown, once per window object: a view read ahead while the settings
 * window was idle (historyStore's prefetch) is drawn without reading it again.
 */
export function burnDownOf(w: HistoryWindow): BurnDown {
  let b = burnDowns.get(w);
  if (b === undefined) {
    b = burnDown(w);
    burnDowns.set(w, b);
  }
  return b;
}

/** What is left at even pace at `t`: 100 % at the window's start, 0 % at its reset. */
export function evenPaceAt(b: Pick<BurnDown, 'start' | 'end'>, t: number): number {
  if (!(b.end > b.start)) return 100;
  return clampPercent(100 * (1 - (t - b.start) / (b.end - b.start)));
}

/** The window's reset is known, so an even pace can be drawn. */
export function hasPace(w: HistoryWindow): boolean {
  return w.startsAt !== null && w.resetsAt !== null;
}

export interface Box {
  width: number;
  height: number;
  /** Inner margins: the plot is the box minus these. */
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface BurnGeometry {
  x: (t: number) => number;
  y: (remaining: number) => number;
  /** SVG path of the observations (a step holds each reading until the next; the last holds until `now`). */
  line: string;
  /** SVG path of the even-pace line, or '' when the window's span is unknown. */
  pace: string;
  /** Where observation `i` is drawn (computed on demand: a long series draws no dots). */
  dot: (i: number) => { x: number; y: number } | undefined;
}

const round = (v: number): number => Math.round(v * 10) / 10;

/** `M x,y L x,y …` (what d3-shape's line draws, built straight from flat coordinates). */
function pathOf(xs: readonly number[], ys: readonly number[]): string {
  if (xs.length === 0) return '';
  const parts = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i += 1) parts[i] = `${i === 0 ? 'M' : 'L'}${xs[i] ?? 0},${ys[i] ?? 0}`;
  return parts.join('');
}

/**
 * Pixel geometry for a burn-down in `box`. Each reading holds until the next
 * one (a limit only moves when Codex reports it), and the last holds until
 * `now` while the window is still running.
 */
export function burnGeometry(b: BurnDown, box: Box, now: number, withPace: boolean): BurnGeometry {
  const x = linearScale([b.start, b.end], [box.left, box.width - box.right]);
  const y = linearScale([0, 100], [box.height - box.bottom, box.top]);
  const coords = columnThinner();
  let prev: BurnPoint | undefined;
  for (const p of b.points) {
    const px = round(x(p.t));
    if (prev !== undefined && prev.remaining !== p.remaining) coords.push(px, round(y(prev.remaining)));
    coords.push(px, round(y(p.remaining)));
    prev = p;
  }
  if (prev !== undefined && now > prev.t) {
    coords.push(round(x(Math.min(now, b.end))), round(y(prev.remaining)));
  }
  const pace =
    withPace && b.end > b.start ? pathOf([round(x(b.start)), round(x(b.end))], [round(y(100)), round(y(0))]) : '';
  return {
    x,
    y,
    line: pathOf(coords.xs, coords.ys),
    pace,
    dot: (i) => {
      const p = b.points[i];
      return p === undefined ? undefined : { x: round(x(p.t)), y: round(y(p.remaining)) };
    },
  };
}

/**
 * At most two coordinates per half-pixel column, its first and its last: a
 * week read every minute draws the same line with a few hundred points
 * instead of twenty thousand. Readings within a window only move one way, so
 * a column's first and last hold its whole extent.
 */
export function thinColumns(coords: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const t = columnThinner();
  for (const [cx, cy] of coords) t.push(cx, cy);
  return t.xs.map((cx, i) => [cx, t.ys[i] ?? 0]);
}

/** thinColumns, fed one coordinate at a time into flat arrays (no pair per reading). */
function columnThinner(): { xs: number[]; ys: number[]; push(x: number, y: number): void } {
  const xs: number[] = [];
  const ys: number[] = [];
  let columnStart = -1;
  let columnX = NaN;
  return {
    xs,
    ys,
    push(cx, cy) {
      if (columnStart >= 0 && Math.abs(cx - columnX) < 0.5) {
        if (xs.length - columnStart >= 2) {
          xs[xs.length - 1] = cx;
          ys[ys.length - 1] = cy;
          return;
        }
      } else {
        columnStart = xs.length;
        columnX = cx;
      }
      xs.push(cx);
      ys.push(cy);
    },
  };
}

/** A past window's small multiple: its box, and its geometry drawn to its end. */
export const THUMBNAIL_BOX: Box = { width: 120, height: 56, top: 4, right: 4, bottom: 4, left: 4 };

const thumbnails = new WeakMap<HistoryWindow, { b: BurnDown; g: BurnGeometry }>();

/** The window's small multiple is computed already (read ahead, or drawn before). */
export function hasThumbnail(w: HistoryWindow): boolean {
  return thumbnails.has(w);
}

/** A past window's burn-down and its small multiple's geometry, once per window object. */
export function thumbnailOf(w: HistoryWindow): { b: BurnDown; g: BurnGeometry } {
  let t = thumbnails.get(w);
  if (t === undefined) {
    const b = burnDownOf(w);
    t = { b, g: burnGeometry(b, THUMBNAIL_BOX, b.end, hasPace(w)) };
    thumbnails.set(w, t);
  }
  return t;
}

/** Past this many readings a chart does not list them in `data-values` (the DOM would carry ~100 kB). */
export const MAX_LISTED_VALUES = 500;

/**
 * The readings' remaining %, one decimal, comma-separated: what the chart was
 * given, for tests and tools. Undefined (no attribute) for a long series, which only states its count.
 */
export function listedValues(b: BurnDown): string | undefined {
  if (b.points.length > MAX_LISTED_VALUES) return undefined;
  return b.points.map((p) => Math.round(p.remaining * 10) / 10).join(',');
}

/** The index of the point nearest to `t` (points sorted by time); -1 when there are none. */
export function nearestIndex(times: readonly number[], t: number): number {
  if (times.length === 0) return -1;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  const before = times[lo - 1];
  const at = times[lo] ?? 0;
  return before !== undefined && t - before <= at - t ? lo - 1 : lo;
}

/**
 * Equal for two copies of the same window with the same readings (each pull
 * from main is a fresh copy): its span, how many readings, and the last one.
 * Readings are only ever appended, so this is enough to skip redrawing.
 */
export function windowSignature(w: HistoryWindow): string {
  const last = w.points.at(-1);
  return `${w.limitId}|${w.kind}|${w.startsAt ?? ''}|${w.resetsAt ?? ''}|${w.points.length}|${last?.at ?? ''}|${last?.usedPercent ?? ''}`;
}

/** Whether two copies of a window's usage say the same (a re-query hands over fresh copies; a few fields, compared whole). */
export function sameUsage(a: HistoryWindowUsage | null, b: HistoryWindowUsage | null): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The window in progress for a family and kind, if history has one with readings. */
export function currentWindow(
  windows: readonly HistoryWindow[],
  limitId: string,
  kind: HistoryWindow['kind'],
): HistoryWindow | null {
  return windows.find((w) => w.current && w.limitId === limitId && w.kind === kind && w.points.length > 0) ?? null;
}

export interface WindowGroup {
  key: string;
  limitId: string;
  limitName: string | null;
  kind: HistoryWindow['kind'];
  label: string;
  current: HistoryWindow | null;
  /** Oldest first, so the small multiples read left to right. */
  past: HistoryWindow[];
}

/** Windows grouped by family and kind, in the view's order (the main family first). */
export function groupWindows(windows: readonly HistoryWindow[]): WindowGroup[] {
  const groups = new Map<string, WindowGroup>();
  for (const w of windows) {
    const key = `${w.limitId}:${w.kind}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { key, limitId: w.limitId, limitName: w.limitName, kind: w.kind, label: w.label, current: null, past: [] };
      groups.set(key, g);
    }
    if (w.current) g.current = w;
    else g.past.push(w);
  }
  const list = [...groups.values()];
  for (const g of list) {
    g.past.sort((a, b) => (a.resetsAt ?? a.points.at(-1)?.at ?? 0) - (b.resetsAt ?? b.points.at(-1)?.at ?? 0));
  }
  // The main family (`codex`) first, its short window before its long one.
  return list.sort(
    (a, b) =>
      Number(b.limitId === 'codex') - Number(a.limitId === 'codex') ||
      a.limitId.localeCompare(b.limitId) ||
      a.kind.localeCompare(b.kind),
  );
}

/** How many distinct project series a stacked bar shows before the rest fold into "Other projects". */
export const MAX_PROJECT_SERIES = 6;
export const OTHER_KEY = '\u0000other';
export const NO_PROJECT_KEY = '\u0000none';

export interface Series {
  key: string;
  label: string;
  total: number;
}

export interface DaySegment {
  key: string;
  tokens: number;
  /** Cumulative tokens below and at the top of this segment. */
  y0: number;
  y1: number;
}

export interface StackedDay {
  day: string;
  total: number;
  cachedInput: number;
  segments: DaySegment[];
}

const projectKey = (p: string | null): string => p ?? NO_PROJECT_KEY;

/**
 * Tokens per day stacked by project: the biggest projects over the range get
 * their own series (largest at the bottom), the rest fold into one.
 */
export function stackDays(
  days: readonly HistoryDay[],
  maxSeries = MAX_PROJECT_SERIES,
): {
  series: Series[];
  days: StackedDay[];
  max: number;
} {
  const totals = new Map<string, number>();
  for (const d of days) {
    for (const p of d.projects) totals.set(projectKey(p.project), (totals.get(projectKey(p.project)) ?? 0) + p.tokens);
  }
  const ranked = [...totals.entries()].filter(([, t]) => t > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const fold = ranked.length > maxSeries;
  const kept = fold ? ranked.slice(0, maxSeries - 1) : ranked;
  const keptKeys = new Set(kept.map(([k]) => k));
  const series: Series[] = kept.map(([key, total]) => ({
    key,
    label: key === NO_PROJECT_KEY ? 'No project' : key,
    total,
  }));
  if (fold) {
    const rest = ranked.slice(maxSeries - 1).reduce((s, [, t]) => s + t, 0);
    series.push({ key: OTHER_KEY, label: 'Other projects', total: rest });
  }
  let max = 0;
  const stacked = days.map((d) => {
    const byKey = new Map<string, number>();
    for (const p of d.projects) {
      const k = keptKeys.has(projectKey(p.project)) ? projectKey(p.project) : OTHER_KEY;
      byKey.set(k, (byKey.get(k) ?? 0) + p.tokens);
    }
    let y = 0;
    const segments: DaySegment[] = [];
    for (const s of series) {
      const tokens = byKey.get(s.key) ?? 0;
      if (tokens <= 0) continue;
      segments.push({ key: s.key, tokens, y0: y, y1: y + tokens });
      y += tokens;
    }
    // The day's total is Codex's figure; a project list that sums short (rounding, a project dropped
    // by the ignore list after recording) never makes the bar taller than that total.
    const total = Math.max(d.tokens, y);
    max = Math.max(max, total);
    return { day: d.day, total, cachedInput: d.cachedInput, segments };
  });
  return { series, days: stacked, max };
}

/** A round axis maximum at or above `v`: 1, 2 or 5 times a power of ten. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `YYYY-MM-DD` (a local calendar day) as `Sat 21 Nov`; with `short`, `21 Nov`. */
export function dayLabel(day: string, short = false): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (m === null) return day;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const text = `${date.getDate()} ${MONTHS[date.getMonth()] ?? ''}`;
  return short ? text : `${WEEKDAYS[date.getDay()] ?? ''} ${text}`;
}

/** `12,345`: digits grouped by threes (no Intl, whose first use costs a few ms at startup). */
export function fullNumber(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && Math.round(n) !== 0 ? `-${grouped}` : grouped;
}

/** `14:05 · 72% left · even pace 60% left`: a reading as its tooltip and table say it. */
export function pointText(b: BurnDown, p: BurnPoint, now: number, withPace: boolean): string {
  const at = clockTime(new Date(p.t), new Date(now));
  const left = `${wholePercent(p.remaining)}% left`;
  return withPace ? `${at} · ${left} · even pace ${wholePercent(evenPaceAt(b, p.t))}% left` : `${at} · ${left}`;
}

/** `Sat 21 Nov: 152k tokens (orbit-api 100k, notes 52k)` */
export function dayText(d: StackedDay, series: readonly Series[]): string {
  const label = new Map(series.map((s) => [s.key, s.label]));
  const parts = [...d.segments].reverse().map((s) => `${label.get(s.key) ?? s.key} ${compactNumber(s.tokens)}`);
  const head = `${dayLabel(d.day)}: ${compactNumber(d.total)} tokens`;
  return parts.length > 0 ? `${head} (${parts.join(', ')})` : head;
}

/**
 * The cost view's bar for a day: its priced dollars, or null for no bar. An
 * unavailable day has no number to draw (a gap, said in words, never a
 * guessed bar); a partial day draws what is priced, marked as a lower bound.
 */
export function costBar(d: Pick<HistoryDay, 'cost'>): number | null {
  return d.cost.status === 'unavailable' || d.cost.usd === null ? null : d.cost.usd;
}

/** The cost axis' top: the largest bar, rounded up (1 when nothing is priced). */
export function costMax(days: readonly HistoryDay[]): number {
  return niceMax(days.reduce((m, d) => Math.max(m, costBar(d) ?? 0), 0));
}

/**
 * A day in the cost view, as its tooltip and table say it:
 * `Sat 21 Nov: API-equivalent value ≈ $0.771`, `…: cost ≥ $0.500, partial: no price for x`,
 * `…: cost unavailable, no price for x`, `…: no tokens`.
 */
export function costDayText(d: Pick<HistoryDay, 'day' | 'tokens' | 'cost'>, basis: CostBasis): string {
  const head = `${dayLabel(d.day)}: `;
  if (d.tokens === 0 && d.cost.status === 'exact') return `${head}no tokens`;
  const missing = unpricedText(d.cost);
  const note =
    d.cost.status === 'partial'
      ? `, partial${missing === null ? '' : `: ${missing}`}`
      : missing === null
        ? ''
        : `, ${missing}`;
  return `${head}${costPhrase(d.cost, basis)}${note}`;
}
