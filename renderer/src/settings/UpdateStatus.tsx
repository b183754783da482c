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

/**
 * Settings → General: the check-for-updates switch, the last check and one
 * line of update state, and "Check now" when the bridge can check (the
 * version is said once, on the tab's last line).
 */
export function UpdateStatus({
  app,
  checked,
  onChange,
  checkNow,
}: {
  app: AppState | null;
  checked: boolean;
  onChange: (checked: boolean) => void;
  checkNow: (() => Promise<void>) | undefined;
}) {
  const update = app?.update;
  const canCheck = checkNow !== undefined && update !== undefined && update.phase !== 'disabled';
  const busy = update?.phase === 'checking' || update?.phase === 'downloading';
  return (
    <>
      <label className="switch">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        <span>Check for updates (at start and every 6 hours)</span>
      </label>
      {update !== undefined && (
        <p className="field-hint update-line" data-testid="update-status">
          <span>
            {capitalFirst(lastCheck(update))}. {describe(update)}
          </span>
          {canCheck && (
            <button type="button" disabled={busy} onClick={() => void checkNow().catch(() => undefined)}>
              Check now
            </button>
          )}
        </p>
      )}
    </>
  );
}

const capitalFirst = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
