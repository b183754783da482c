import { open, stat, type FileHandle } from 'node:fs/promises';
import { classifyHead, HEAD_BYTES } from '../rollout/decode/classifyHead.js';
import { linesBackward, type ByteCounter } from './backwardLines.js';
import { isPermissionError, LineTail, OPEN_FLAGS, type HeadVerdict, type TailResult } from './lineTail.js';
import { parseLine } from '../rollout/decode/parseLine.js';
import { LineCheck } from './ranges.js';
import { emptyReadStats, type ReadStats, type RolloutEvent } from '../rollout/types.js';
import { statKind } from '../fs/entryKind.js';
import { decompressChunks, planFrames } from '../rollout/source/zstd.js';

const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** A compressed rollout larger than this on disk is not read (it is skipped and reported). */
export const MAX_COMPRESSED_BYTES = 64 * 1024 * 1024;
/**
 * A compressed rollout that expands past this is skipped and reported: a zip
 * bomb, or a session too large to be worth reading whole. Memory stays
 * bounded either way: lines are handled as they are decompressed.
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export type CompressedRead =
  | { kind: 'read'; events: RolloutEvent[]; mtimeMs: number }
  | { kind: 'missing' }
  | { kind: 'unreadable'; mtimeMs: number }
  /** Not a regular file, too large, corrupt, or expanding past the cap: skipped, never thrown. */
  | { kind: 'skipped'; reason: string };
const CLOSE_BRACE = 0x7d;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface RecentRead {
  /** Events in file order (oldest first). */
  events: RolloutEvent[];
  /** True when the scan reached the start of the file. */
  reachedStart: boolean;
}

/**
 * Turns one rollout file into a stream of normalised events, forwards
 * (incremental tailing) or backwards (reading only the recent end of a large
 * file at cold start). Bad lines are counted in `stats` and never thrown.
 */
export class RolloutReader {
  readonly stats: ReadStats = emptyReadStats();
  private readonly tail: LineTail;
  /** Set when the last read found the file but was refused it (EACCES/EPERM). */
  unreadable = false;
  private sink: (event: RolloutEvent) => void = () => undefined;
  /** An event sniffed from a line's head, handed on only once the line is complete. */
  private deferred: RolloutEvent | null = null;
  /** The latest time a line of the current read may claim (plus skew): now, or the file's mtime if older. */
  private readAt = 0;
  /** The range check of the line being read. */
  private check = new LineCheck(0);

  /** `now` is the clock lines are checked against (injected in tests). */
  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.tail = new LineTail(path, {
      head: (head, index) => this.onHead(head, index),
      line: (line, index) => this.onLine(line, index),
      skipped: (_index, lastByte) => this.onSkipped(lastByte),
      oversized: () => {
        this.stats.oversizedLines += 1;
      },
      begin: (mtimeMs) => this.startRead(mtimeMs),
    });
  }

  /** Reads what was appended since the last call, handing each event to `sink` in order. */
  async readNew(sink: (event: RolloutEvent) => void, onReset: () => void): Promise<TailResult> {
    this.sink = sink;
    const result = await this.tail.read(() => {
      Object.assign(this.stats, emptyReadStats());
      onReset();
    });
    if (result.kind === 'read') this.stats.bytesRead += result.bytes;
    this.unreadable = result.kind === 'unreadable';
    return result;
  }

  /**
   * Reads the file's first line and then walks back from its end, collecting
   * events until `enough` (called newest-first) says so or `maxBytes` is spent.
   * Afterwards forward tailing resumes at the end of what was read, so nothing
   * is read twice. Returns null when the file cannot be opened (`unreadable`
   * then says whether it was refused rather than gone).
   */
  async readRecent(
    enough: (event: RolloutEvent) => boolean,
    maxBytes: number,
    withFirstLine = true,
  ): Promise<RecentRead | null> {
    let handle;
    try {
      handle = await open(this.path, OPEN_FLAGS);
    } catch (error) {
      this.unreadable = isPermissionError(error);
      return null;
    }
    this.unreadable = false;
    try {
      const info = await handle.stat();
      if (!info.isFile()) return null;
      this.startRead(info.mtimeMs);
      const counter: ByteCounter = { bytes: 0 };
      const endOffset = await lastLineEnd(handle, info.size, counter);
      const newestFirst: RolloutEvent[] = [];
      let reachedStart = false;
      let firstLineEnd = -1;
      for await (const line of linesBackward(handle, endOffset, counter)) {
        if (line.start === 0) {
          reachedStart = true;
          firstLineEnd = line.end;
        }
        const event = await this.eventAt(handle, line.start, line.end, line.bytes, counter);
        if (event !== null) newestFirst.push(event);
        if ((event !== null && enough(event)) || counter.bytes > maxBytes) break;
      }
      const events = newestFirst.reverse();
      if (!reachedStart && withFirstLine) {
        // The first line carries session_meta (cwd, id, version): always read it.
        const first = await firstLine(handle, counter);
        if (first !== null) {
          firstLineEnd = first.end;
          const meta = await this.eventAt(handle, 0, first.end, first.bytes, counter);
          if (meta !== null) events.unshift(meta);
        }
      }
      this.stats.bytesRead += counter.bytes;
      // Line indexes after a partial read are unknown; only index 0 matters (legacy detection).
      this.tail.seek(endOffset, info.ino, firstLineEnd >= 0 && endOffset > firstLineEnd ? 1 : 0);
      return { events, reachedStart };
    } catch {
      // A read that fails midway (EIO, a file swapped for something else) is treated like a file that cannot be opened.
      return null;
    } finally {
      await handle.close();
    }
  }

  /**
   * Reads forward from the start of the file until `match` accepts an event
   * or `maxBytes` is spent, and returns that event (null: none, or the file
   * cannot be read). Lines are classified and counted as every read does.
   * For a fork read from its end: its first usage line tells what it
   * inherited (issue 12 §4). Tailing is not affected.
   */
  async readFirst(match: (event: RolloutEvent) => boolean, maxBytes: number): Promise<RolloutEvent | null> {
    let handle;
    try {
      handle = await open(this.path, OPEN_FLAGS);
    } catch {
      return null;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return null;
      this.startRead(info.mtimeMs);
      const counter: ByteCounter = { bytes: 0 };
      const buf = Buffer.allocUnsafe(64 * 1024);
      let lineStart = 0;
      let pos = 0;
      try {
        while (pos < info.size && counter.bytes <= maxBytes) {
          const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, info.size - pos), pos);
          counter.bytes += bytesRead;
          if (bytesRead === 0) break;
          for (let nl = buf.indexOf(10, 0); nl !== -1 && nl < bytesRead; nl = buf.indexOf(10, nl + 1)) {
            const end = pos + nl;
            const event = await this.eventAt(handle, lineStart, end, null, counter);
            lineStart = end + 1;
            if (event !== null && match(event)) return event;
          }
          pos += bytesRead;
        }
        return null;
      } finally {
        this.stats.bytesRead += counter.bytes;
      }
    } catch {
      return null;
    } finally {
      await handle.close();
    }
  }

  /**
   * Reads a whole compressed rollout (`.jsonl.zst`, which never grows),
   * line by line as it decompresses, through the same filters as a plain
   * file. Returns the events `keep` accepts, in file order, only when the
   * whole file was read: a file that is corrupt or expands past
   * `MAX_DECOMPRESSED_BYTES` gives none. Stats restart from zero.
   */
  async readCompressed(keep: (event: RolloutEvent) => boolean = () => true): Promise<CompressedRead> {
    Object.assign(this.stats, emptyReadStats());
    let data: Buffer;
    let mtimeMs: number;
    let handle;
    try {
      handle = await open(this.path, OPEN_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      this.unreadable = isPermissionError(error);
      return this.unreadable
        ? { kind: 'unreadable', mtimeMs: 0 }
        : { kind: 'skipped', reason: `not readable (${code ?? 'error'})` };
    }
    this.unreadable = false;
    try {
      const info = await handle.stat();
      if (!info.isFile()) return { kind: 'skipped', reason: statKind(info) };
      if (info.size > MAX_COMPRESSED_BYTES)
        return { kind: 'skipped', reason: 'a compressed rollout over 64 MB (not read)' };
      mtimeMs = info.mtimeMs;
      data = Buffer.allocUnsafe(info.size);
      let at = 0;
      while (at < data.length) {
        const { bytesRead } = await handle.read(data, at, data.length - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      data = data.subarray(0, at);
      this.stats.bytesRead += at;
    } catch (error) {
      return { kind: 'skipped', reason: `not readable (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    } finally {
      await handle.close();
    }
    const plan = planFrames(data);
    if (!plan.ok) return { kind: 'skipped', reason: `a corrupt compressed rollout (${plan.reason})` };
    const events: RolloutEvent[] = [];
    const previous = this.sink;
    this.sink = (event) => {
      if (keep(event)) events.push(event);
    };
    this.startRead(mtimeMs);
    const lines = new LineSplitter((head, line, lastByte, index) => {
      // As the forward tail does it: an oversized line is counted, then skipped.
      if (this.onHead(head, index) === 'skip') this.onSkipped(lastByte);
      else if (line === null) {
        this.stats.oversizedLines += 1;
        this.onSkipped(lastByte);
      } else this.onLine(line, index);
    });
    let expanded = 0;
    try {
      for await (const chunk of decompressChunks(data, plan.pieces)) {
        expanded += chunk.length;
        if (expanded > MAX_DECOMPRESSED_BYTES)
          return { kind: 'skipped', reason: 'a compressed rollout that expands past 256 MB (not read)' };
        lines.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
      lines.end();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { kind: 'skipped', reason: `a corrupt compressed rollout (${why})` };
    } finally {
      this.sink = previous;
    }
    return { kind: 'read', events, mtimeMs };
  }

  private async eventAt(
    handle: FileHandle,
    start: number,
    end: number,
    bytes: Buffer | null,
    counter: ByteCounter,
  ): Promise<RolloutEvent | null> {
    const length = end - start;
    if (length <= 0) return null;
    let head = bytes;
    if (head === null) {
      head = Buffer.allocUnsafe(Math.min(HEAD_BYTES, length));
      const { bytesRead } = await handle.read(head, 0, head.length, start);
      counter.bytes += bytesRead;
    }
    let found: RolloutEvent | null = null;
    const previous = this.sink;
    this.sink = (event) => {
      found = event;
    };
    try {
      const verdict = this.onHead(head.subarray(0, HEAD_BYTES), start === 0 ? 0 : 1);
      if (verdict === 'skip') {
        // Counted exactly as the forward tail counts a skipped line (issue #10:
        // a large file of junk read backwards used to report 0 malformed lines).
        this.onSkipped(await lastByteOf(handle, end, head, length, counter));
      } else {
        if (length > MAX_LINE_BYTES) {
          this.stats.oversizedLines += 1;
        } else {
          let line = bytes;
          if (line === null) {
            line = Buffer.allocUnsafe(length);
            const { bytesRead } = await handle.read(line, 0, length, start);
            counter.bytes += bytesRead;
          }
          if (line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
          this.onLine(line, start === 0 ? 0 : 1);
        }
      }
    } finally {
      this.sink = previous;
    }
    return found;
  }

  /**
   * No line can have been written after the file's mtime, nor after now: that
   * bounds the time a line may claim (ranges.ts adds the clock-skew allowance).
   */
  private startRead(mtimeMs: number): void {
    this.readAt = Math.min(this.now(), mtimeMs);
  }

  private onHead(head: Buffer, index: number): HeadVerdict {
    this.check = new LineCheck(this.readAt);
    const decision = classifyHead(head.toString('utf8'), index === 0, this.check);
    if (decision.action === 'parse') return 'collect';
    this.deferred = decision.action === 'event' ? decision.event : null;
    return 'skip';
  }

  private onSkipped(lastByte: number): void {
    this.stats.linesRead += 1;
    const event = this.deferred;
    this.deferred = null;
    // Every JSON line ends in `}`: anything else is a fragment (a crash mid-write) or garbage.
    if (lastByte !== CLOSE_BRACE && lastByte !== 13 && lastByte !== 32) {
      this.stats.malformedLines += 1;
      return;
    }
    if (this.check.suspicious) this.stats.suspiciousLines += 1;
    if (event !== null) this.sink(event);
  }

  private onLine(line: Buffer, index: number): void {
    this.stats.linesRead += 1;
    let text: string;
    try {
      text = utf8.decode(line);
    } catch {
      this.stats.invalidUtf8Lines += 1;
      return;
    }
    const result = parseLine(text, index === 0, this.check);
    if (result === 'malformed') {
      this.stats.malformedLines += 1;
      return;
    }
    if (this.check.suspicious) this.stats.suspiciousLines += 1;
    if (result !== 'ignored') this.sink(result);
  }
}

/**
 * Cuts a stream of chunks into lines. Each line is handed on with its head
 * (the first `HEAD_BYTES`), the whole line (null past `MAX_LINE_BYTES`, when
 * only the head is kept) and its last byte, `\r` removed. Empty lines are
 * dropped but counted in the index, as the forward tail does.
 */
class LineSplitter {
  private parts: Buffer[] = [];
  private bytes = 0;
  private head: Buffer | null = null;
  private lastByte = -1;
  private index = 0;

  constructor(private readonly onLine: (head: Buffer, line: Buffer | null, lastByte: number, index: number) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (end > start) this.add(chunk.subarray(start, end));
      if (nl === -1) return;
      this.finish();
      start = nl + 1;
    }
  }

  end(): void {
    this.finish();
  }

  private add(piece: Buffer): void {
    this.lastByte = piece[piece.length - 1] ?? -1;
    this.bytes += piece.length;
    if (this.head !== null) return; // oversized: only the head is kept
    this.parts.push(Buffer.from(piece));
    if (this.bytes > MAX_LINE_BYTES) {
      this.head = Buffer.concat(this.parts).subarray(0, HEAD_BYTES);
      this.parts = [];
    }
  }

  private finish(): void {
    if (this.bytes === 0) {
      this.index += 1;
      return;
    }
    let line = this.head === null ? Buffer.concat(this.parts) : null;
    if (line !== null && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    const head = this.head ?? (line ?? Buffer.alloc(0)).subarray(0, HEAD_BYTES);
    this.onLine(head, line, this.lastByte, this.index);
    this.index += 1;
    this.parts = [];
    this.bytes = 0;
    this.head = null;
    this.lastByte = -1;
  }
}

/** The last byte of the line `[end - length, end)`, from `head` when it holds the whole line. */
async function lastByteOf(
  handle: FileHandle,
  end: number,
  head: Buffer,
  length: number,
  counter: ByteCounter,
): Promise<number> {
  if (head.length >= length) return head[length - 1] ?? -1;
  const one = Buffer.allocUnsafe(1);
  const { bytesRead } = await handle.read(one, 0, 1, end - 1);
  counter.bytes += bytesRead;
  return bytesRead === 1 ? (one[0] ?? -1) : -1;
}

/** Offset just past the last `\n`: a trailing partial line is left for the forward tail. */
async function lastLineEnd(handle: FileHandle, size: number, counter: ByteCounter): Promise<number> {
  // Small first: usually the file ends with `\n` and one read of a few KB settles it.
  const chunk = Buffer.allocUnsafe(4 * 1024);
  let pos = size;
  while (pos > 0) {
    const from = Math.max(0, pos - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, pos - from, from);
    counter.bytes += bytesRead;
    const nl = chunk.subarray(0, bytesRead).lastIndexOf(10);
    if (nl !== -1) return from + nl + 1;
    pos = from;
  }
  return 0;
}

async function firstLine(
  handle: FileHandle,
  counter: ByteCounter,
): Promise<{ end: number; bytes: Buffer | null } | null> {
  const limit = 1024 * 1024;
  const buf = Buffer.allocUnsafe(32 * 1024);
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < limit) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    counter.bytes += bytesRead;
    if (bytesRead === 0) return null;
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    if (nl !== -1) {
      parts.push(Buffer.from(buf.subarray(0, nl)));
      return { end: pos + nl, bytes: Buffer.concat(parts) };
    }
    parts.push(Buffer.from(buf.subarray(0, bytesRead)));
    pos += bytesRead;
  }
  return { end: -1, bytes: null };
}

/**
 * Size and mtime, or null if the file is gone or is not a regular file (a
 * FIFO or device named like a rollout is never opened: opening a FIFO blocks).
 */
export async function fileInfo(path: string): Promise<{ size: number; mtimeMs: number; ino: number } | null> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return null;
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return null;
  }
}
