import type { HistoryWindow, LimitFamily, UsageLimits, UsageWindow } from '../../../src/contract/index.js';
import {
  creditsText,
  familyName,
  levelFor,
  paceText,
  percentLeftText,
  resetText,
  sourceText,
  updatedAgo,
} from '../../../src/format/presentation.js';
import { mainWindows } from '../../../src/usage/shownWindows.js';
import { currentWindow } from '../history/series.js';
import { Sparkline } from './Sparkline.js';

const capital = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
const title = capital;

/** A 6 px bar of what is left; unknown keeps the track visible and has no value. */
function Bar({ label, percent }: { label: string; percent: number | null }) {
  return (
    <div
      className={percent === null ? 'bar unknown' : 'bar'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent === null ? undefined : Math.round(percent)}
      aria-valuetext={percent === null ? 'unknown' : percentLeftText(percent)}
    >
      <div className="fill" style={{ width: `${percent ?? 0}%` }} />
    </div>
  );
}

/**
 * One limit window, on the same grid as every other row: the name and a
 * large "% left", a thin bar, then "Resets in 2h 13m · 14:05" at the left and
 * "updated 23 min ago" (when the number may be old: the number and the bar
 * dim) always at the right, then the pace in words. The source is said here
 * only when the rows do not all share it (`showSource`). With recorded
 * history, a sparkline of the window so far sits before the number.
 */
export function LimitRow({
  window: w,
  label,
  testId,
  now,
  history = null,
  onOpenHistory,
  showSource = true,
}: {
  window: UsageWindow | null;
  label: string;
  testId: string;
  now: number;
  history?: HistoryWindow | null;
  onOpenHistory?: () => void;
  showSource?: boolean;
}) {
  const name = title(label);
  if (w === null) {
    return (
      <div className="limit-row tone-unknown" data-testid={testId}>
        <div className="limit-head">
          <h3>{name}</h3>
          <span className="limit-value muted" data-testid="left">
            unknown
          </span>
        </div>
        <Bar label={`${name} limit left`} percent={null} />
      </div>
    );
  }
  const stale = w.stale && !w.rolledOver;
  const reset = resetText(w, now);
  const pace = paceText(w, now);
  return (
    <div className={`limit-row tone-${levelFor(w.remainingPercent)}${stale ? ' is-stale' : ''}`} data-testid={testId}>
      <div className="limit-head">
        <h3>{name}</h3>
        {history !== null && onOpenHistory !== undefined && (
          <Sparkline window={history} name={name} now={now} onOpen={onOpenHistory} />
        )}
        <span className="limit-value" data-testid="left">
          {percentLeftText(w.remainingPercent)}
        </span>
      </div>
      <Bar label={`${name} limit left`} percent={w.remainingPercent} />
      <p className="sub">
        <span className="sub-start">
          {reset !== null && <span data-testid="reset">{reset}</span>}
          {showSource && reset !== null && ' · '}
          {showSource && (
            <span className="source" data-testid="source">
              {sourceText(w)}
            </span>
          )}
        </span>
        {stale && (
          <span className="stale" data-testid="stale" title="Codex has not reported this limit since then">
            {updatedAgo(w.observedAt, now)}
          </span>
        )}
      </p>
      {pace !== null && (
        <p className={`pace pace-${pace.tone}`} data-testid="pace">
          {pace.text}
        </p>
      )}
    </div>
  );
}

interface OtherRow {
  key: string;
  limitId: string;
  kind: HistoryWindow['kind'];
  label: string;
  window: UsageWindow;
}

/** Every window of every other family, lowest first: a low one is never tucked away. */
export function otherRows(others: readonly LimitFamily[]): OtherRow[] {
  const rows: OtherRow[] = [];
  for (const f of others) {
    const name = familyName(f);
    for (const [kind, w] of [
      ['primary', f.primary],
      ['secondary', f.secondary],
    ] as const) {
      if (w !== null)
        rows.push({ key: `${f.limitId}:${w.label}`, limitId: f.limitId, kind, label: `${name} ${w.label}`, window: w });
    }
  }
  return rows.sort((a, b) => a.window.remainingPercent - b.window.remainingPercent);
}

/** The main family's id in history (Codex's `limit_id` for the plan's own limits). */
const MAIN_LIMIT_ID = 'codex';

/**
 * The limits card: the main windows the account has (`mainWindows`, the rule
 * the terminal and the tray follow: a weekly-only account has one Weekly row,
 * and only a main family with no window at all has one "5h unknown" row), then
 * other families and credits in the same style. A row's test id is its label
 * (`limit-5h`, `limit-weekly`, `limit-monthly`).
 */
export function LimitRows({
  limits,
  now,
  history = [],
  onOpenHistory,
}: {
  limits: UsageLimits;
  now: number;
  /** Recorded windows (history's current ones feed the sparklines); none draws no sparkline. */
  history?: readonly HistoryWindow[];
  onOpenHistory?: () => void;
}) {
  const spark = (limitId: string, kind: HistoryWindow['kind']) => ({
    history: currentWindow(history, limitId, kind),
    onOpenHistory,
  });
  const none = limits.primary === null && limits.secondary === null && limits.others.length === 0;
  if (none && limits.credits === null) {
    return (
      <section className="card limits" aria-label="Limits" data-testid="empty-no-limits">
        <p className="hint">No limits seen yet: they appear after Codex’s next answer (API-key sessions have none).</p>
      </section>
    );
  }
  const others = otherRows(limits.others);
  const windows = [limits.primary, limits.secondary, ...others.map((o) => o.window)].filter(
    (w): w is UsageWindow => w !== null,
  );
  // One source for the whole group is said once, under the rows; mixed sources are said on each row.
  const shared = windows.length > 0 && windows.every((w) => w.source === windows[0]?.source) ? windows[0] : undefined;
  const showSource = shared === undefined;
  return (
    <section className="card limits" aria-label="Limits">
      <h2 className="sr-only">Limits</h2>
      {mainWindows(limits).map(({ label, window: w }) => {
        const kind = w !== null && w === limits.secondary ? 'secondary' : 'primary';
        return (
          <LimitRow
            key={kind}
            window={w}
            label={label}
            testId={`limit-${label.replace(/\s+/g, '-')}`}
            now={now}
            showSource={showSource}
            {...spark(MAIN_LIMIT_ID, kind)}
          />
        );
      })}
      {others.map((o) => (
        <LimitRow
          key={o.key}
          window={o.window}
          label={o.label}
          testId="limit-other"
          now={now}
          showSource={showSource}
          {...spark(o.limitId, o.kind)}
        />
      ))}
      {shared !== undefined && (
        <p className="limits-source" data-testid="limits-source">
          {capital(sourceText(shared))}
        </p>
      )}
      {limits.credits !== null && (
        <div className="limit-row credits" data-testid="credits">
          <div className="limit-head">
            <h3>Credits</h3>
            <span className="limit-value">{creditsText(limits.credits)}</span>
          </div>
        </div>
      )}
    </section>
  );
}
