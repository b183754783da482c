import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Api } from '../../../src/contract/index.js';
import { liveSessionsText } from '../../../src/format/presentation.js';
import { cardLeavesOut, notSharedReason } from '../presenceView.js';
import { useAppStore } from '../stores/appStore.js';
import { useHistoryStore } from '../stores/historyStore.js';
import { usePopoverSizing } from '../usePopoverSizing.js';
import { useNow } from '../useNow.js';
import { DiscordIdleNote, DiscordRow, discordView, LiveBadge } from './DiscordStatus.js';
import { LimitRows } from './LimitRows.js';
import { SessionRow } from './SessionRow.js';
import { TodayLine } from './TodayLine.js';
import { UpdateButton } from './UpdateButton.js';

/**
 * Where focus starts when the popover opens: the first actionable control (a
 * session row is none: it opens nothing), but never a sparkline (a shortcut,
 * not a task).
 */
const FIRST_FOCUS =
  'button:not([disabled]):not(.spark), [href], input:not([disabled]), select, textarea, [tabindex="0"]';

/**
 * Focus put there on opening is quiet: the popover opens from a click on the
 * tray, and a ring on its first control would read as "selected". The ring
 * (`:focus-visible`) shows from the first key press on, as soon as the
 * keyboard is in use.
 */
function focusQuietly(el: HTMLElement): void {
  el.classList.add('quiet-focus');
  el.focus({ focusVisible: false } as FocusOptions);
  const loud = (): void => {
    el.classList.remove('quiet-focus');
    window.removeEventListener('keydown', loud, true);
    el.removeEventListener('blur', loud);
  };
  window.addEventListener('keydown', loud, true);
  el.addEventListener('blur', loud);
}

/** Escape closes the popover; each time it opens, focus goes to its first control. */
function useKeyboard(api: Api, page: React.RefObject<HTMLElement | null>, ready: boolean): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.preventDefault();
        void api.closePopover();
      }
    };
    const focusFirst = (): void => {
      const active = document.activeElement;
      if (active !== null && active !== document.body && page.current?.contains(active)) return;
      const first = page.current?.querySelector<HTMLElement>(FIRST_FOCUS);
      if (first != null) focusQuietly(first);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('focus', focusFirst);
    // Once the content is there (effects run after it is in the DOM), its first control takes focus.
    if (ready) focusFirst();
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('focus', focusFirst);
    };
  }, [api, page, ready]);
}

/** Says a Discord status change once, politely (not on first render). */
function useAnnouncement(text: string | null): string {
  const [said, setSaid] = useState('');
  const first = useRef<string | null>(null);
  useEffect(() => {
    if (text === null) return;
    if (first.current === null) {
      first.current = text;
      return;
    }
    setSaid(text);
  }, [text]);
  return said;
}

function Shell({
  api,
  children,
  badge,
  status,
  pageRef,
  scrollRef,
  contentRef,
  footer,
  note,
}: {
  api: Api;
  children: ReactNode;
  badge?: ReactNode;
  status?: string;
  pageRef: React.RefObject<HTMLElement | null>;
  scrollRef: React.RefObject<HTMLDivElement | null>;
  contentRef: React.RefObject<HTMLDivElement | null>;
  footer: ReactNode;
  /** Quiet lines above the footer's controls (Discord idle); the place for more such lines. */
  note?: ReactNode;
}) {
  const app = useAppStore((st) => st.app);
  return (
    <main className="popover" ref={pageRef}>
      <header className="header">
        <div className="title">
          <h1>Codex Discord Presence</h1>
          {status !== undefined && (
            <p className="codex-state" data-testid="codex-state">
              {status}
            </p>
          )}
        </div>
        {badge}
      </header>
      <div className="scroll" ref={scrollRef}>
        <div className="scroll-content" ref={contentRef}>
          {children}
        </div>
      </div>
      <footer className="footer">
        {note}
        <div className="footer-row">
          {footer}
          <div className="footer-buttons">
            {app !== null && <UpdateButton app={app} api={api} />}
            <button type="button" onClick={() => void api.openSettings()}>
              Settings
            </button>
            <button type="button" onClick={() => void api.quit()}>
              Quit
            </button>
          </div>
        </div>
      </footer>
    </main>
  );
}

/** Where Codex's install guide lives (an allowed origin of openExternal, main/ipcGuard.ts). */
const INSTALL_CODEX = 'https://github.com/openai/codex#quickstart';

/** Codex not found: the first thing to fix, so it comes first, with its own actions. */
function NoCodexHome({ api, path }: { api: Api; path: string }) {
  return (
    <section className="card empty" data-testid="empty-no-home" aria-labelledby="no-home-title">
      <h2 id="no-home-title">Codex not found</h2>
      <p>
        Nothing at <code className="selectable">{path}</code>. Run <code>codex</code> once, or choose the folder Codex
        uses.
      </p>
      <div className="row-actions">
        <button type="button" className="primary" onClick={() => void api.openSettings('general')}>
          Choose Codex folder…
        </button>
        <button type="button" onClick={() => void api.openExternal(INSTALL_CODEX)}>
          How to install Codex
        </button>
      </div>
    </section>
  );
}

export function Popover({ api }: { api: Api }) {
  const snapshot = useAppStore((s) => s.snapshot);
  const app = useAppStore((s) => s.app);
  const settings = useAppStore((s) => s.settings);
  const error = useAppStore((s) => s.error);
  const historyWindows = useHistoryStore((s) => s.view?.windows);
  const openHistory = useCallback(() => void api.openHistory().catch(() => undefined), [api]);
  const now = useNow();
  const pageRef = useRef<HTMLElement | null>(null);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const contentRef = useRef<HTMLDivElement | null>(null);
  const ask = useCallback((h: number) => void api.resizePopover(h).catch(() => undefined), [api]);
  usePopoverSizing(pageRef, scrollRef, contentRef, ask);
  useKeyboard(api, pageRef, snapshot !== null && app !== null);
  const switchedOff = settings?.discordEnabled === false;
  const announcement = useAnnouncement(app === null ? null : discordView(app, switchedOff).text);
  const refs = { pageRef, scrollRef, contentRef };

  if (snapshot === null || app === null) {
    return (
      <Shell api={api} {...refs} footer={<span />}>
        {error === null ? (
          <p className="hint">Loading…</p>
        ) : (
          <section className="discord-row tone-error" data-testid="bridge-error">
            <p className="discord-reason">
              The app’s core is not answering. Retry; if it keeps failing, quit and start the app again.
            </p>
            <p className="hint selectable">{error.replace(/^Error invoking remote method '[^']+': /, '')}</p>
            <div className="row-actions">
              <button type="button" onClick={() => window.location.reload()}>
                Retry
              </button>
            </div>
          </section>
        )}
      </Shell>
    );
  }

  // The publisher's own pick (main sends it): the popover never picks again.
  const onDiscord = app.published ? app.shownSessionId : null;
  const leavesOut = cardLeavesOut(settings);
  const footer = (
    <label className="switch">
      <input type="checkbox" checked={app.paused} onChange={(e) => void api.setPaused(e.target.checked)} />
      <span>Pause presence</span>
    </label>
  );
  return (
    <Shell
      api={api}
      {...refs}
      status={snapshot.codexHome.found ? liveSessionsText(snapshot.sessions) : undefined}
      badge={<LiveBadge app={app} switchedOff={switchedOff} />}
      footer={footer}
      note={
        <>
          {snapshot.codexHome.found && <TodayLine today={app.today} cost={snapshot.cost} />}
          <DiscordIdleNote app={app} switchedOff={switchedOff} />
        </>
      }
    >
      <p className="sr-only" role="status" aria-live="polite" data-testid="announce">
        {announcement}
      </p>
      {!snapshot.codexHome.found ? (
        <>
          <NoCodexHome api={api} path={snapshot.codexHome.path} />
          <DiscordRow app={app} api={api} switchedOff={switchedOff} />
        </>
      ) : (
        <>
          <DiscordRow app={app} api={api} switchedOff={switchedOff} />
          <LimitRows limits={snapshot.limits} now={now} history={historyWindows} onOpenHistory={openHistory} />
          <section className="sessions-section" aria-labelledby="sessions-title">
            <h2 className="section-title" id="sessions-title">
              Sessions
            </h2>
            {snapshot.sessions.length === 0 ? (
              <p className="hint" data-testid="empty-no-sessions">
                Start <code>codex</code> in a terminal and it appears here.
              </p>
            ) : (
              <ul className="sessions" data-testid="sessions">
                {snapshot.sessions.map((s) => (
                  <SessionRow
                    key={s.id}
                    session={s}
                    onDiscord={s.id === onDiscord}
                    notShared={notSharedReason(s, settings)}
                    now={now}
                    cost={snapshot.cost}
                  />
                ))}
              </ul>
            )}
            {leavesOut !== null && snapshot.sessions.length > 0 && (
              <p className="hint card-note" data-testid="card-leaves-out">
                {leavesOut}
              </p>
            )}
          </section>
        </>
      )}
    </Shell>
  );
}
