import { LineCheck } from '../../codex/ranges.js';
import type { LineSink } from '../lines.js';
import type { ReadStats, RolloutEvent } from '../types.js';
import { classifyHead } from './classifyHead.js';
import { parseLine } from './parseLine.js';

export type EventKind = RolloutEvent['kind'];

/**
 * Raw lines to ranged events: the one place a rollout line's JSON is read and
 * the range rules of src/codex/ranges.ts apply (a `LineCheck` per line).
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
  private readonly needles: Buffer[] | null;

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
    this.check = new LineCheck(this.readAt);
    this.deferred = null;
    if (this.needles !== null && !sniff(head, this.needles)) return false;
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
    let text: string;
    try {
      text = utf8.decode(line);
    } catch {
      this.stats.invalidUtf8Lines += 1;
      return;
    }
    const result = parseLine(text, first, this.check);
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

const CLOSE_BRACE = 0x7d;
const CR = 13;
const SPACE = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What a line that can become each kind holds near its start. A reader that
 * wants only kinds listed here (usage history) skips every other line on a
 * byte search of its first bytes, before any text is decoded; a kind missing
 * here (activity, approval, legacy) turns the search off.
 */
const NEEDLES: Partial<Record<EventKind, string[]>> = {
  meta: ['"session_meta"'],
  turnContext: ['"turn_context"'],
  tokenCount: ['"token_count"'],
  turnUsage: ['"token_usage_record"'],
  turnStarted: ['"task_started"', '"user_message"'],
  turnEnded: ['"task_complete"', '"turn_aborted"'],
};
/** The envelope and payload types sit in a line's first ~150 bytes. */
const SNIFF_BYTES = 512;

function needlesFor(kinds: ReadonlySet<EventKind>): Buffer[] | null {
  const out: Buffer[] = [];
  for (const kind of kinds) {
    const needles = NEEDLES[kind];
    if (needles === undefined) return null;
    out.push(...needles.map((n) => Buffer.from(n)));
  }
  return out;
}

function sniff(head: Buffer, needles: readonly Buffer[]): boolean {
  const start = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  for (const needle of needles) if (start.indexOf(needle) !== -1) return true;
  return false;
}
