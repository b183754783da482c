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
  /** Abandons the opening (the publisher is stopping while a large history loads): resolves with no recorder. */
  signal?: AbortSignal;
}

/** The recorder, or why history is not recorded (null when the opening was abandoned). */
export type PublisherHistory = { recorder: HistoryRecorder; reason: null } | { recorder: null; reason: string | null };

/**
 * Opens the history file for the publishing process (the app or `run`, once
 * it holds the publisher lock) and starts the catch-up. History is a side
 * feature: a file that is not ours or a folder that cannot be written is
 * logged, and publishing goes on without it. Callers publish their first
 * snapshot before this is called (issue 21 §4): opening reads the whole file.
 */
export async function startPublisherHistory(opts: PublisherHistoryOptions): Promise<PublisherHistory> {
  let store: HistoryStore;
  try {
    const storeOpts = {
      now: opts.now,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.bounds ? { bounds: opts.bounds } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    store = await HistoryStore.open(historyPath(opts.dataDir), storeOpts);
  } catch (error) {
    if (opts.signal?.aborted === true) return { recorder: null, reason: null };
    const reason = error instanceof Error ? error.message : String(error);
    opts.log?.(`history is not recorded: ${reason}`);
    return { recorder: null, reason };
  }
  if (opts.signal?.aborted === true) {
    await store.flush();
    return { recorder: null, reason: null };
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
  return { recorder, reason: null };
}
