import { create } from 'zustand';
import type { Api, AppState, Settings, UsageSnapshot } from '../../../src/contract/index.js';

interface AppStore {
  snapshot: UsageSnapshot | null;
  app: AppState | null;
  /** The saved settings (privacy, ignore list, theme), kept live: main broadcasts every save. */
  settings: Settings | null;
  /** Why the bridge to main failed, when it did. */
  error: string | null;
}

/** Mirrors what main sends. Main owns the state; this store never invents any. */
export const useAppStore = create<AppStore>(() => ({ snapshot: null, app: null, settings: null, error: null }));

/**
 * Subscribes first, then pulls, and keeps whichever is newer: a value pushed
 * while the pull is in flight is never overwritten by the older pull.
 */
export async function connectAppStore(api: Api): Promise<() => void> {
  let pushedSnapshot = false;
  let pushedApp = false;
  let pushedSettings = false;
  const offSnapshot = api.onSnapshot((snapshot) => {
    pushedSnapshot = true;
    useAppStore.setState({ snapshot });
  });
  const offApp = api.onAppState((app) => {
    pushedApp = true;
    useAppStore.setState({ app });
  });
  const offSettings = api.onSettings((settings) => {
    pushedSettings = true;
    useAppStore.setState({ settings });
  });
  try {
    const [snapshot, app, settings] = await Promise.all([api.getSnapshot(), api.getAppState(), api.getSettings()]);
    if (!pushedSnapshot) useAppStore.setState({ snapshot });
    if (!pushedApp) useAppStore.setState({ app });
    if (!pushedSettings) useAppStore.setState({ settings });
    useAppStore.setState({ error: null });
  } catch (error) {
    useAppStore.setState({ error: error instanceof Error ? error.message : String(error) });
  }
  return () => {
    offSnapshot();
    offApp();
    offSettings();
  };
}
