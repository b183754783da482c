import { Decoder, type EventKind } from './decode/index.js';
import { isCompressed, listRolloutFiles, type RolloutFile, type SpecialEntry } from './files.js';
import { EventRead, Pipeline } from './read.js';
import { compressedSource } from './source/compressed.js';
import type { FileFacts } from './source/feed.js';
import { plainSource } from './source/plain.js';
import type { ReadStats, RolloutEvent } from './types.js';

/**
 * An agent's logs as a source of events (issue 22 §1): list the files, read
 * one from an offset, decode a line. Codex's rollouts are the one source
 * today; another agent's logs would plug in here with their own listing and
 * decoder, and every consumer (the session fold, usage history) stays as it is.
 */
export interface LogSource {
  /** Every log file under `sessionsDir`, newest write first; entries that are not regular files go to `skipped`. */
  list(sessionsDir: string, skipped?: SpecialEntry[]): RolloutFile[];
  /** The events of one file, from an offset to its end now. */
  read(path: string, opts: ReadFrom): EventRead;
  /** The decode step alone: raw lines to ranged events. */
  decoder(stats: ReadStats, emit: (event: RolloutEvent) => void, kinds?: ReadonlySet<EventKind>): Decoder;
}

export interface ReadFrom {
  /**
   * Where to start, given what the file is now (null: nothing to read). It
   * must be a line start; a compressed file is read whole (0) or not at all.
   */
  start?: (file: FileFacts) => number | null;
  /** Only these kinds are wanted: other lines are skipped unread where they can be. */
  kinds?: ReadonlySet<EventKind>;
  stats: ReadStats;
  now: () => number;
  signal?: AbortSignal;
  /** Plain files: a stretch of at most this many bytes is read synchronously (see PlainOptions). */
  syncBelow?: number;
}

export const codexLogs: LogSource = {
  list: listRolloutFiles,
  read(path, opts) {
    const pipe = new Pipeline(opts.stats, 0, { kinds: opts.kinds ?? null });
    const start = (file: FileFacts): number | null => {
      const at = opts.start === undefined ? 0 : opts.start(file);
      if (at !== null) pipe.lines.reset(at);
      return at;
    };
    const source = isCompressed(path)
      ? compressedSource(path, { start: (file) => (start(file) === null ? null : 0) })
      : plainSource(path, {
          start,
          ...(opts.syncBelow === undefined ? {} : { syncBelow: opts.syncBelow, chunkBytes: opts.syncBelow }),
        });
    return new EventRead(source, pipe, {
      now: opts.now,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  },
  decoder: (stats, emit, kinds) => new Decoder(stats, emit, kinds ?? null),
};
