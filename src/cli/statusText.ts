import { CODEX_MISSING_HINT } from '../codex/findCodex.js';
import { clockTime, durationShort, tokenTriplet, unicodeBar, wholePercent } from '../format/numbers.js';
import { sourceText } from '../format/presentation.js';
import type { InstanceInfo } from '../instance/instanceFile.js';
import { MAX_OTHER_FAMILIES } from '../usage/limitStore.js';
import type { CodexSessionSnapshot, UsageSnapshot, UsageWindow } from '../usage/types.js';

export interface StatusExtras {
  publisher: Omit<InstanceInfo, 'cmdline'> | null;
  configPath: string;
}

/** The human-readable `status`: aligned rows, remaining-limit bars like Codex's /status. */
export function formatStatus(snapshot: UsageSnapshot, now: Date, extras?: StatusExtras): string {
  const rows: Array<[string, string]> = [];
  const home = snapshot.codexHome;
  if (!home.found) {
    return [
      `Codex home   ${home.path} — not found`,
      '',
      'Codex has not written any sessions here yet. Run `codex` once, or point to',
      'your Codex home with --codex-home DIR or the CODEX_HOME environment variable.',
    ].join('\n');
  }
  rows.push(['Codex home', home.sessionsDirFound ? home.path : `${home.path} (no sessions folder yet)`]);
  const { primary, secondary } = snapshot.limits;
  rows.push([limitName(primary, '5h'), windowText(primary, now)]);
  rows.push([limitName(secondary, 'weekly'), windowText(secondary, now)]);
  for (const family of snapshot.limits.others) {
    const label = family.limitName ?? family.limitId;
    if (family.primary !== null) rows.push([`${label} ${family.primary.label}`, windowText(family.primary, now)]);
    if (family.secondary !== null) rows.push([`${label} ${family.secondary.label}`, windowText(family.secondary, now)]);
  }
  const credits = snapshot.limits.credits;
  if (credits !== null) {
    rows.push(['Credits', credits.unlimited ? 'unlimited' : credits.hasCredits ? (credits.balance ?? 'yes') : 'none']);
  }
  if (snapshot.limits.planType !== null) rows.push(['Plan', snapshot.limits.planType]);
  const accountError = snapshot.limits.accountError;
  // Codex simply not being installed is not news here; `doctor` explains it.
  if (accountError !== null && !accountError.endsWith(CODEX_MISSING_HINT))
    rows.push(['Account', `could not ask Codex: ${accountError}`]);
  if (extras !== undefined) {
    const p = extras.publisher;
    rows.push([
      'Publisher',
      p === null
        ? 'none running (start the tray app, or `codex-discord-presence run`)'
        : `${p.kind === 'gui' ? 'tray app' : p.kind === 'wrapper' ? 'codex wrapper' : 'headless run'} · pid ${p.pid} · since ${clockTime(new Date(p.startedAt), now)}`,
    ]);
    if (p !== null)
      rows.push([
        'Discord',
        p.discord === undefined ? 'unknown' : `${p.discord.state}${p.discord.reason ? ` (${p.discord.reason})` : ''}`,
      ]);
    rows.push(['Config', extras.configPath]);
  }
  const count = snapshot.sessions.length;
  rows.push(['Sessions', count === 0 ? 'no active sessions' : `${count} active`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const s of snapshot.sessions) lines.push(sessionLine(s, s.id === snapshot.current, now));
  const d = snapshot.diagnostics;
  const skipped = d.malformedLines + d.invalidUtf8Lines + d.oversizedLines;
  const notes: string[] = [];
  if (skipped > 0) notes.push(`${skipped} unreadable line(s) were skipped; run \`doctor\` for details.`);
  if (d.suspiciousLines > 0)
    notes.push(`${d.suspiciousLines} line(s) had out-of-range values, shown as unknown; run \`doctor\` for details.`);
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
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}

function limitName(w: UsageWindow | null, fallback: string): string {
  const label = w?.label ?? fallback;
  return `${label.charAt(0).toUpperCase()}${label.slice(1)} limit`;
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
    ? ` · as of ${durationShort(now.getTime() - Date.parse(w.observedAt))} ago ${sourceText(w)}`
    : ` · ${sourceText(w)}`;
  return text;
}

/** Where the figures came from, as the as-of text says it (issue 12 §3). */
function sessionLine(s: CodexSessionSnapshot, current: boolean, now: Date): string {
  const marker = current ? '▶' : ' ';
  const where = [s.project ?? 'unknown project', s.branch === null ? null : `(${s.branch})`].filter(Boolean).join(' ');
  const elapsed = s.startedAt === null ? '' : ` · ${durationShort(now.getTime() - Date.parse(s.startedAt))}`;
  const context = s.context.percentLeft === null ? '' : ` · context ${s.context.percentLeft}% left`;
  return `  ${marker} ${where} · ${s.model ?? 'model ?'} · ${s.status}${elapsed}\n      ${tokenTriplet(s.tokens)}${context}`;
}

export { sourceText };
