import { historyPath } from './location.js';
import { HistoryRecorder } from './recorder.js';
import { HistoryStore } from './store.js';
import type { Bounds } from './state.js';

export interface PublisherHistoryOptions {
  dataDir: string;
  codexHome: string;
  now: () => number;
  ignore: () => readonly string[];
  onChange?: () => void;
  log?: (message: string) => void;
  bounds?: Bounds;
}

/**
 * Opens the history file for the publishing process (the app or `run`, once
 * it holds the publisher lock) and starts the catch-up. History is a side
 * feature: a folder that cannot be written is logged, and publishing goes on
 * without it (null).
 */
export async function startPublisherHistory(opts: PublisherHistoryOptions): Promise<HistoryRecorder | null> {
  let store: HistoryStore;
  try {
    const storeOpts = {
      now: opts.now,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.bounds ? { bounds: opts.bounds } : {}),
    };
    store = await HistoryStore.open(historyPath(opts.dataDir), storeOpts);
  } catch (error) {
    opts.log?.(`history is not recorded: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  const recorder = new HistoryRecorder({
    store,
    codexHome: opts.codexHome,
    now: opts.now,
    ignore: opts.ignore,
    ...(opts.onChange ? { onChange: opts.onChange } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  recorder.start();
  return recorder;
}
