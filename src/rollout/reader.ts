import type { EventKind } from './decode/index.js';
import { EventRead, Pipeline, type ReadSettings } from './read.js';
import { BackwardSource, FirstLineSource } from './source/backward.js';
import { compressedSource } from './source/compressed.js';
import { plainSource } from './source/plain.js';
import { emptyReadStats, type ReadStats, type RolloutEvent } from './types.js';

export interface ReaderOptions {
  /** The clock lines are checked against (injected in tests). */
  now?: () => number;
  /** Aborts the reads of this reader (the publisher stopping); asked at each read. */
  signal?: () => AbortSignal | undefined;
}

/** A backward read and where forward tailing resumes after it. */
export interface RecentRead {
  /** Events newest first: stop iterating when you have enough. */
  events: EventRead;
  /** Reads the first line (session_meta) for a read that did not get back to it; null when it holds no event. */
  firstLine(): Promise<RolloutEvent | null>;
}

/**
 * One rollout file, read as events (`AsyncIterable<RolloutEvent>`): tailed
 * forward as it grows, read back from its end at cold start, or decompressed
 * whole. Bad lines are counted in `stats` and never thrown; how each read
 * ended is its `outcome` (read, missing, special, unreadable, aborted).
 */
export class RolloutReader {
  readonly stats: ReadStats = emptyReadStats();
  /** The tail's pipeline lives across reads: a line cut at the end of one read is finished by the next. */
  private readonly tailPipe: Pipeline;
  private ino: number | null = null;
  private readonly now: () => number;
  private readonly signal: () => AbortSignal | undefined;

  constructor(
    readonly path: string,
    opts: ReaderOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.signal = opts.signal ?? (() => undefined);
    this.tailPipe = new Pipeline(this.stats);
  }

  private settings(): ReadSettings {
    const signal = this.signal();
    return { now: this.now, ...(signal === undefined ? {} : { signal }) };
  }

  /**
   * What was appended since the last read. A file that shrank or changed
   * inode is read again from 0: `onReset` runs first (the counters restart),
   * so callers can drop what they built from it.
   */
  tail(onReset: () => void = () => undefined): EventRead {
    const lines = this.tailPipe.lines;
    const source = plainSource(this.path, {
      start: (file) => {
        if ((this.ino !== null && file.ino !== this.ino) || file.size < lines.position) {
          lines.reset(0);
          Object.assign(this.stats, emptyReadStats());
          onReset();
        }
        this.ino = file.ino;
        return lines.position;
      },
    });
    return new EventRead(source, this.tailPipe, this.settings());
  }

  /**
   * Reads back from the end, newest events first, within `maxBytes`; forward
   * tailing then resumes where this read began, so nothing is read twice.
   */
  recent(maxBytes: number): RecentRead {
    const source = new BackwardSource(this.path, maxBytes);
    const seekTail = (read: EventRead): void => {
      if (source.endOffset === null || read.outcome?.kind !== 'read') return;
      this.tailPipe.lines.reset(source.endOffset);
      this.ino = read.outcome.file.ino;
    };
    const settings: ReadSettings = { ...this.settings(), order: 'newestFirst', onEnd: seekTail };
    return {
      events: new EventRead(source, new Pipeline(this.stats), settings),
      firstLine: async () => {
        const first = new EventRead(new FirstLineSource(this.path), new Pipeline(this.stats), this.settings());
        for await (const event of first) return event;
        return null;
      },
    };
  }

  /** Forward from the file's start, at most `maxBytes` (the tail is not affected). */
  fromStart(maxBytes: number, kinds: ReadonlySet<EventKind> | null = null): EventRead {
    return new EventRead(plainSource(this.path, { maxBytes }), new Pipeline(this.stats, 0, { kinds }), this.settings());
  }

  /** A whole compressed rollout (`.jsonl.zst`), decompressed as it is read. */
  compressed(): EventRead {
    return new EventRead(compressedSource(this.path), new Pipeline(this.stats), this.settings());
  }
}
