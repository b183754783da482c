import pc from 'picocolors';
import type { HistoryView, HistoryWindow, HistoryWindowUsage } from '../contract/index.js';
import type { LogsShare } from '../history/fromLogs.js';
import { clockTime, compactNumber, wholePercent } from '../format/numbers.js';
import { familyName, levelFor, type Level } from '../format/presentation.js';
import { basisText, costText, pricesAsOfText, unpricedText } from '../format/cost.js';
import { countingStartText, windowSpanText, windowUsageText } from '../format/window.js';

/**
 * `history` in text: a Unicode sparkline of what is left over each current
 * window so far, and a bar per day for tokens, coloured with the tray's
 * thresholds (amber below 20 % left, red below 5 %). Pure: colour is on only
 * when the caller says so (a TTY without NO_COLOR).
 */

const SPARK = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const SPARK_CELLS = 24;
const BAR_CELLS = 30;

export interface HistoryTextOptions {
  color: boolean;
  /** Default null: everything shown was recorded. */
  logs?: LogsShare;
}

export function formatHistory(view: HistoryView, now: number, opts: HistoryTextOptions): string {
  const c = pc.createColors(opts.color);
  const paint = (level: Level, text: string): string =>
    level === 'critical' ? c.red(text) : level === 'warning' ? c.yellow(text) : text;
  const lines: string[] = [];
  const current = view.windows.filter((w) => w.current);
  lines.push(c.bold('Limits, current windows (what is left, from the window start to now)'));
  if (current.length === 0) lines.push('  none recorded yet');
  const labels = current.map((w) => windowName(w));
  const width = Math.max(0, ...labels.map((l) => l.length));
  current.forEach((w, i) => {
    const last = w.points[w.points.length - 1];
    const left = last === undefined ? null : 100 - last.usedPercent;
    const level = left === null ? 'normal' : levelFor(left);
    const reset = w.resetsAt === null ? '' : ` · resets ${clockTime(new Date(w.resetsAt), new Date(now))}`;
    const figure = left === null ? '?' : `${wholePercent(left)}% left`;
    const used = w.usage === null ? '' : ` · ${windowUsageText(w.usage)}`;
    lines.push(
      `  ${(labels[i] ?? '').padEnd(width)}  ${paint(level, sparkline(w, now))}  ${paint(level, figure)}${reset}${used}`,
    );
  });
  lines.push('');
  const total = view.days.reduce((n, d) => n + d.tokens, 0);
  lines.push(
    c.bold(
      `Tokens per day, last ${view.days.length} day${view.days.length === 1 ? '' : 's'} (${compactNumber(total)} in all)`,
    ),
  );
  const max = Math.max(1, ...view.days.map((d) => d.tokens));
  for (const d of view.days) {
    const cells = d.tokens === 0 ? 0 : Math.max(1, Math.round((d.tokens / max) * BAR_CELLS));
    const top = d.projects[0];
    const who =
      top === undefined
        ? ''
        : `  ${top.project ?? '(no project)'}${d.projects.length > 1 ? ` +${d.projects.length - 1}` : ''}`;
    const cached = d.cachedInput > 0 ? ` (+${compactNumber(d.cachedInput)} cached)` : '';
    lines.push(
      `  ${d.day}  ${c.cyan('█'.repeat(cells))}${' '.repeat(BAR_CELLS - cells)}  ${compactNumber(d.tokens).padStart(6)}${cached}${who}`,
    );
  }
  lines.push('', ...costLines(view, c.bold));
  const perWindow = windowLines(view, c.bold);
  if (perWindow.length > 0) lines.push('', ...perWindow);
  lines.push('');
  const day = view.days[view.days.length - 1]?.day ?? '';
  lines.push(c.bold(`Top sessions on ${day}`));
  if (view.topSessions.length === 0) lines.push('  none');
  for (const s of view.topSessions) {
    lines.push(
      `  ${compactNumber(s.tokens).padStart(6)}  ${s.project ?? '(no project)'} · ${s.model ?? '?'} · ${costText(s.cost)} · ${s.id}`,
    );
  }
  const b = view.backfill;
  const logs = opts.logs ?? null;
  if (logs === 'all')
    lines.push(
      '',
      'Computed from your Codex logs; the app (or `codex-discord-presence run`) records history from now on.',
    );
  else if (logs === 'part')
    lines.push('', 'What was not recorded yet is computed from your Codex logs; the app records it when it next runs.');
  else if (b.phase === 'running')
    lines.push('', `History is still being built from the rollouts: ${b.filesDone} of ${b.filesTotal} files read.`);
  else if (b.phase === 'error')
    lines.push('', `Building history from the rollouts failed: ${b.message ?? 'unknown error'}`);
  else if (b.phase === 'idle' && view.windows.length === 0 && total === 0)
    lines.push(
      '',
      'Nothing recorded yet: history is recorded while the app or `codex-discord-presence run` publishes.',
    );
  return lines.join('\n');
}

/**
 * What the days cost (docs/cost.md): the total, then each day that used
 * tokens with its projects' costs. A ChatGPT plan's is its API-equivalent
 * value, never a bill; a partial figure is a lower bound and says which
 * models it leaves out.
 */
function costLines(view: HistoryView, bold: (text: string) => string): string[] {
  const name = basisText(view.cost.basis);
  const total = view.cost.total;
  const missing = unpricedText(total);
  const lines = [
    bold(
      `${name[0]?.toUpperCase() ?? ''}${name.slice(1)} per day at ${pricesAsOfText(view.cost.pricesAsOf)} (${costText(total)} in all${missing === null ? '' : `; ${missing}`})`,
    ),
  ];
  const used = view.days.filter((d) => d.tokens > 0 || d.cachedInput > 0);
  if (used.length === 0) lines.push('  none');
  for (const d of used) {
    const projects = d.projects.map((p) => `${p.project ?? '(no project)'} ${costText(p.cost)}`).join(', ');
    lines.push(`  ${d.day}  ${costText(d.cost).padStart(10)}  ${projects}`);
  }
  return lines;
}

/**
 * What each window's tokens cost (docs/cost.md, "Per window"), the current
 * ones first, then the past ones newest first; a window history did not
 * count (no reset known, or over before it counted windows) is left out.
 * None at all (an API key has no windows): nothing.
 */
function windowLines(view: HistoryView, bold: (text: string) => string): string[] {
  const counted = view.windows.filter((w) => w.usage !== null);
  if (counted.length === 0) return [];
  const name = basisText(view.cost.basis);
  const names = counted.map(windowName);
  const spans = counted.map(windowSpanText);
  const nameWidth = Math.max(...names.map((n) => n.length));
  const spanWidth = Math.max(...spans.map((n) => n.length));
  const lines = [bold(`${name[0]?.toUpperCase() ?? ''}${name.slice(1)} per window`)];
  counted.forEach((w, i) => {
    const usage = w.usage as HistoryWindowUsage;
    lines.push(
      `  ${(names[i] ?? '').padEnd(nameWidth)}  ${(spans[i] ?? '').padEnd(spanWidth)}  ${windowUsageText(usage)}${w.current ? '  (now)' : ''}`,
    );
  });
  const from = counted.find((w) => w.usage?.countingStartedAt != null)?.usage?.countingStartedAt ?? null;
  if (from !== null)
    lines.push(
      `  ≥: counted from ${countingStartText(from)} (history was cleared then, or recorded by an earlier version)`,
    );
  return lines;
}

function windowName(w: HistoryWindow): string {
  return w.limitId === 'codex' ? w.label : `${familyName(w)} ${w.label}`;
}

/**
 * What is left over the window so far, in SPARK_CELLS cells from its start to
 * now: each cell shows the latest reading at its end (the share only moves
 * when a reading says so). Cells before the first reading are blank.
 */
export function sparkline(w: HistoryWindow, now: number): string {
  const points = w.points.map((p) => ({ at: p.at, left: 100 - p.usedPercent }));
  const first = points[0];
  if (first === undefined) return ' '.repeat(SPARK_CELLS);
  const start = w.startsAt === null ? first.at : Math.min(w.startsAt, first.at);
  const end = Math.max(now, points[points.length - 1]?.at ?? now);
  const span = Math.max(1, end - start);
  let out = '';
  let j = -1;
  for (let i = 0; i < SPARK_CELLS; i += 1) {
    const cellEnd = start + ((i + 1) / SPARK_CELLS) * span;
    while (j + 1 < points.length && (points[j + 1]?.at ?? Infinity) <= cellEnd) j += 1;
    const p = points[j];
    out +=
      p === undefined ? ' ' : (SPARK[Math.min(SPARK.length - 1, Math.floor((p.left / 100) * SPARK.length))] ?? ' ');
  }
  return out;
}
