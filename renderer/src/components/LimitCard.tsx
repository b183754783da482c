import type { UsageWindow } from '../../../src/contract/index.js';
import { clockTime, durationShort, wholePercent } from '../../../src/format/numbers.js';

export function level(remaining: number): 'normal' | 'warning' | 'critical' {
  if (remaining < 5) return 'critical';
  if (remaining < 20) return 'warning';
  return 'normal';
}

/** A bar of what is left, as a progressbar; a null `percent` is unknown (no value, empty bar). */
function Bar({ label, percent, valueNow }: { label: string; percent: number | null; valueNow?: number }) {
  return (
    <div
      className={percent === null ? 'bar unknown' : 'bar'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent === null ? undefined : valueNow}
      aria-valuetext={percent === null ? 'unknown' : `${valueNow ?? Math.round(percent)}% left`}
    >
      <div className="fill" style={{ width: `${percent ?? 0}%` }} />
    </div>
  );
}

function title(label: string): string {
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
}

/** One limit window: what is left, when it resets, pace, and staleness. Unknown is never shown as 100 %. */
export function LimitCard({ window: w, fallback, now }: { window: UsageWindow | null; fallback: string; now: number }) {
  const label = w?.label ?? fallback;
  if (w === null) {
    return (
      <section className="card limit" data-testid={`limit-${fallback}`} aria-label={`${title(label)} limit`}>
        <div className="limit-head">
          <h2>{title(label)}</h2>
          <span className="limit-value muted">unknown</span>
        </div>
        <Bar label={`${title(label)} limit left`} percent={null} />
        <p className="sub muted">No limit data from Codex yet.</p>
      </section>
    );
  }
  const left = wholePercent(w.remainingPercent);
  const tone = level(w.remainingPercent);
  const nowDate = new Date(now);
  const reset = w.resetsAt === null ? null : new Date(w.resetsAt);
  let resetText: string | null = null;
  if (w.rolledOver && reset !== null) resetText = `reset at ${clockTime(reset, nowDate)} · 100% left`;
  else if (reset !== null)
    resetText = `resets in ${durationShort(reset.getTime() - now)} · ${clockTime(reset, nowDate)}`;
  let paceText: string | null = null;
  if (w.pace !== null) {
    if (w.pace.runsOutAt !== null) paceText = `runs out ≈ ${clockTime(new Date(w.pace.runsOutAt), nowDate)}`;
    else if (w.pace.reservePercent >= 0) paceText = `${wholePercent(w.pace.reservePercent)}% in reserve`;
    else paceText = `${wholePercent(-w.pace.reservePercent)}% ahead of pace`;
  }
  const ageMin = Math.floor((now - Date.parse(w.observedAt)) / 60_000);
  return (
    <section
      className={`card limit tone-${tone}`}
      data-testid={`limit-${fallback}`}
      aria-label={`${title(label)} limit`}
    >
      <div className="limit-head">
        <h2>{title(label)}</h2>
        <span className="limit-value" data-testid="left">
          {left}% left
        </span>
      </div>
      <Bar label={`${title(label)} limit left`} percent={w.remainingPercent} valueNow={left} />
      <p className="sub">
        {resetText !== null && <span data-testid="reset">{resetText}</span>}
        {paceText !== null && !w.rolledOver && (
          <span className="pace" data-testid="pace">
            {paceText}
          </span>
        )}
        {w.stale && !w.rolledOver && (
          <span className="badge stale" data-testid="stale" title="Codex has not reported limits since then">
            as of {ageMin < 60 ? `${ageMin} min` : durationShort(now - Date.parse(w.observedAt))} ago
          </span>
        )}
        <span className="muted" data-testid="source">
          {w.source === 'account' ? 'from your account' : 'from your last session'}
        </span>
      </p>
    </section>
  );
}
