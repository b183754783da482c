/**
 * The one line splitter of every rollout read (plain tail, backward, zstd):
 * cuts bytes into lines, asks the sink about each line from its head, and
 * streams the rest of a line nobody wants past without copying it.
 */

/**
 * How much of a line's start is enough to decide what it is (decode/classifyHead.ts).
 * Codex writes `{"timestamp",("ordinal"),"type","payload":{"type",…}}`, so
 * the kinds sit in the first few hundred bytes even when the line is many
 * megabytes long.
 */
export const HEAD_BYTES = 2048;
/** A line longer than this is dropped (and counted): no rollout line Codex writes is near it. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineSink {
  /**
   * A line's first `HEAD_BYTES` bytes, or the whole line (without its `\r`)
   * when it is shorter. True asks for the whole line.
   */
  head(head: Buffer, first: boolean): boolean;
  /** The whole line the head asked for, without `\n` and a trailing `\r`. Valid only during the call. */
  line(line: Buffer, first: boolean): void;
  /** A non-empty line that was not collected, by its last byte (JSON lines end in `}`). */
  skipped(lastByte: number): void;
  /** A collected line grew past the cap and was dropped (it is then also `skipped`). */
  oversized(): void;
}

export interface SplitOptions {
  headBytes?: number;
  maxLineBytes?: number;
}

type Mode = 'head' | 'collect' | 'skip';

const NEWLINE = 10;
const CR = 13;
/** Empty lines are stepped over this many at a time (a compressed file of newlines is a bomb otherwise). */
const NEWLINE_BLOCK = 4096;
const NEWLINES = Buffer.alloc(NEWLINE_BLOCK, NEWLINE);

/**
 * Splits a byte stream into lines for a `LineSink`. A line is the sink's
 * `first` when it starts at offset 0. Positions are byte offsets in the
 * stream (the file, or the decompressed bytes): `position` is where the next
 * byte goes, `lineStart` is just past the last complete line. A line cut off
 * at the end of the bytes waits for more, or for `end()`.
 */
export class LineSplitter {
  private pos: number;
  private start: number;
  private mode: Mode = 'head';
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Last byte of the current line seen so far (kept while skipping), -1 before any. */
  private lastByte = -1;
  private readonly headBytes: number;
  private readonly maxLineBytes: number;

  constructor(
    private readonly sink: LineSink,
    at = 0,
    opts: SplitOptions = {},
  ) {
    this.pos = at;
    this.start = at;
    this.headBytes = opts.headBytes ?? HEAD_BYTES;
    this.maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  }

  get position(): number {
    return this.pos;
  }

  /** Offset just past the last complete line: where a later read starts again. */
  get lineStart(): number {
    return this.start;
  }

  /** True while the rest of the current line is not wanted (its head said so, or it is over the cap). */
  get skipping(): boolean {
    return this.mode === 'skip';
  }

  /** Forgets any partial line and starts at `at`, which must be the start of a line. */
  reset(at: number): void {
    this.pos = at;
    this.start = at;
    this.clear();
  }

  push(data: Buffer): void {
    const base = this.pos;
    const n = data.length;
    let i = 0;
    while (i < n) {
      if (this.atLineStart()) {
        i = pastNewlines(data, i);
        this.start = base + i;
        if (i >= n) break;
      }
      const nl = data.indexOf(NEWLINE, i);
      if (nl === -1) {
        this.append(data.subarray(i));
        break;
      }
      // A line whole in this chunk is handed on where it lies, never copied.
      if (this.atLineStart()) this.whole(data.subarray(i, nl));
      else {
        if (nl > i) this.append(data.subarray(i, nl));
        this.finish();
      }
      i = nl + 1;
      this.start = base + i;
      this.clear();
    }
    this.pos = base + n;
  }

  /**
   * Steps over `bytes` bytes of the current line without reading them, for a
   * source that knows where a skipped line ends (the backward read). They
   * hold no newline; `lastByte` is the last of them.
   */
  skip(bytes: number, lastByte: number): void {
    if (this.mode !== 'skip') throw new Error('only a skipped line can be stepped over');
    this.pos += bytes;
    if (bytes > 0) this.lastByte = lastByte;
  }

  /** The bytes are complete: a last line without its newline is whole (a compressed rollout is finished). */
  end(): void {
    if (this.atLineStart()) return;
    this.finish();
    this.start = this.pos;
    this.clear();
  }

  private atLineStart(): boolean {
    return this.lastByte === -1 && this.partBytes === 0 && this.mode === 'head';
  }

  /** A complete line, `\n` excluded. */
  private whole(line: Buffer): void {
    const first = this.start === 0;
    const last = line[line.length - 1] ?? -1;
    const body = last === CR ? line.subarray(0, line.length - 1) : line;
    const wanted =
      line.length >= this.headBytes
        ? this.sink.head(line.subarray(0, this.headBytes), first)
        : this.sink.head(body, first);
    if (!wanted) return this.sink.skipped(last);
    if (line.length > this.maxLineBytes) {
      this.sink.oversized();
      return this.sink.skipped(last);
    }
    this.sink.line(body, first);
  }

  /** Part of a line that goes on past this chunk. */
  private append(part: Buffer): void {
    this.lastByte = part[part.length - 1] ?? this.lastByte;
    if (this.mode === 'skip') return;
    if (this.mode === 'head' && this.partBytes + part.length >= this.headBytes) {
      const need = this.headBytes - this.partBytes;
      const head = Buffer.concat([...this.parts, part.subarray(0, need)], this.headBytes);
      this.mode = this.sink.head(head, this.start === 0) ? 'collect' : 'skip';
      if (this.mode === 'skip') return this.drop();
    }
    // Copied: `part` may point into a buffer the source reuses.
    this.parts.push(Buffer.from(part));
    this.partBytes += part.length;
    if (this.mode === 'collect' && this.partBytes > this.maxLineBytes) {
      this.sink.oversized();
      this.mode = 'skip';
      this.drop();
    }
  }

  /** The end of a line that began in an earlier chunk. */
  private finish(): void {
    let collected = false;
    if (this.mode !== 'skip' && this.partBytes > 0) {
      let line = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.partBytes);
      if (line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      collected = this.mode === 'collect' || this.sink.head(line, this.start === 0);
      if (collected) this.sink.line(line, this.start === 0);
    }
    if (!collected && this.lastByte !== -1) this.sink.skipped(this.lastByte);
  }

  private drop(): void {
    this.parts = [];
    this.partBytes = 0;
  }

  private clear(): void {
    this.mode = 'head';
    this.lastByte = -1;
    this.drop();
  }
}

/** The index of the first byte at or after `i` that is not a newline. */
function pastNewlines(data: Buffer, i: number): number {
  const n = data.length;
  let run = 0;
  while (i < n && data[i] === NEWLINE) {
    i += 1;
    run += 1;
    if (run === 64) {
      while (n - i >= NEWLINE_BLOCK && data.compare(NEWLINES, 0, NEWLINE_BLOCK, i, i + NEWLINE_BLOCK) === 0)
        i += NEWLINE_BLOCK;
      run = 0;
    }
  }
  return i;
}
