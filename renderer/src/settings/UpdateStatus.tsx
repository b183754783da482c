import type { AppState, UpdateState } from '../../../src/contract/index.js';

function lastCheck(update: UpdateState): string {
  if (update.lastCheck === null) return 'not checked yet';
  const at = new Date(update.lastCheck);
  return `last checked ${at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;
}

function describe(update: UpdateState): string {
  switch (update.phase) {
    case 'disabled':
      return update.message ?? 'Update checks are off.';
    case 'checking':
      return 'Checking for updates…';
    case 'available':
      return `Version ${update.version ?? ''} found; downloading…`;
    case 'downloading':
      return `Downloading version ${update.version ?? ''}: ${update.percent ?? 0}%`;
    case 'ready':
      return `Version ${update.version ?? ''} is ready: restart to update from the tray menu or the popover.`;
    case 'error':
      return update.message ?? 'Update check failed.';
    default:
      return 'Up to date.';
  }
}

/** Settings → General: the check-for-updates switch, the version, the last check and one line of update state. */
export function UpdateStatus({
  app,
  checked,
  onChange,
}: {
  app: AppState | null;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const update = app?.update;
  return (
    <>
      <label className="switch">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        <span>Check for updates (at start and every 6 hours)</span>
      </label>
      {update !== undefined && (
        <p className="field-hint" data-testid="update-status">
          Version {app?.version ?? '—'}, {lastCheck(update)}. {describe(update)}
        </p>
      )}
    </>
  );
}
