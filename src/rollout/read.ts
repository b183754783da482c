import { Decoder, type EventKind } from './decode/index.js';
import { LineSplitter, type SplitOptions } from './lines.js';
import type { ByteSource, Feed, FileFacts, ReadOutcome } from './source/feed.js';
import type { ReadStats, RolloutEvent } from './types.js';

/** What a read drives: a splitter over some sink, and the events that sink produced. */
export interface LinePipe {
  readonly lines: LineSplitter;
  readonly queue: RolloutEvent[];
  readonly stats: { bytesRead: number };
  /** Before a read's lines: none was written after `readAt`. */
  begin(readAt: number): void;
}

/** One rollout's line pipeline: the splitter and decoder stay together, so a line cut between reads is finished later. */
export class Pipeline implements LinePipe {
  readonly queue: RolloutEvent[] = [];
  readonly decoder: Decoder;
  readonly lines: LineSplitter;

  constructor(
    readonly stats: ReadStats,
    at = 0,
    opts: { kinds?: ReadonlySet<EventKind> | null; split?: SplitOptions } = {},
  ) {
    this.decoder = new Decoder(stats, (e) => this.queue.push(e), opts.kinds ?? null);
    this.lines = new LineSplitter(this.decoder, at, opts.split);
  }

  begin(readAt: number): void {
    this.decoder.begin(readAt);
  }
}

export interface ReadSettings {
  /** The clock lines are checked against: none may claim a time after min(now, the file's mtime) plus skew. */
  now: () => number;
  signal?: AbortSignal;
  /** `newestFirst`: the source goes run by run from the end (backward), each ending in `end`; events come newest first. */
  order?: 'forward' | 'newestFirst';
  /** Called once the read has ended, however it ended (a consumer may stop early). */
  onEnd?: (read: EventRead) => void;
}

/**
 * A read of one rollout: the source's bytes through the pipeline, handed out
 * as events as they are decoded (no more than one chunk's worth is held).
 * After the iteration, `outcome` says how it ended; `position` is just past
 * the last complete line (a later read starts there). Stopping the iteration
 * early stops the reading and closes the file.
 */
export class EventRead implements AsyncIterable<RolloutEvent> {
  /** How the read ended; `read` also when the consumer stopped it. Null while it runs. */
  outcome: ReadOutcome | null = null;
  /** The file as the source found it (null until opened). */
  file: FileFacts | null = null;
  /** Newest-first reads: every line back to the file's first was handed out. */
  reachedStart = false;

  constructor(
    private readonly source: ByteSource,
    private readonly pipe: LinePipe,
    private readonly settings: ReadSettings,
  ) {}

  get position(): number {
    return this.pipe.lines.lineStart;
  }

  /** Reads to the end, for a read whose events its pipe's sink already took; resolves with the outcome. */
  finish(): Promise<ReadOutcome> {
    return this.each(() => undefined);
  }

  /**
   * Reads forward to the end, handing each event to `fold` as it is decoded:
   * the iteration below without a promise per event, for a consumer that
   * never stops early (the history backfill folds every line of 10,000 files).
   */
  async each(fold: (event: RolloutEvent) => void): Promise<ReadOutcome> {
    const { queue } = this.pipe;
    const step = (feed: Feed): void => {
      this.take(feed);
      for (const event of queue) fold(event);
      queue.length = 0;
    };
    try {
      const feeds = this.feeds();
      if (Array.isArray(feeds)) feeds.forEach(step);
      else for await (const feed of feeds) step(feed);
    } finally {
      this.ended();
    }
    return this.outcome ?? { kind: 'aborted' };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RolloutEvent> {
    const { queue } = this.pipe;
    const newestFirst = this.settings.order === 'newestFirst';
    /** Where the run whose events are queued starts (backward reads). */
    let runStart = -1;
    try {
      const feeds = this.feeds();
      if (Array.isArray(feeds)) {
        // A synchronous read's bytes sit in a buffer every such read shares (source/plain.ts): all of
        // them go through the splitter now, before an await lets another read run.
        for (const feed of feeds) this.take(feed);
        const events = queue.splice(0);
        return yield* newestFirst ? events.reverse() : events;
      }
      for await (const feed of feeds) {
        this.take(feed);
        if (!newestFirst) {
          // Copied out first: the consumer may stop at any event.
          if (queue.length > 0) yield* queue.splice(0);
          continue;
        }
        if (feed.kind === 'run') runStart = feed.start;
        // A run ends with `end`: its events go out newest first before the source looks further back.
        if (feed.kind !== 'end' && feed.kind !== 'done') continue;
        const events = queue.splice(0).reverse();
        // The run from the file's first byte is the last one: reached once its oldest event is handed out.
        if (runStart === 0 && events.length === 0) this.reachedStart = true;
        for (let i = 0; i < events.length; i += 1) {
          if (runStart === 0 && i === events.length - 1) this.reachedStart = true;
          yield events[i] as RolloutEvent;
        }
      }
    } finally {
      this.ended();
    }
  }

  private feeds(): AsyncIterable<Feed> | Feed[] {
    this.pipe.queue.length = 0;
    return this.source.feeds(this.pipe.lines, this.pipe.stats, this.settings.signal);
  }

  /** One feed into the pipe. */
  private take(feed: Feed): void {
    const { lines } = this.pipe;
    switch (feed.kind) {
      case 'open':
        this.file = feed.file;
        this.pipe.begin(Math.min(this.settings.now(), feed.file.mtimeMs));
        break;
      case 'bytes':
        lines.push(feed.bytes);
        break;
      case 'gap':
        lines.skip(feed.bytes, feed.lastByte);
        break;
      case 'run':
        lines.reset(feed.start);
        break;
      case 'end':
        lines.end();
        break;
      case 'done':
        this.outcome = feed.outcome;
        break;
    }
  }

  private ended(): void {
    this.pipe.queue.length = 0;
    if (this.outcome === null && this.file !== null) this.outcome = { kind: 'read', file: this.file };
    this.outcome ??= { kind: 'aborted' };
    this.settings.onEnd?.(this);
  }
}
