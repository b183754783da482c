import { useSettingsStore } from '../../stores/settingsStore.js';
import { aria, Field } from '../Field.js';

/** Limits: when to notify, and when Discord shows a countdown to the reset. */
export function LimitsTab({ errors }: { errors: Record<string, string> }) {
  const draft = useSettingsStore((s) => s.draft);
  const texts = useSettingsStore((s) => s.texts);
  const setText = useSettingsStore((s) => s.setText);
  const commitText = useSettingsStore((s) => s.commitText);
  const edit = useSettingsStore((s) => s.edit);
  if (draft === null) return null;
  return (
    <div className="panel-grid">
      <Field
        id="thresholds"
        label="Notify when a limit falls below (%)"
        error={errors['notifications.thresholds']}
        hint="Comma-separated, e.g. 25, 10, 5"
      >
        <input
          id="thresholds"
          value={texts.thresholds}
          {...aria('thresholds', errors['notifications.thresholds'], true)}
          onChange={(e) => setText('thresholds', e.target.value)}
          onBlur={() => commitText('thresholds')}
        />
      </Field>
      <label className="switch">
        <input
          type="checkbox"
          checked={draft.notifications.onReset}
          onChange={(e) => edit('notifications.onReset', (d) => void (d.notifications.onReset = e.target.checked))}
        />
        <span>Notify when a window resets</span>
      </label>
      <Field
        id="countdown"
        label="Show a countdown to the reset on Discord below (%)"
        error={errors['display.countdownBelowPercent']}
        hint="When the 5h limit falls below this, the card counts down to its reset. Empty: never."
      >
        <input
          id="countdown"
          inputMode="numeric"
          value={texts.countdown}
          {...aria('countdown', errors['display.countdownBelowPercent'], true)}
          onChange={(e) => setText('countdown', e.target.value)}
          onBlur={() => commitText('countdown')}
        />
      </Field>
    </div>
  );
}
