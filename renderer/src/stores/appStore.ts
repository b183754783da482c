import { create } from 'zustand';
import type { Api, AppState, UsageSnapshot } from '../../../src/contract/index.js';

interface AppStore {
  snapshot: UsageSnapshot | null;
  app: AppState | null;
  error: string | null;
}

/** Mirrors what main sends. Main owns the state; this store never invents any. */
export const useAppStore = create<AppStore>(() => ({ snapshot: null, app: null, error: null }));

/**
 * Subscribes first, then pulls, and keeps whichever is newer: a snapshot
 * pushed while the pull is in flight is never overwritten by the older pull.
 */
export async function connectAppStore(api: Api): Promise<() => void> {
  let pushedSnapshot = false;
  let pushedApp = false;
  const offSnapshot = api.onSnapshot((snapshot) => {
    pushedSnapshot = true;
    useAppStore.setState({ snapshot });
  });
  const offApp = api.onAppState((app) => {
    pushedApp = true;
    useAppStore.setState({ app });
  });
  try {
    const [snapshot, app] = await Promise.all([api.getSnapshot(), api.getAppState()]);
    if (!pushedSnapshot) useAppStore.setState({ snapshot });
    if (!pushedApp) useAppStore.setState({ app });
  } catch (error) {
    useAppStore.setState({ error: error instanceof Error ? error.message : String(error) });
  }
  return () => {
    offSnapshot();
    offApp();
  };
}
