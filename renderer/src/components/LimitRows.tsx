import type { LimitFamily, UsageLimits, UsageWindow } from '../../../src/contract/index.js';
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

const title = (label: string): string => `${label.charAt(0).toUpperCase()}${label.slice(1)}`;

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
 * One limit window, as the reference draws it: the name and a large "% left",
 * a thin bar, then "Resets in 2h 13m · 14:05", the pace in words, and
 * "updated 23 min ago" (dimmed) when the number may be old.
 */
export function LimitRow({
  window: w,
  label,
  testId,
  now,
}: {
  window: UsageWindow | null;
  label: string;
  testId: string;
  now: number;
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
        <span className="limit-value" data-testid="left">
          {percentLeftText(w.remainingPercent)}
        </span>
      </div>
      <Bar label={`${name} limit left`} percent={w.remainingPercent} />
      <p className="sub">
        {reset !== null && <span data-testid="reset">{reset}</span>}
        {stale && (
          <span className="stale" data-testid="stale" title="Codex has not reported this limit since then">
            {updatedAgo(w.observedAt, now)}
          </span>
        )}
        <span className="source" data-testid="source">
          {sourceText(w)}
        </span>
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
  label: string;
  window: UsageWindow;
}

/** Every window of every other family, lowest first: a low one is never tucked away. */
export function otherRows(others: readonly LimitFamily[]): OtherRow[] {
  const rows: OtherRow[] = [];
  for (const f of others) {
    const name = familyName(f);
    for (const w of [f.primary, f.secondary]) {
      if (w !== null) rows.push({ key: `${f.limitId}:${w.label}`, label: `${name} ${w.label}`, window: w });
    }
  }
  return rows.sort((a, b) => a.window.remainingPercent - b.window.remainingPercent);
}

/** The limits card: the two main windows, then other families and credits in the same style. */
export function LimitRows({ limits, now }: { limits: UsageLimits; now: number }) {
  const none = limits.primary === null && limits.secondary === null && limits.others.length === 0;
  if (none && limits.credits === null) {
    return (
      <section className="card limits" aria-label="Limits" data-testid="empty-no-limits">
        <p className="hint">No limits seen yet: they appear after Codex’s next answer (API-key sessions have none).</p>
      </section>
    );
  }
  const others = otherRows(limits.others);
  return (
    <section className="card limits" aria-label="Limits">
      {!(limits.primary === null && limits.secondary === null) && (
        <>
          <LimitRow window={limits.primary} label={limits.primary?.label ?? '5h'} testId="limit-5h" now={now} />
          <LimitRow
            window={limits.secondary}
            label={limits.secondary?.label ?? 'weekly'}
            testId="limit-weekly"
            now={now}
          />
        </>
      )}
      {others.map((o) => (
        <LimitRow key={o.key} window={o.window} label={o.label} testId="limit-other" now={now} />
      ))}
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
