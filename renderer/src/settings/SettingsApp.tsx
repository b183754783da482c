import { useEffect, useState } from 'react';
import type { Api, CodexHomeCheck, PrivacyPreset, Settings } from '../../../src/contract/index.js';
import { useAppStore } from '../stores/appStore.js';
import { UpdateStatus } from './UpdateStatus.js';
import { isDirty, saveSettings, useSettingsStore } from '../stores/settingsStore.js';
import { useNow } from '../useNow.js';
import { DiscordCardPreview } from './DiscordCardPreview.js';
import { describedBy, Field } from './Field.js';

type Toggle = 'showProjectName' | 'showGitBranch' | 'showModel' | 'showTokens' | 'showLimits' | 'showActivity';
const TOGGLES: Array<[Toggle, string]> = [
  ['showActivity', 'Activity (thinking, editing…)'],
  ['showModel', 'Model'],
  ['showLimits', 'Limits left'],
  ['showTokens', 'Tokens'],
  ['showProjectName', 'Project name'],
  ['showGitBranch', 'Git branch'],
];

const DEV_PORTAL = 'https://discord.com/developers/applications';

export function SettingsApp({ api }: { api: Api }) {
  const draft = useSettingsStore((s) => s.draft);
  const errors = useSettingsStore((s) => s.errors);
  const saving = useSettingsStore((s) => s.saving);
  const status = useSettingsStore((s) => s.status);
  const dirty = useSettingsStore(isDirty);
  const edit = useSettingsStore((s) => s.edit);
  const reset = useSettingsStore((s) => s.reset);
  const snapshot = useAppStore((s) => s.snapshot);
  const app = useAppStore((s) => s.app);
  const now = useNow();
  const [home, setHome] = useState<CodexHomeCheck | null>(null);
  const codexHome = draft?.general.codexHome ?? null;

  useEffect(() => {
    if (codexHome === null) return;
    let live = true;
    const t = setTimeout(() => {
      api.inspectCodexHome(codexHome).then(
        (r) => live && setHome(r),
        () => undefined,
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [api, codexHome]);

  if (draft === null) return <main className="settings loading">Loading settings…</main>;
  const set = (change: (d: Settings) => void) => edit(change);
  const err = (key: string): string | undefined => errors[key];

  return (
    <main className="settings">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void saveSettings(api);
        }}
      >
        <header className="settings-header">
          <h1>Settings</h1>
          <div className="save-bar" aria-live="polite">
            {dirty && (
              <span className="badge unsaved" data-testid="unsaved">
                Unsaved changes
              </span>
            )}
            {!dirty && status === 'saved' && (
              <span className="badge saved" data-testid="saved">
                Saved
              </span>
            )}
            {status === 'invalid' && <span className="badge invalid">Fix the marked fields</span>}
            {errors._form && <span className="badge invalid">{errors._form}</span>}
            <button type="button" onClick={reset} disabled={!dirty || saving}>
              Revert
            </button>
            <button type="submit" className="primary" disabled={!dirty || saving} data-testid="save">
              {saving ? 'Saving…' : 'Save'}
            </button>
          </div>
        </header>

        <section aria-labelledby="s-discord" className="settings-section">
          <h2 id="s-discord">Discord</h2>
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.discordEnabled}
              onChange={(e) => set((d) => void (d.discordEnabled = e.target.checked))}
            />
            <span>Show my Codex activity on Discord</span>
          </label>
          <Field
            id="discordClientId"
            label="Application ID"
            error={err('discordClientId')}
            hint="17 to 20 digits, from your own Discord application."
          >
            <input
              id="discordClientId"
              inputMode="numeric"
              autoComplete="off"
              value={draft.discordClientId}
              aria-invalid={err('discordClientId') ? true : undefined}
              aria-describedby={describedBy('discordClientId', err('discordClientId'), true)}
              onChange={(e) => set((d) => void (d.discordClientId = e.target.value))}
            />
          </Field>
          <details className="guide">
            <summary>How to create your Discord application</summary>
            <ol>
              <li>
                Open the{' '}
                <a
                  href={DEV_PORTAL}
                  onClick={(e) => {
                    e.preventDefault();
                    void api.openExternal(DEV_PORTAL);
                  }}
                >
                  Discord Developer Portal
                </a>{' '}
                and choose <em>New Application</em>. Its name (for example “Codex”) is what Discord shows.
              </li>
              <li>
                Copy the <em>Application ID</em> from General Information into the field above.
              </li>
              <li>
                Under Rich Presence → Art Assets, upload two images with the keys <code>codex-logo</code> and{' '}
                <code>openai</code> (or set your own keys, or https image links, below).
              </li>
              <li>In Discord, turn on Settings → Activity Privacy → “Share your detected activities with others”.</li>
            </ol>
          </details>
          <div className="grid2">
            <Field
              id="largeImageKey"
              label="Large image (asset key or https link)"
              error={err('display.largeImageKey')}
            >
              <input
                id="largeImageKey"
                value={draft.display.largeImageKey}
                onChange={(e) => set((d) => void (d.display.largeImageKey = e.target.value))}
              />
            </Field>
            <Field
              id="smallImageKey"
              label="Small image (asset key or https link)"
              error={err('display.smallImageKey')}
            >
              <input
                id="smallImageKey"
                value={draft.display.smallImageKey}
                onChange={(e) => set((d) => void (d.display.smallImageKey = e.target.value))}
              />
            </Field>
          </div>
        </section>

        <section aria-labelledby="s-presence" className="settings-section">
          <h2 id="s-presence">Presence</h2>
          <fieldset>
            <legend>Privacy</legend>
            <div className="segmented" role="radiogroup" aria-label="Privacy preset">
              {(['minimal', 'standard', 'detailed'] as PrivacyPreset[]).map((p) => (
                <label key={p} className={draft.privacy.preset === p ? 'active' : undefined}>
                  <input
                    type="radio"
                    name="preset"
                    value={p}
                    checked={draft.privacy.preset === p}
                    onChange={() => set((d) => void (d.privacy.preset = p))}
                  />
                  {p}
                </label>
              ))}
            </div>
            <p className="field-hint">
              Minimal shows “Coding with Codex” only. Standard adds activity, model, limits and tokens. Detailed adds
              project and branch. Prompts, file paths and commands are never sent.
            </p>
            <div className="toggles">
              {TOGGLES.map(([key, text]) => (
                <label key={key} className="toggle">
                  <span>{text}</span>
                  <select
                    aria-label={text}
                    value={draft.privacy[key] === null ? 'preset' : draft.privacy[key] ? 'show' : 'hide'}
                    onChange={(e) =>
                      set((d) => void (d.privacy[key] = e.target.value === 'preset' ? null : e.target.value === 'show'))
                    }
                  >
                    <option value="preset">as preset</option>
                    <option value="show">show</option>
                    <option value="hide">hide</option>
                  </select>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="grid2">
            <Field
              id="detailsTemplate"
              label="Details line"
              error={err('display.detailsTemplate')}
              hint="Default: {activity} · {project}"
            >
              <input
                id="detailsTemplate"
                placeholder="{activity} · {project}"
                value={draft.display.detailsTemplate}
                aria-invalid={err('display.detailsTemplate') ? true : undefined}
                onChange={(e) => set((d) => void (d.display.detailsTemplate = e.target.value))}
              />
            </Field>
            <Field
              id="stateTemplate"
              label="State line"
              error={err('display.stateTemplate')}
              hint="Empty: the compact limits or tokens below."
            >
              <input
                id="stateTemplate"
                placeholder="{limits.primary.remaining} left"
                value={draft.display.stateTemplate}
                aria-invalid={err('display.stateTemplate') ? true : undefined}
                onChange={(e) => set((d) => void (d.display.stateTemplate = e.target.value))}
              />
            </Field>
          </div>
          <Field id="stateLine" label="Compact state line" error={err('display.stateLine')}>
            <select
              id="stateLine"
              value={draft.display.stateLine}
              onChange={(e) =>
                set((d) => void (d.display.stateLine = e.target.value as Settings['display']['stateLine']))
              }
            >
              <option value="limits">Limits: 5h 72% left · 7d 40% left</option>
              <option value="tokens">Tokens: Δ 1.2k | last 3.4k | total 120k</option>
              <option value="combined">Both, when they fit</option>
            </select>
          </Field>
          <DiscordCardPreview settings={draft} snapshot={snapshot} now={now} />
          <div className="grid2">
            <Field id="idleAfter" label="Idle after (minutes)" error={err('idle.afterMinutes')}>
              <input
                id="idleAfter"
                type="number"
                min={1}
                max={1440}
                value={draft.idle.afterMinutes}
                onChange={(e) => set((d) => void (d.idle.afterMinutes = Number(e.target.value)))}
              />
            </Field>
            <Field id="idleBehaviour" label="When idle" error={err('idle.behaviour')}>
              <select
                id="idleBehaviour"
                value={draft.idle.behaviour}
                onChange={(e) => set((d) => void (d.idle.behaviour = e.target.value as Settings['idle']['behaviour']))}
              >
                <option value="show">Show “Idle”</option>
                <option value="clear">Clear my status</option>
              </select>
            </Field>
          </div>
          <fieldset>
            <legend>Buttons (up to 2; Discord hides them on your own profile)</legend>
            {draft.buttons.map((b, i) => (
              <div className="grid2 button-row" key={i}>
                <Field id={`button-${i}-label`} label={`Button ${i + 1} label`} error={err(`buttons.${i}.label`)}>
                  <input
                    id={`button-${i}-label`}
                    value={b.label}
                    onChange={(e) => set((d) => void ((d.buttons[i] as { label: string }).label = e.target.value))}
                  />
                </Field>
                <Field id={`button-${i}-url`} label={`Button ${i + 1} link`} error={err(`buttons.${i}.url`)}>
                  <input
                    id={`button-${i}-url`}
                    value={b.url}
                    placeholder="https://"
                    onChange={(e) => set((d) => void ((d.buttons[i] as { url: string }).url = e.target.value))}
                  />
                </Field>
                <button type="button" onClick={() => set((d) => void d.buttons.splice(i, 1))}>
                  Remove
                </button>
              </div>
            ))}
            {draft.buttons.length < 2 && (
              <button type="button" onClick={() => set((d) => void d.buttons.push({ label: '', url: 'https://' }))}>
                Add a button
              </button>
            )}
          </fieldset>
          <Field
            id="ignoreProjects"
            label="Never show these projects (one pattern per line, * and ? allowed)"
            error={err('ignoreProjects.0')}
          >
            <textarea
              id="ignoreProjects"
              rows={3}
              value={draft.ignoreProjects.join('\n')}
              onChange={(e) =>
                set(
                  (d) =>
                    void (d.ignoreProjects = e.target.value
                      .split('\n')
                      .filter((l, i, all) => l.trim() !== '' || i === all.length - 1)),
                )
              }
            />
          </Field>
        </section>

        <section aria-labelledby="s-limits" className="settings-section">
          <h2 id="s-limits">Limits</h2>
          <Field
            id="thresholds"
            label="Notify when a limit falls below (%)"
            error={err('notifications.thresholds')}
            hint="Comma-separated, e.g. 25, 10, 5"
          >
            <input
              id="thresholds"
              value={draft.notifications.thresholds.join(', ')}
              onChange={(e) =>
                set(
                  (d) =>
                    void (d.notifications.thresholds = e.target.value
                      .split(',')
                      .map((x) => x.trim())
                      .filter((x) => x !== '')
                      .map(Number)),
                )
              }
            />
          </Field>
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.notifications.onReset}
              onChange={(e) => set((d) => void (d.notifications.onReset = e.target.checked))}
            />
            <span>Notify when a window resets</span>
          </label>
        </section>

        <section aria-labelledby="s-general" className="settings-section">
          <h2 id="s-general">General</h2>
          <Field
            id="codexHome"
            label="Codex home"
            error={err('general.codexHome')}
            hint={
              home === null
                ? 'Empty: $CODEX_HOME, then ~/.codex.'
                : home.exists
                  ? `${home.path}: ${home.sessionFiles} session file${home.sessionFiles === 1 ? '' : 's'} found`
                  : `${home.path} does not exist yet`
            }
          >
            <input
              id="codexHome"
              placeholder="~/.codex"
              value={draft.general.codexHome}
              onChange={(e) => set((d) => void (d.general.codexHome = e.target.value))}
            />
          </Field>
          <label className="switch">
            <input
              type="checkbox"
              checked={app?.launchAtLogin ?? false}
              onChange={(e) => void api.setLaunchAtLogin(e.target.checked)}
            />
            <span>Launch at login</span>
          </label>
          <div className="grid2">
            <Field id="theme" label="Theme" error={err('general.theme')}>
              <select
                id="theme"
                value={draft.general.theme}
                onChange={(e) => set((d) => void (d.general.theme = e.target.value as Settings['general']['theme']))}
              >
                <option value="system">Follow the system</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            </Field>
            <Field
              id="staleMinutes"
              label="A session ends after (minutes without writes)"
              error={err('general.staleMinutes')}
            >
              <input
                id="staleMinutes"
                type="number"
                min={1}
                max={1440}
                value={draft.general.staleMinutes}
                onChange={(e) => set((d) => void (d.general.staleMinutes = Number(e.target.value)))}
              />
            </Field>
          </div>
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.general.trayTitle}
              onChange={(e) => set((d) => void (d.general.trayTitle = e.target.checked))}
            />
            <span>Show the 5h share left next to the menu-bar icon (macOS)</span>
          </label>
          <UpdateStatus
            app={app}
            checked={draft.general.checkUpdates ?? true}
            onChange={(on) => set((d) => void (d.general.checkUpdates = on))}
          />
          <p className="field-hint">
            Version {app?.version ?? '—'} ·{' '}
            <button type="button" className="link" onClick={() => void api.openLogs()}>
              Open logs folder
            </button>
          </p>
        </section>
      </form>
    </main>
  );
}
