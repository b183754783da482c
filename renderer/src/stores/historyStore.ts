import { create } from 'zustand';
import type { Api, HistoryQuery, HistoryView, HistoryWindow } from '../../../src/contract/index.js';
import { burnDownOf, thumbnailOf } from '../history/series.js';

interface HistoryStore {
  /** The last view main answered with, for `query`. */
  view: HistoryView | null;
  query: HistoryQuery;
  /** Why the last pull failed, when it did. */
  error: string | null;
}

/** Mirrors main's recorded history for one query. Main owns the data; this store never invents any. */
export const useHistoryStore = create<HistoryStore>(() => ({ view: null, query: { days: 30 }, error: null }));

let pulls = 0;
/** A pull started before the History tab mounted (the window opened at #history), which its mount reuses. */
let early: Promise<void> | null = null;

/** Pulls the view for `query`; an answer to an older query never replaces a newer one. */
export async function pullHistory(api: Api, query: HistoryQuery): Promise<void> {
  const id = (pulls += 1);
  useHistoryStore.setState({ query });
  try {
    const view = await api.getHistory(query);
    if (id === pulls) useHistoryStore.setState({ view, error: null });
  } catch (error) {
    if (id === pulls) useHistoryStore.setState({ error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Starts the pull at page load when the window opens on History, so it runs
 * alongside the settings pull instead of after it.
 */
export function pullHistoryEarly(api: Api, query: HistoryQuery): void {
  early = pullHistory(api, query);
}

/**
 * Pulls the view once the window is idle after opening on another tab, and
 * reads its windows ahead in idle time, so that going to History (a tab
 * click, or main showing #history when a popover sparkline is activated)
 * draws at once from it while the tab's own pull, on mount, brings it up to
 * date. Nothing is subscribed meanwhile: a window left on another tab costs no pulls.
 */
export function prefetchHistory(api: Api): void {
  if (useHistoryStore.getState().view !== null) return;
  void pullHistory(api, useHistoryStore.getState().query).then(() => {
    const view = useHistoryStore.getState().view;
    if (view !== null) readAhead(view.windows);
  });
}

/** Computes the windows' series in idle time, a few at a time: the current windows first, then the past ones. */
function readAhead(windows: readonly HistoryWindow[]): void {
  const queue = [...windows].sort((a, b) => Number(b.current) - Number(a.current));
  const step = (deadline: IdleDeadline): void => {
    while (queue.length > 0 && deadline.timeRemaining() > 2) {
      const w = queue.shift();
      if (w !== undefined) void (w.current ? burnDownOf(w) : thumbnailOf(w));
    }
    if (queue.length > 0) requestIdleCallback(step);
  };
  requestIdleCallback(step);
}

/**
 * Subscribes first, then pulls once (or keeps the early pull): every
 * `historyChanged` from main (a recorded snapshot, backfill progress, a
 * clear) pulls the current query again.
 */
export function connectHistory(api: Api, query: HistoryQuery): () => void {
  const off = api.onHistoryChanged(() => void pullHistory(api, useHistoryStore.getState().query));
  if (early === null) void pullHistory(api, query);
  early = null;
  return off;
}
