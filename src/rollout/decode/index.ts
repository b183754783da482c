import { isUtf8 } from 'node:buffer';
import { LineCheck } from '../../ranges/ranges.js';
import type { LineSink } from '../lines.js';
import type { ReadStats, RolloutEvent } from '../types.js';
import { classifyHead } from './classifyHead.js';
import { parseLine } from './parseLine.js';

export type EventKind = RolloutEvent['kind'];

/**
 * Raw lines to ranged events: the one place a rollout line's JSON is read and
 * the range rules of src/ranges/ranges.ts apply (a `LineCheck` per line).
 * Every line is counted in `stats`: read, malformed (not JSON, or cut off:
 * JSON lines end in `}`), invalid UTF-8, out of range (suspicious). Events go
 * to `emit` in line order; nothing throws.
 */
export class Decoder implements LineSink {
  /** The latest time a line of this read may claim (plus skew): now, or the file's mtime if older. */
  private readAt = 0;
  private check = new LineCheck(0);
  /** An event sniffed from a line's head, handed on only once the line proves whole. */
  private deferred: RolloutEvent | null = null;
  private readonly needles: readonly Needle[] | null;

  /** `kinds`: only these are emitted; lines that cannot hold one are stepped over unread (see `NEEDLES`). */
  constructor(
    readonly stats: ReadStats,
    private readonly emit: (event: RolloutEvent) => void,
    private readonly kinds: ReadonlySet<EventKind> | null = null,
  ) {
    this.needles = kinds === null ? null : needlesFor(kinds);
  }

  /** Before a read's lines: none of them was written after `readAt` (the file's mtime, or now). */
  begin(readAt: number): void {
    this.readAt = readAt;
  }

  head(head: Buffer, first: boolean): boolean {
    this.deferred = null;
    if (this.needles !== null && !sniff(head, this.needles)) {
      this.check = UNCHECKED;
      return false;
    }
    this.check = new LineCheck(this.readAt);
    const decision = classifyHead(head.toString('utf8'), first, this.check);
    if (decision.action === 'parse') return true;
    if (decision.action === 'event') this.deferred = decision.event;
    return false;
  }

  skipped(lastByte: number): void {
    this.stats.linesRead += 1;
    const event = this.deferred;
    this.deferred = null;
    // Every JSON line ends in `}`: anything else is a fragment (a crash mid-write) or garbage.
    if (lastByte !== CLOSE_BRACE && lastByte !== CR && lastByte !== SPACE) {
      this.stats.malformedLines += 1;
      return;
    }
    if (this.check.suspicious) this.stats.suspiciousLines += 1;
    if (event !== null) this.send(event);
  }

  line(line: Buffer, first: boolean): void {
    this.stats.linesRead += 1;
    if (!isUtf8(line)) {
      this.stats.invalidUtf8Lines += 1;
      return;
    }
    const result = parseLine(line.toString('utf8'), first, this.check);
    if (result === 'malformed') {
      this.stats.malformedLines += 1;
      return;
    }
    if (this.check.suspicious) this.stats.suspiciousLines += 1;
    if (result !== 'ignored') this.send(result);
  }

  oversized(): void {
    this.stats.oversizedLines += 1;
  }

  private send(event: RolloutEvent): void {
    if (this.kinds === null || this.kinds.has(event.kind)) this.emit(event);
  }
}

/** The check of a line stepped over unread: nothing in it was ranged, so nothing is out of range. */
const UNCHECKED = new LineCheck(0);
const CLOSE_BRACE = 0x7d;
const CR = 13;
const SPACE = 32;

/**
 * What a line that can become each kind holds near its start. A reader that
 * wants only kinds listed here (usage history) skips every other line on a
 * byte search of its first bytes, before any text is decoded; a kind missing
 * here (activity, approval, legacy) turns the search off.
 */
const NEEDLES: Partial<Record<EventKind, Buffer[]>> = {
  meta: needles('"session_meta"'),
  turnContext: needles('"turn_context"'),
  tokenCount: needles('"token_count"'),
  turnUsage: needles('"token_usage_record"'),
  turnStarted: needles('"task_started"', '"user_message"'),
  turnEnded: needles('"task_complete"', '"turn_aborted"'),
};
/** The envelope and payload types sit in a line's first ~150 bytes. */
const SNIFF_BYTES = 512;

function needles(...texts: string[]): Buffer[] {
  return texts.map((t) => Buffer.from(t));
}

/** The most frequent lines first: most lines a search finds hold a token_count. */
const BY_FREQUENCY: EventKind[] = ['tokenCount', 'turnContext', 'turnUsage', 'turnStarted', 'turnEnded', 'meta'];

/** A needle and where its first `_` is: every kind's type name has one (`token_count`, `session_meta`…). */
interface Needle {
  bytes: Buffer;
  underscore: number;
}

const UNDERSCORE = 0x5f;

/** Worked out once per set of kinds (a reader per file, and 10,000 files in a backfill). */
const NEEDLES_FOR = new WeakMap<ReadonlySet<EventKind>, Needle[] | null>();

function needlesFor(kinds: ReadonlySet<EventKind>): Needle[] | null {
  let found = NEEDLES_FOR.get(kinds);
  if (found === undefined) {
    const all = [...kinds].some((kind) => NEEDLES[kind] === undefined)
      ? null
      : BY_FREQUENCY.filter((kind) => kinds.has(kind)).flatMap((kind) => NEEDLES[kind] ?? []);
    // A needle without an underscore could not be found by the search below: then no search at all.
    found =
      all === null || all.some((b) => b.indexOf(UNDERSCORE) === -1)
        ? null
        : all.map((bytes) => ({ bytes, underscore: bytes.indexOf(UNDERSCORE) }));
    NEEDLES_FOR.set(kinds, found);
  }
  return found;
}

/**
 * True when one of `needles` lies whole in the head's first SNIFF_BYTES.
 * Found from the underscores there (a single-byte search, then a compare at
 * each needle's own underscore) rather than a search per needle: most lines
 * hold none of them, and four full searches of each were a backfill's
 * largest cost after reading. Finds exactly what a search per needle finds.
 */
/** Whether a line with this head may hold one of `kinds` (true when they cannot be searched for). */
export function mayHold(head: Buffer, kinds: ReadonlySet<EventKind>): boolean {
  const needles = needlesFor(kinds);
  return needles === null || sniff(head, needles);
}

function sniff(head: Buffer, needles: readonly Needle[]): boolean {
  const end = Math.min(head.length, SNIFF_BYTES);
  for (let j = head.indexOf(UNDERSCORE); j !== -1 && j < end; j = head.indexOf(UNDERSCORE, j + 1)) {
    for (const { bytes, underscore } of needles) {
      const s = j - underscore;
      if (s < 0 || s + bytes.length > end || head[s] !== bytes[0]) continue;
      if (head.compare(bytes, 0, bytes.length, s, s + bytes.length) === 0) return true;
    }
  }
  return false;
}
