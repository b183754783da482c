import { useEffect, useState } from 'react';
import { useAppStore } from '../stores/appStore.js';
import { visibleFor } from '../privacyView.js';
import { useNow } from '../useNow.js';
import { LimitCard } from './LimitCard.js';
import { SessionRow } from './SessionRow.js';
import { UpdateButton } from './UpdateButton.js';
import type { Api, AppState, UsageSnapshot } from '../../../src/contract/index.js';

function codexLine(snapshot: UsageSnapshot): string {
  if (!snapshot.codexHome.found) return 'Codex not found';
  const n = snapshot.sessions.length;
  if (n === 0) return 'idle';
  return `${n} active session${n === 1 ? '' : 's'}`;
}

function DiscordChip({ app, api }: { app: AppState; api: Api }) {
  const state = app.paused ? 'paused' : app.discord.state;
  const reason = app.paused ? 'Presence is paused' : app.discord.reason;
  if (state === 'disabled') {
    return (
      <button type="button" className="chip chip-disabled" onClick={() => void api.openSettings()} title={reason}>
        Discord: disabled · set up
      </button>
    );
  }
  return (
    <span className={`chip chip-${state}`} title={reason} data-testid="discord-chip">
      Discord: {state}
      {state === 'error' && reason !== undefined && <span className="chip-reason"> · {reason}</span>}
    </span>
  );
}

export function Popover({ api }: { api: Api }) {
  const snapshot = useAppStore((s) => s.snapshot);
  const app = useAppStore((s) => s.app);
  const error = useAppStore((s) => s.error);
  const now = useNow();
  const [hideProject, setHideProject] = useState(true);
  useEffect(() => {
    // Privacy lives in the settings: re-read them whenever the popover comes back into view.
    const refresh = (): void => {
      api.getSettings().then(
        (s) => setHideProject(!visibleFor(s).project),
        () => undefined,
      );
    };
    refresh();
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, [api]);
  if (snapshot === null || app === null) {
    return <main className="popover loading">{error ?? 'Loading…'}</main>;
  }
  const { limits } = snapshot;
  return (
    <main className="popover">
      <header className="header">
        <div>
          <h1>Codex Presence</h1>
          <p className="codex-state" data-testid="codex-state">
            {codexLine(snapshot)}
          </p>
        </div>
        <DiscordChip app={app} api={api} />
      </header>

      {!snapshot.codexHome.found ? (
        <section className="card empty" data-testid="empty-no-home">
          <h2>Codex not found</h2>
          <p>
            Nothing at <code className="selectable">{snapshot.codexHome.path}</code>. Run <code>codex</code> once, or
            choose your Codex home in Settings.
          </p>
          <button type="button" onClick={() => void api.openSettings()}>
            Open Settings
          </button>
        </section>
      ) : (
        <>
          {limits.primary === null && limits.secondary === null && (
            <p className="hint" data-testid="empty-no-limits">
              No limits seen yet: they appear after Codex’s next answer (API-key sessions have none).
            </p>
          )}
          <div className="limits">
            <LimitCard window={limits.primary} fallback="5h" now={now} />
            <LimitCard window={limits.secondary} fallback="weekly" now={now} />
          </div>
          {(limits.others.length > 0 || limits.credits !== null) && (
            <details className="card others">
              <summary>
                Other limits{limits.others.length > 0 ? ` (${limits.others.length})` : ''}
                {limits.credits !== null ? ' · credits' : ''}
              </summary>
              <ul>
                {limits.others.map((o) => (
                  <li key={o.limitId}>
                    <strong>{o.limitName ?? o.limitId}</strong>{' '}
                    {[o.primary, o.secondary]
                      .filter((w) => w !== null)
                      .map((w) => `${w.label} ${Math.round(w.remainingPercent)}% left`)
                      .join(' · ')}
                  </li>
                ))}
                {limits.credits !== null && (
                  <li data-testid="credits">
                    Credits:{' '}
                    {limits.credits.unlimited
                      ? 'unlimited'
                      : limits.credits.hasCredits
                        ? (limits.credits.balance ?? 'available')
                        : 'none'}
                  </li>
                )}
              </ul>
            </details>
          )}
          <section className="sessions-section" aria-label="Sessions">
            <h2 className="section-title">Sessions</h2>
            {snapshot.sessions.length === 0 ? (
              <p className="hint" data-testid="empty-no-sessions">
                No active Codex session. Start <code>codex</code> in a terminal and it appears here.
              </p>
            ) : (
              <ul className="sessions" data-testid="sessions">
                {snapshot.sessions.map((s) => (
                  <SessionRow
                    key={s.id}
                    session={s}
                    current={s.id === snapshot.current}
                    now={now}
                    projectHidden={hideProject}
                  />
                ))}
              </ul>
            )}
          </section>
        </>
      )}

      <footer className="footer">
        <label className="switch">
          <input type="checkbox" checked={app.paused} onChange={(e) => void api.setPaused(e.target.checked)} />
          <span>Pause presence</span>
        </label>
        <div className="footer-buttons">
          <UpdateButton app={app} api={api} />
          <button type="button" onClick={() => void api.openSettings()}>
            Settings
          </button>
          <button type="button" onClick={() => void api.quit()}>
            Quit
          </button>
        </div>
      </footer>
    </main>
  );
}
