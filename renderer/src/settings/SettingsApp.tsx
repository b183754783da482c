import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Api } from '../../../src/contract/index.js';
import { isDirty, saveSettings, useSettingsStore, visibleErrors } from '../stores/settingsStore.js';
import { firstInvalid, tabForHash, TABS, type TabId } from './fields.js';
import { DiscordTab } from './tabs/DiscordTab.js';
import { GeneralTab } from './tabs/GeneralTab.js';
import { HistoryTab } from './tabs/HistoryTab.js';
import { LimitsTab } from './tabs/LimitsTab.js';
import { PrivacyTab } from './tabs/PrivacyTab.js';

/**
 * The settings window: four tabs of settings and one apply model, plus
 * History. Every change, launch at login included, waits for Save (or
 * Revert); errors show as you type and clear as soon as the value is valid;
 * Save takes you to the first invalid field. `#history` in the address opens History.
 */
export function SettingsApp({ api }: { api: Api }) {
  const store = useSettingsStore();
  const { draft, saving, status } = store;
  const dirty = isDirty(store);
  const errors = visibleErrors(store);
  const [tab, setTab] = useState<TabId>(() => tabForHash(window.location.hash) ?? 'discord');
  const pendingFocus = useRef<string | null>(null);
  const saveButton = useRef<HTMLButtonElement | null>(null);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  // Main opens the window (or shows the open one) at #history when a popover sparkline is activated.
  useEffect(() => {
    const follow = (): void => {
      const asked = tabForHash(window.location.hash);
      if (asked !== null) setTab(asked);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  // The address follows the tab (no navigation, no history entry), so asking for #history again
  // after the user moved to another tab is a real hash change.
  useEffect(() => {
    if (window.location.hash !== `#${tab}`) window.history.replaceState(null, '', `#${tab}`);
  }, [tab]);

  // After a tab switch for an invalid field, focus it once it is on screen.
  useEffect(() => {
    const id = pendingFocus.current;
    pendingFocus.current = null;
    if (id !== null) document.getElementById(id)?.focus();
  }, [tab]);

  if (draft === null) return <main className="settings loading">Loading settings…</main>;

  const save = async (): Promise<void> => {
    if (!dirty || saving) return;
    const invalid = await saveSettings(api);
    const first = firstInvalid(invalid);
    if (first !== null && first.tab === tab) {
      document.getElementById(first.id)?.focus();
    } else if (first !== null) {
      pendingFocus.current = first.id;
      setTab(first.tab);
    } else {
      // Focus never falls to <body>: it stays on Save, which stays focusable.
      saveButton.current?.focus();
    }
  };

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const i = TABS.findIndex(([id]) => id === tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const [next] = TABS[(i + step + TABS.length) % TABS.length] ?? TABS[0] ?? ['discord'];
    setTab(next);
    tabRefs.current[next]?.focus();
  };

  const tabErrors = (id: TabId): number => Object.keys(errors).filter((p) => firstInvalid([p])?.tab === id).length;

  return (
    <main className="settings">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <header className="settings-header">
          <h1 className="sr-only">Settings</h1>
          <div className="tabs" role="tablist" aria-label="Settings" onKeyDown={onTabKey}>
            {TABS.map(([id, label]) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`tab-${id}`}
                aria-selected={tab === id}
                aria-controls={`panel-${id}`}
                tabIndex={tab === id ? 0 : -1}
                className={tab === id ? 'tab active' : 'tab'}
                ref={(el) => void (tabRefs.current[id] = el)}
                onClick={() => setTab(id)}
              >
                {label}
                {tabErrors(id) > 0 && (
                  <span className="tab-errors" aria-label={`${tabErrors(id)} to fix`}>
                    {tabErrors(id)}
                  </span>
                )}
              </button>
            ))}
          </div>
          <div className="save-bar">
            <span className="save-status" role="status" aria-live="polite">
              {status === 'invalid' && Object.keys(errors).length > 0 ? (
                <span className="badge invalid">Fix the marked fields</span>
              ) : dirty ? (
                <span className="badge unsaved" data-testid="unsaved">
                  Unsaved changes
                </span>
              ) : status === 'saved' ? (
                <span className="badge saved" data-testid="saved">
                  Saved
                </span>
              ) : null}
              {errors._form && <span className="badge invalid">{errors._form}</span>}
            </span>
            {/* History has nothing to save; what is unsaved on the other tabs is still said. */}
            {tab !== 'history' && (
              <>
                <button type="button" onClick={store.reset} disabled={!dirty || saving}>
                  Revert
                </button>
                <button
                  type="submit"
                  className="primary"
                  ref={saveButton}
                  aria-disabled={!dirty || saving}
                  data-testid="save"
                >
                  {saving ? 'Saving…' : 'Save'}
                </button>
              </>
            )}
          </div>
        </header>
        <section
          className="settings-panel"
          role="tabpanel"
          id={`panel-${tab}`}
          aria-labelledby={`tab-${tab}`}
          data-testid={`panel-${tab}`}
        >
          {tab === 'discord' && <DiscordTab api={api} errors={errors} />}
          {tab === 'privacy' && <PrivacyTab errors={errors} />}
          {tab === 'limits' && <LimitsTab errors={errors} />}
          {tab === 'general' && <GeneralTab api={api} errors={errors} />}
          {tab === 'history' && <HistoryTab api={api} />}
        </section>
      </form>
    </main>
  );
}
