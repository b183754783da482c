import { CODEX_MISSING_HINT } from '../codex/findCodex.js';
import { quoted } from '../format/quoted.js';
import type { DiscordApplication } from '../discord/application.js';
import { applicationLabel } from '../format/application.js';
import { clockTime, compactNumber, durationShort, unicodeBar, wholePercent } from '../format/numbers.js';
import { liveSessionsText, sourceText } from '../format/presentation.js';
import { basisText, costText, pricesAsOfText, unpricedText } from '../format/cost.js';
import { addCosts, NO_COST } from '../cost/rule.js';
import type { InstanceInfo } from '../instance/instanceFile.js';
import { MAX_OTHER_FAMILIES } from '../usage/limitStore.js';
import type { UsageSnapshot, UsageWindow } from '../contract/index.js';
import type { HistoryTotals } from '../history/recent.js';
import { layoutFor, type Layout } from './term/layout.js';
import { limitRows } from './term/limits.js';
import { alignKeys, fit, paint, seg, type KeyedRow, type Line } from './term/line.js';
import { discordValue } from './term/liveFrame.js';
import { sessionRow } from './term/sessions.js';
import { plain, type Painter, type Tone } from './term/style.js';

export interface StatusExtras {
  publisher: Omit<InstanceInfo, 'cmdline'> | null;
  configPath: string;
  /** Tokens from usage history (Codex's figure), when the publisher has recorded any. */
  history?: HistoryTotals | null;
  /** Whether presence is on and the application it publishes under (the `Application` row). */
  discord?: { enabled: boolean; application: DiscordApplication };
}

/** How `status` is drawn: the layout for the terminal's width (full when piped), and colour or not. */
export interface StatusDisplay {
  layout: Layout;
  painter: Painter;
}

const PLAIN_DISPLAY: StatusDisplay = { layout: layoutFor(null), painter: plain };

/**
 * The human-readable `status`: aligned rows with remaining-limit bars like
 * Codex's /status, in the popover's words, then every live session in the
 * popover's two lines. On a terminal, limit and session lines are cut to its
 * width; paths and hints wrap instead.
 */
export function formatStatus(
  snapshot: UsageSnapshot,
  now: Date,
  extras?: StatusExtras,
  display: StatusDisplay = PLAIN_DISPLAY,
): string {
  const { layout, painter } = display;
  const home = snapshot.codexHome;
  if (!home.found) {
    return [
      `Codex home   ${quoted(home.path)} — not found`,
      '',
      'Codex has not written any sessions here yet. Run `codex` once, or point to',
      'your Codex home with --codex-home DIR or the CODEX_HOME environment variable.',
    ].join('\n');
  }
  const at = now.getTime();
  const rows: Array<KeyedRow | Line> = [];
  const text = (key: string, value: string, tone: Tone = 'plain'): KeyedRow => ({ key, value: [seg(value, tone)] });
  rows.push(text('Codex home', home.sessionsDirFound ? home.path : `${home.path} (no sessions folder yet)`));
  const limits = limitRows(snapshot.limits, at, layout);
  rows.push(...limits);
  if (snapshot.limits.planType !== null) rows.push(text('Plan', snapshot.limits.planType));
  const accountError = snapshot.limits.accountError;
  // Codex simply not being installed is not news here; `doctor` explains it.
  if (accountError !== null && !accountError.endsWith(CODEX_MISSING_HINT))
    rows.push(text('Account', `could not ask Codex: ${accountError}`, 'warning'));
  if (extras !== undefined) {
    const p = extras.publisher;
    rows.push(
      p === null
        ? text('Publisher', 'none running (start the tray app, or `codex-discord-presence run`)', 'dim')
        : text(
            'Publisher',
            `${p.kind === 'gui' ? 'tray app' : p.kind === 'wrapper' ? 'codex wrapper' : 'headless run'} · pid ${p.pid} · since ${clockTime(new Date(p.startedAt), now)}`,
          ),
    );
    const discord = discordRow(p, extras.discord);
    if (discord !== null) rows.push(discord);
    rows.push(text('Config', quoted(extras.configPath)));
    const h = extras.history;
    if (h !== undefined && h !== null) {
      const building = h.building ? ' · history still being built' : '';
      rows.push(
        text('Tokens', `today ${compactNumber(h.today)} · last 7 days ${compactNumber(h.lastSevenDays)}${building}`),
      );
    }
  }
  rows.push(text('Sessions', liveSessionsText(snapshot.sessions)));
  // Cut at the edge like the limit rows: on a narrow terminal the figures come first and the date goes.
  const cost =
    snapshot.sessions.length > 0 || (extras?.history ?? null) !== null
      ? text(costKey(snapshot), costRowText(snapshot, extras?.history), 'dim')
      : null;
  if (cost !== null) rows.push(cost);
  const lines: Line[] = keyedLines(rows, layout, new Set(cost === null ? limits : [...limits, cost]));
  for (const s of snapshot.sessions)
    lines.push(...sessionRow({ session: s, tags: [], cost: true }, at, layout).map((l) => fit(l, layout.columns)));
  const out = lines.map((l) => paint(l, painter));
  const notes = diagnosticNotes(snapshot);
  if (notes.length > 0) out.push('', ...notes);
  return out.join('\n');
}

/** `Cost`, or `Value` for a ChatGPT plan: its tokens' API price is what they are worth, never a bill. */
function costKey(snapshot: UsageSnapshot): string {
  return snapshot.cost.basis === 'apiEquivalent' ? 'Value' : 'Cost';
}

/** What the live sessions' costs are (and today's, from history), and what they leave out. */
function costRowText(snapshot: UsageSnapshot, history: HistoryTotals | null | undefined): string {
  // Each row's own cost and its folded sub-agents' (their tokens are never in the row's): every token once.
  const costs = snapshot.sessions.flatMap((s) => [s.cost, ...s.agents.threads.map((t) => t.cost)]);
  const total = costs.reduce(addCosts, NO_COST);
  const missing = unpricedText(total);
  const today = history === undefined || history === null ? [] : [`today ${costText(history.todayCost)}`];
  return [
    ...today,
    `live sessions ${costText(total)}`,
    `${basisText(snapshot.cost.basis)} at ${pricesAsOfText(snapshot.cost.pricesAsOf)}`,
    ...(missing === null ? [] : [missing]),
  ].join(' · ');
}

/**
 * The Discord row: the publisher's connection when one runs, then the
 * application used: `connected · built-in (Codex)`, `application yours (1234…)`,
 * or what to do when there is none.
 */
function discordRow(p: StatusExtras['publisher'], d: StatusExtras['discord']): KeyedRow | null {
  const state: Line | null =
    p === null ? null : p.discord === undefined ? [seg('unknown', 'dim')] : discordValue(p.discord, null);
  // A disabled publisher already says why (no id, switched off): the application adds nothing.
  if (d === undefined || p?.discord?.state === 'disabled')
    return state === null ? null : { key: 'Discord', value: state };
  const app: Line = !d.enabled
    ? [seg('discord_enabled is false', 'dim')]
    : d.application.source === 'none'
      ? [seg('no application id: set discord_client_id (`codex-discord-presence doctor`)', 'warning')]
      : [seg(state === null ? `application ${applicationLabel(d.application)}` : applicationLabel(d.application))];
  return { key: 'Discord', value: state === null ? app : [...state, seg(' · '), ...app] };
}

/**
 * Keyed rows aligned, or `key value` on the narrowest terminals. Only the
 * limit rows are cut at the edge; the others (paths, hints, reasons) wrap,
 * since they must stay whole to be read or copied.
 */
function keyedLines(rows: ReadonlyArray<KeyedRow | Line>, layout: Layout, cut: ReadonlySet<KeyedRow | Line>): Line[] {
  const keyed = rows.filter((r): r is KeyedRow => 'key' in r);
  const aligned = layout.kind === 'minimal' ? keyed.map((r) => [seg(`${r.key} `), ...r.value]) : alignKeys(keyed);
  let i = 0;
  return rows.map((r) => {
    const line = 'key' in r ? (aligned[i++] ?? []) : r;
    return cut.has(r) ? fit(line, layout.columns) : line;
  });
}

function diagnosticNotes(snapshot: UsageSnapshot): string[] {
  const d = snapshot.diagnostics;
  const skipped = d.malformedLines + d.invalidUtf8Lines + d.oversizedLines;
  const notes: string[] = [];
  if (skipped > 0) notes.push(`${skipped} unreadable line(s) were skipped; run \`doctor\` for details.`);
  if (d.suspiciousLines > 0)
    notes.push(`${d.suspiciousLines} line(s) had out-of-range values, shown as unknown; run \`doctor\` for details.`);
  if (d.suspiciousAnswers > 0)
    notes.push(`${d.suspiciousAnswers} answer(s) from codex app-server had out-of-range values, shown as unknown.`);
  if (d.skippedEntries.count > 0)
    notes.push(
      `${d.skippedEntries.count} special file(s) were skipped (not regular files); run \`doctor\` for details.`,
    );
  if (d.unreadable.count > 0) {
    const n = d.unreadable.count;
    notes.push(
      `limits may be older: ${n} file${n === 1 ? '' : 's'} could not be read (newest ${d.unreadable.newest ?? '?'}); run \`doctor\` for the fix.`,
    );
  }
  if (d.familiesDropped > 0)
    notes.push(`only the ${MAX_OTHER_FAMILIES} freshest limit families are shown (${d.familiesDropped} dropped).`);
  return notes;
}

export function windowText(w: UsageWindow | null, now: Date): string {
  if (w === null) return 'unknown (no limit data seen yet)';
  const left = wholePercent(w.remainingPercent);
  const resetAt = w.resetsAt === null ? null : new Date(w.resetsAt);
  let text = `[${unicodeBar(w.remainingPercent)}] ${left}% left`;
  if (w.rolledOver && resetAt !== null) return `${text} · reset at ${clockTime(resetAt, now)}`;
  if (resetAt !== null)
    text += ` · resets in ${durationShort(resetAt.getTime() - now.getTime())} (${clockTime(resetAt, now)})`;
  if (w.pace !== null) {
    text +=
      w.pace.runsOutAt !== null
        ? ` · runs out ≈ ${clockTime(new Date(w.pace.runsOutAt), now)}`
        : w.pace.reservePercent >= 0
          ? ` · ${wholePercent(w.pace.reservePercent)}% in reserve`
          : ` · ${wholePercent(-w.pace.reservePercent)}% ahead of pace`;
  }
  text += w.stale
    ? ` · as of ${durationShort(now.getTime() - w.observedAt)} ago ${sourceText(w)}`
    : ` · ${sourceText(w)}`;
  return text;
}

export { sourceText };
