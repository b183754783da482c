import type { Api, Settings } from '../../../../src/contract/index.js';
import { useSettingsStore } from '../../stores/settingsStore.js';
import { aria, Field } from '../Field.js';

const DEV_PORTAL = 'https://discord.com/developers/applications';

type Errors = Record<string, string>;

/** Discord: the switch, your application, its images, idle behaviour and buttons. */
export function DiscordTab({ api, errors }: { api: Api; errors: Errors }) {
  const draft = useSettingsStore((s) => s.draft);
  const saved = useSettingsStore((s) => s.saved);
  const edit = useSettingsStore((s) => s.edit);
  const texts = useSettingsStore((s) => s.texts);
  const setText = useSettingsStore((s) => s.setText);
  const commitText = useSettingsStore((s) => s.commitText);
  if (draft === null) return null;
  const set = (path: string, change: (d: Settings) => void) => edit(path, change);
  const noId = (saved?.discordClientId ?? '').trim() === '';
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
      <Field
        id="discordClientId"
        label="Application ID"
        error={errors.discordClientId}
        hint="17 to 20 digits, from your own Discord application."
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
      <details className="guide" open={noId} data-testid="guide">
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
            Under Rich Presence → Art Assets, upload two images with the keys <code>codex-logo</code> (large) and{' '}
            <code>openai</code> (small), or set your own keys or https image links below.
          </li>
          <li>In Discord, turn on Settings → Activity Privacy → “Share your detected activities with others”.</li>
        </ol>
      </details>
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
