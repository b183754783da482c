import type { Api, Settings } from '../../../../src/contract/index.js';
import { applicationLabel, BUILT_IN_NAME } from '../../../../src/format/application.js';
import { useAppStore } from '../../stores/appStore.js';
import { useSettingsStore } from '../../stores/settingsStore.js';
import { aria, Field } from '../Field.js';

const DEV_PORTAL = 'https://discord.com/developers/applications';

type Errors = Record<string, string>;

/**
 * Discord: the switch, the application used (main's decision, named as doctor
 * and status name it), your own application and its guide, images, idle
 * behaviour and buttons. With the built-in application there is nothing to
 * set up; the guide is for your own (issue 23 §1).
 */
export function DiscordTab({ api, errors }: { api: Api; errors: Errors }) {
  const draft = useSettingsStore((s) => s.draft);
  const saved = useSettingsStore((s) => s.saved);
  const edit = useSettingsStore((s) => s.edit);
  const texts = useSettingsStore((s) => s.texts);
  const setText = useSettingsStore((s) => s.setText);
  const commitText = useSettingsStore((s) => s.commitText);
  const application = useAppStore((s) => s.app?.application);
  if (draft === null) return null;
  const set = (path: string, change: (d: Settings) => void) => edit(path, change);
  const noId = (saved?.discordClientId ?? '').trim() === '';
  const builtIn = application?.source === 'built-in';
  return (
    <div className="panel-grid">
      <label className="switch">
        <input
          type="checkbox"
          checked={draft.discordEnabled}
          onChange={(e) => set('discordEnabled', (d) => void (d.discordEnabled = e.target.checked))}
        />
        <span>Show my Codex activity on Discord</span>
      </label>
      {application !== undefined && (
        <div className="application-used">
          <p data-testid="application">
            Application used: <strong>{applicationLabel(application)}</strong>
          </p>
          {builtIn && (
            <p className="field-hint" data-testid="built-in-note">
              Nothing to set up: this build publishes under its own application, “{BUILT_IN_NAME}”, with its images.
            </p>
          )}
        </div>
      )}
      <Field
        id="discordClientId"
        label="Application ID"
        error={errors.discordClientId}
        hint={
          builtIn
            ? `Optional: 17 to 20 digits, from your own Discord application. Empty uses “${BUILT_IN_NAME}”.`
            : '17 to 20 digits, from your own Discord application.'
        }
      >
        <input
          id="discordClientId"
          inputMode="numeric"
          autoComplete="off"
          value={draft.discordClientId}
          {...aria('discordClientId', errors.discordClientId, true)}
          onChange={(e) => set('discordClientId', (d) => void (d.discordClientId = e.target.value))}
        />
      </Field>
      <details className="guide" open={noId && !builtIn} data-testid="guide">
        <summary>
          {builtIn ? 'Use your own Discord application instead' : 'How to create your Discord application'}
        </summary>
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
            and choose <em>New Application</em>. Its name (for example “Codex”) is what your profile shows.
          </li>
          <li>
            Copy the <em>Application ID</em> from General Information into the field above. Your id always wins.
          </li>
          <li>
            Nothing to upload: the images are links to the ones this project ships. Asset keys you uploaded, or other
            https links, can be set below.
          </li>
        </ol>
      </details>
      <p className="field-hint">
        In Discord, turn on Settings → Activity Privacy → “Share your detected activities with others”.
      </p>
      <div className="grid2">
        <Field id="largeImageKey" label="Large image (asset key or https link)" error={errors['display.largeImageKey']}>
          <input
            id="largeImageKey"
            value={draft.display.largeImageKey}
            {...aria('largeImageKey', errors['display.largeImageKey'])}
            onChange={(e) => set('display.largeImageKey', (d) => void (d.display.largeImageKey = e.target.value))}
          />
        </Field>
        <Field id="smallImageKey" label="Small image (asset key or https link)" error={errors['display.smallImageKey']}>
          <input
            id="smallImageKey"
            value={draft.display.smallImageKey}
            {...aria('smallImageKey', errors['display.smallImageKey'])}
            onChange={(e) => set('display.smallImageKey', (d) => void (d.display.smallImageKey = e.target.value))}
          />
        </Field>
        <Field id="idleAfter" label="Idle after (minutes)" error={errors['idle.afterMinutes']}>
          <input
            id="idleAfter"
            inputMode="numeric"
            value={texts.idleAfter}
            {...aria('idleAfter', errors['idle.afterMinutes'])}
            onChange={(e) => setText('idleAfter', e.target.value)}
            onBlur={() => commitText('idleAfter')}
          />
        </Field>
        <Field id="idleBehaviour" label="When idle" error={errors['idle.behaviour']}>
          <select
            id="idleBehaviour"
            value={draft.idle.behaviour}
            onChange={(e) =>
              set('idle.behaviour', (d) => void (d.idle.behaviour = e.target.value as Settings['idle']['behaviour']))
            }
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
            <Field id={`button-${i}-label`} label={`Button ${i + 1} label`} error={errors[`buttons.${i}.label`]}>
              <input
                id={`button-${i}-label`}
                value={b.label}
                {...aria(`button-${i}-label`, errors[`buttons.${i}.label`])}
                onChange={(e) =>
                  set(`buttons.${i}.label`, (d) => void ((d.buttons[i] as { label: string }).label = e.target.value))
                }
              />
            </Field>
            <Field id={`button-${i}-url`} label={`Button ${i + 1} link`} error={errors[`buttons.${i}.url`]}>
              <input
                id={`button-${i}-url`}
                value={b.url}
                placeholder="https://"
                {...aria(`button-${i}-url`, errors[`buttons.${i}.url`])}
                onChange={(e) =>
                  set(`buttons.${i}.url`, (d) => void ((d.buttons[i] as { url: string }).url = e.target.value))
                }
              />
            </Field>
            <button type="button" onClick={() => set('buttons', (d) => void d.buttons.splice(i, 1))}>
              Remove
            </button>
          </div>
        ))}
        {draft.buttons.length < 2 && (
          <button
            type="button"
            className="add"
            onClick={() => set('buttons', (d) => void d.buttons.push({ label: '', url: 'https://' }))}
          >
            Add a button
          </button>
        )}
      </fieldset>
    </div>
  );
}
