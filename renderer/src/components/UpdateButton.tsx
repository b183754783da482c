import type { Api, AppState } from '../../../src/contract/index.js';

/** "Restart to update" in the popover footer, only when an update is downloaded; it installs only on this click. */
export function UpdateButton({ app, api }: { app: AppState; api: Api }) {
  const update = app.update;
  if (update?.phase !== 'ready' || api.installUpdate === undefined) return null;
  const install = api.installUpdate;
  return (
    <button type="button" className="primary" data-testid="restart-to-update" onClick={() => void install()}>
      Restart to update{update.version === null ? '' : ` (${update.version})`}
    </button>
  );
}
