import type { BackfillState } from '../contract/index.js';
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

/** Lines for a terminal as a backfill runs: its start, every tenth, and its end. */
export function backfillProgress(write: (line: string) => void): (state: BackfillState) => void {
  let shown = -1;
  let phase: BackfillState['phase'] = 'idle';
  return (b) => {
    if (b.phase === 'running') {
      const tenth = b.filesTotal === 0 ? 0 : Math.floor((b.filesDone / b.filesTotal) * 10);
      if (phase !== 'running') write(`history: building from ${b.filesTotal} rollout file(s) in the background…`);
      else if (tenth > shown && tenth > 0) write(`history: ${tenth * 10}% (${b.filesDone} of ${b.filesTotal} files)`);
      shown = Math.max(shown, tenth);
    } else if (b.phase !== phase && phase === 'running') {
      write(
        b.phase === 'done' ? `history: built from ${b.filesTotal} rollout file(s)` : `history: ${b.message ?? b.phase}`,
      );
    }
    phase = b.phase;
  };
}
