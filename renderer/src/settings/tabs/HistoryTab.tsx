import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type {
  Api,
  BackfillState,
  CostBasis,
  HistorySession,
  HistoryView,
  HistoryWindow,
} from '../../../../src/contract/index.js';
import { basisTitle, costPhrase, pricesAsOfText, unpricedText } from '../../../../src/format/cost.js';
import { compactNumber } from '../../../../src/format/numbers.js';
import { familyName } from '../../../../src/format/presentation.js';
import { BurnDownChart } from '../../history/BurnDownChart.js';
import { DayBars } from '../../history/DayBars.js';
import { DayCostBars } from '../../history/DayCostBars.js';
import { dayLabel, fullNumber, groupWindows, hasThumbnail, type WindowGroup } from '../../history/series.js';
import { WindowMultiples } from '../../history/WindowMultiples.js';
import { connectHistory, pullHistory, useHistoryStore } from '../../stores/historyStore.js';
import { useNow } from '../../useNow.js';

/** The ranges the day chart offers (the contract allows 1 to 400). */
export const RANGES = [7, 30, 90] as const;

const capital = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

/** `5h window`, `Weekly window`, `Gpt-5.5-mini 5h window` for another family. */
function windowTitle(w: Pick<HistoryWindow, 'limitId' | 'limitName' | 'label'>): string {
  return w.limitId === 'codex' ? `${capital(w.label)} window` : `${familyName(w)} ${w.label} window`;
}

function Backfill({ state }: { state: BackfillState }) {
  if (state.phase === 'running') {
    const pct = state.filesTotal > 0 ? Math.round((state.filesDone / state.filesTotal) * 100) : 0;
    return (
      <section className="card backfill" data-testid="backfill">
        <p>
          Building history from your Codex logs: {fullNumber(state.filesDone)} of {fullNumber(state.filesTotal)} files.
          Live limits keep updating meanwhile.
        </p>
        <progress
          max={Math.max(1, state.filesTotal)}
          value={state.filesDone}
          aria-label="History backfill"
          aria-valuetext={`${pct}%, ${state.filesDone} of ${state.filesTotal} files`}
        />
      </section>
    );
  }
  if (state.phase === 'error') {
    return (
      <section className="card backfill tone-error" role="alert" data-testid="backfill-error">
        <p>Building history from your Codex logs stopped: {state.message ?? 'unknown error'}</p>
        <p className="hint">What is recorded from now on still shows here.</p>
      </section>
    );
  }
  return null;
}

function TopSessions({ sessions, day }: { sessions: readonly HistorySession[]; day: string | null }) {
  const title = day === null ? 'Top sessions' : `Top sessions on ${dayLabel(day)}`;
  return (
    <section className="history-section" aria-labelledby="top-sessions-title" data-testid="top-sessions">
      <h2 className="section-title" id="top-sessions-title">
        {title}
      </h2>
      {sessions.length === 0 ? (
        <p className="hint">No Codex session used tokens that day.</p>
      ) : (
        <table className="data-table sessions-table">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Model</th>
              <th scope="col" className="num">
                Tokens
              </th>
              <th scope="col" className="num">
                Cached input
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td className={s.project === null ? 'muted' : undefined}>{s.project ?? 'No project'}</td>
                <td>{s.model ?? '—'}</td>
                <td className="num" title={fullNumber(s.tokens)}>
                  {compactNumber(s.tokens)}
                </td>
                <td className="num" title={fullNumber(s.cachedInput)}>
                  {compactNumber(s.cachedInput)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The per-day chart's two views (issue 24 §1): tokens stacked by project, or what they cost. */
type DayMetric = 'tokens' | 'cost';

/**
 * Under the cost view: the range's total and the prices' date,
 * `API-equivalent value ≈ $1.23 over the last 30 days at API prices as of 2026-09-23.`
 */
function CostTotal({ cost, days }: { cost: HistoryView['cost']; days: number }) {
  const missing = unpricedText(cost.total);
  return (
    <p className="hint cost-total" data-testid="cost-total">
      {capital(costPhrase(cost.total, cost.basis))} over the last {days} days
      {missing === null ? '' : ` (${missing})`} at {pricesAsOfText(cost.pricesAsOf)}.
      {cost.basis === 'apiEquivalent'
        ? ' Your plan is not billed per token: this is what the tokens would cost on an API key.'
        : ''}
    </p>
  );
}

const NOT_YET: WindowGroup[] = [];

/**
 * The past windows: hundreds of readings each, below the current windows.
 * Read ahead (the window was idle on another tab), they are drawn at once;
 * otherwise right after History's first paint (a deferred, interruptible
 * render), so the current windows and the day bars show without waiting for
 * them (issue 15 §3: History renders in ≤ 100 ms).
 */
function PastWindows({ groups, basis }: { groups: WindowGroup[]; basis: CostBasis }) {
  const deferred = useDeferredValue(groups, NOT_YET);
  const drawn = groups.every((g) => g.past.every(hasThumbnail)) ? groups : deferred;
  const pending = drawn === NOT_YET;
  return (
    <section className="history-section" aria-labelledby="past-title">
      <h2 className="section-title" id="past-title">
        Past windows
      </h2>
      {(pending ? groups : drawn).map((g) => (
        <WindowMultiples
          key={g.key}
          title={g.past.length === 1 ? `Last ${windowTitle(g)}` : `Last ${g.past.length} · ${windowTitle(g)}s`}
          windows={g.past}
          basis={basis}
          pending={pending}
        />
      ))}
    </section>
  );
}

/** "Clear history", confirmed in an in-app dialog (modal: focus stays in it; Escape cancels). */
function ClearHistory({ api }: { api: Api }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement | null>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d === null) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const clear = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.clearHistory();
      setFailed(null);
      setOpen(false);
      await pullHistory(api, useHistoryStore.getState().query);
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="history-section clear-history">
      <div>
        <h2 className="section-title">Recorded history</h2>
        <p className="hint">
          Kept on this computer only (400 days at most), never sent to Discord. Ignored projects are not recorded.
        </p>
      </div>
      <button type="button" className="danger" onClick={() => setOpen(true)} data-testid="clear-history">
        Clear history…
      </button>
      <dialog
        ref={dialog}
        className="confirm"
        aria-labelledby="clear-title"
        aria-describedby="clear-text"
        onClose={() => setOpen(false)}
        data-testid="clear-dialog"
      >
        <h2 id="clear-title">Clear all history?</h2>
        <p id="clear-text">
          This deletes every recorded limit reading and token count on this computer. It cannot be undone. Codex’s own
          logs are not touched.
        </p>
        {failed !== null && (
          <p className="field-error" role="alert">
            {failed}
          </p>
        )}
        <div className="dialog-buttons">
          {/* First in the dialog, so showModal focuses it: Cancel is the safe choice. */}
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void clear()}>
            {busy ? 'Clearing…' : 'Clear history'}
          </button>
        </div>
      </dialog>
    </section>
  );
}

/**
 * History (issue 15): where the limits went and what used the tokens, from
 * what main recorded. Pulled when the tab opens, pulled again on every
 * `historyChanged`; the range and the selected day are re-queries.
 */
export function HistoryTab({ api }: { api: Api }) {
  const view = useHistoryStore((s) => s.view);
  const query = useHistoryStore((s) => s.query);
  const error = useHistoryStore((s) => s.error);
  const now = useNow();
  const [metric, setMetric] = useState<DayMetric>('tokens');
  useEffect(() => connectHistory(api, useHistoryStore.getState().query), [api]);
  const groups = useMemo(() => groupWindows(view?.windows ?? []), [view]);
  const past = useMemo(() => groups.filter((g) => g.past.length > 0), [groups]);

  if (view === null) {
    return error === null ? (
      <p className="hint">Loading history…</p>
    ) : (
      <section className="card backfill tone-error" role="alert" data-testid="history-error">
        <p>History could not be loaded: {error.replace(/^Error invoking remote method '[^']+': /, '')}</p>
        <button type="button" onClick={() => void pullHistory(api, query)}>
          Retry
        </button>
      </section>
    );
  }

  const days = view.days;
  const selected = query.day ?? days.at(-1)?.day ?? null;
  const current = groups.flatMap((g) => (g.current === null ? [] : [g.current]));
  const anyTokens = days.some((d) => d.tokens > 0);
  const setRange = (n: number): void => {
    const at = days.findIndex((d) => d.day === query.day);
    // Keep the selected day when the new range still holds it.
    const keep = query.day !== undefined && at >= 0 && at >= days.length - n;
    void pullHistory(api, keep ? { days: n, day: query.day } : { days: n });
  };
  const selectDay = (day: string): void => void pullHistory(api, { days: query.days, day });

  return (
    <div className="history" data-testid="history">
      <Backfill state={view.backfill} />
      {error !== null && (
        <p className="field-error" role="alert">
          History could not be refreshed: {error.replace(/^Error invoking remote method '[^']+': /, '')}
        </p>
      )}
      {current.length === 0 && past.length === 0 && !anyTokens ? (
        <section className="card empty" data-testid="history-empty">
          <h2>No history yet</h2>
          <p>
            Limits and token use are recorded as Codex reports them
            {view.backfill.phase === 'running' ? ', and from your existing logs as the backfill reads them' : ''}. Use{' '}
            <code>codex</code> and this fills in.
          </p>
        </section>
      ) : (
        <>
          <section className="history-section" aria-labelledby="burn-title">
            <h2 className="section-title" id="burn-title">
              Current windows
            </h2>
            {current.length === 0 ? (
              <p className="hint">No limit readings in the current windows yet.</p>
            ) : (
              <div className="burn-grid">
                {current.map((w) => (
                  <BurnDownChart
                    key={`${w.limitId}:${w.kind}`}
                    window={w}
                    title={windowTitle(w)}
                    now={now}
                    basis={view.cost.basis}
                  />
                ))}
              </div>
            )}
          </section>
          {past.length > 0 && <PastWindows groups={past} basis={view.cost.basis} />}
          <section className="history-section" aria-labelledby="days-title">
            <div className="section-head">
              <h2 className="section-title" id="days-title">
                {metric === 'tokens' ? 'Tokens per day' : `${basisTitle(view.cost.basis)} per day`}
              </h2>
              <div className="segmented" role="radiogroup" aria-label="Chart shows">
                {(['tokens', 'cost'] as const).map((m) => (
                  <label key={m} className={metric === m ? 'active' : undefined}>
                    <input
                      type="radio"
                      name="history-metric"
                      value={m}
                      checked={metric === m}
                      onChange={() => setMetric(m)}
                    />
                    {m === 'tokens' ? 'Tokens' : 'Cost'}
                  </label>
                ))}
              </div>
              <div className="segmented" role="radiogroup" aria-label="Days shown">
                {RANGES.map((n) => (
                  <label key={n} className={query.days === n ? 'active' : undefined}>
                    <input
                      type="radio"
                      name="history-range"
                      value={n}
                      checked={query.days === n}
                      onChange={() => setRange(n)}
                    />
                    {n} days
                  </label>
                ))}
              </div>
            </div>
            {anyTokens && metric === 'cost' ? (
              <>
                <DayCostBars days={days} basis={view.cost.basis} selected={selected} onSelect={selectDay} />
                <CostTotal cost={view.cost} days={query.days} />
              </>
            ) : anyTokens ? (
              <DayBars days={days} selected={selected} onSelect={selectDay} />
            ) : (
              <p className="hint" data-testid="no-tokens">
                No token use recorded in the last {query.days} days.
              </p>
            )}
          </section>
          <TopSessions sessions={view.topSessions} day={selected} />
        </>
      )}
      <ClearHistory api={api} />
    </div>
  );
}
