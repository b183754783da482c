import { useEffect, useState } from 'react';
import type { Api, CodexHomeCheck, Settings } from '../../../../src/contract/index.js';
import { useAppStore } from '../../stores/appStore.js';
import { useSettingsStore } from '../../stores/settingsStore.js';
import { aria, Field } from '../Field.js';
import { UpdateStatus } from '../UpdateStatus.js';

/** General: where Codex lives, startup, theme, when a session ends, the macOS menu-bar title. */
export function GeneralTab({ api, errors }: { api: Api; errors: Record<string, string> }) {
  const draft = useSettingsStore((s) => s.draft);
  const edit = useSettingsStore((s) => s.edit);
  const texts = useSettingsStore((s) => s.texts);
  const setText = useSettingsStore((s) => s.setText);
  const commitText = useSettingsStore((s) => s.commitText);
  const launch = useSettingsStore((s) => s.launchAtLogin.draft);
  const setLaunch = useSettingsStore((s) => s.setLaunchAtLogin);
  const app = useAppStore((s) => s.app);
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

  if (draft === null) return null;
  return (
    <div className="panel-grid">
      <Field
        id="codexHome"
        label="Codex home"
        error={errors['general.codexHome']}
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
          {...aria('codexHome', errors['general.codexHome'], true)}
          onChange={(e) => edit('general.codexHome', (d) => void (d.general.codexHome = e.target.value))}
        />
      </Field>
      <label className="switch">
        <input type="checkbox" checked={launch} onChange={(e) => setLaunch(e.target.checked)} />
        <span>Launch at login</span>
      </label>
      <div className="grid2">
        <Field id="theme" label="Theme" error={errors['general.theme']}>
          <select
            id="theme"
            value={draft.general.theme}
            onChange={(e) =>
              edit('general.theme', (d) => void (d.general.theme = e.target.value as Settings['general']['theme']))
            }
          >
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </Field>
        <Field
          id="staleMinutes"
          label="A session ends after (minutes without writes)"
          error={errors['general.staleMinutes']}
        >
          <input
            id="staleMinutes"
            inputMode="numeric"
            value={texts.staleMinutes}
            {...aria('staleMinutes', errors['general.staleMinutes'])}
            onChange={(e) => setText('staleMinutes', e.target.value)}
            onBlur={() => commitText('staleMinutes')}
          />
        </Field>
      </div>
      {app?.platform === 'darwin' && (
        <label className="switch">
          <input
            type="checkbox"
            checked={draft.general.trayTitle}
            onChange={(e) => edit('general.trayTitle', (d) => void (d.general.trayTitle = e.target.checked))}
          />
          <span>Show the 5h limit next to the menu-bar icon</span>
        </label>
      )}
      <UpdateStatus
        app={app}
        checked={draft.general.checkUpdates ?? true}
        onChange={(on) => edit('general.checkUpdates', (d) => void (d.general.checkUpdates = on))}
        checkNow={api.checkForUpdates?.bind(api)}
      />
      <p className="field-hint" data-testid="version">
        Version {app?.version ?? '—'} ·{' '}
        <button type="button" className="link" onClick={() => void api.openLogs()}>
          Open logs folder
        </button>
      </p>
    </div>
  );
}
