import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { errorReason, statKind } from '../fs/entryKind.js';
import { OPEN_FLAGS } from '../fs/readBounded.js';

/** What a line's head tells the tail to do with the rest of the line. */
export type HeadVerdict = 'collect' | 'skip';

export interface LineHandler {
  /** Called once per line with its first `headBytes` bytes (or the whole line if shorter). */
  head(head: Buffer, lineIndex: number, complete: boolean): HeadVerdict;
  /** Called with a whole line (no `\n`) the head asked to collect. */
  line(line: Buffer, lineIndex: number): void;
  /**
   * Called at the end of a non-empty line that was not collected, with its
   * last byte (a cheap sign of truncation: JSON lines end in `}`).
   */
  skipped(lineIndex: number, lastByte: number): void;
  /** A collected line grew past `maxLineBytes` and was dropped. */
  oversized(lineIndex: number): void;
  /** Called before the lines of a read, with the file's mtime: no line in it was written later. */
  begin?(mtimeMs: number): void;
}

export interface TailOptions {
  headBytes: number;
  maxLineBytes: number;
  chunkBytes: number;
}

export const DEFAULT_TAIL_OPTIONS: TailOptions = {
  headBytes: 2048,
  maxLineBytes: 16 * 1024 * 1024,
  chunkBytes: 256 * 1024,
};

export type TailResult =
  | { kind: 'read'; bytes: number; reset: boolean; size: number; mtimeMs: number }
  | { kind: 'missing' }
  /** Not a regular file (a directory, a FIFO, a device), or a read failed: skipped, never thrown. */
  | { kind: 'special'; reason: string }
  /** The file is there but may not be read (EACCES/EPERM: a `sudo codex` leaves mode-600 root files behind). */
  | { kind: 'unreadable'; mtimeMs: number };

/** Opening never waits (src/fs/readBounded.ts): a FIFO that replaced the file cannot block the thread pool. */
export { OPEN_FLAGS } from '../fs/readBounded.js';

type Mode = 'head' | 'collect' | 'skip';

/**
 * Reads a growing file incrementally by byte offset. Only complete lines are
 * handed on; the unterminated remainder waits for the next read. Lines the
 * handler skips are dropped as they stream past, so a 50 MB line costs no
 * memory. A file that shrank or changed inode is re-read from 0.
 */
export class LineTail {
  private offset = 0;
  private ino: number | null = null;
  private lineIndex = 0;
  private mode: Mode = 'head';
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Last byte of the current line seen so far (kept even while skipping). */
  private lastByte = -1;
  private readonly opts: TailOptions;

  constructor(
    readonly path: string,
    private readonly handler: LineHandler,
    opts: Partial<TailOptions> = {},
  ) {
    this.opts = { ...DEFAULT_TAIL_OPTIONS, ...opts };
  }

  /** Byte offset up to which the file has been consumed (including a buffered partial line). */
  get position(): number {
    return this.offset;
  }

  /** Starts reading at `offset`, which must be the start of a line (used after a tail-first cold read). */
  seek(offset: number, ino: number, lineIndex: number): void {
    this.offset = offset;
    this.ino = ino;
    this.lineIndex = lineIndex;
    this.clearLine();
  }

  /**
   * Reads whatever was appended since the last call. `onReset` runs before any
   * line when the file was truncated or replaced, so callers can drop state.
   */
  async read(onReset: () => void = () => undefined): Promise<TailResult> {
    let info;
    try {
      info = await stat(this.path, { bigint: false });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR'
        ? { kind: 'missing' }
        : { kind: 'special', reason: errorReason(error) };
    }
    if (!info.isFile()) return { kind: 'special', reason: statKind(info) };
    let reset = false;
    if ((this.ino !== null && info.ino !== this.ino) || info.size < this.offset) {
      this.offset = 0;
      this.lineIndex = 0;
      this.clearLine();
      reset = true;
      onReset();
    }
    this.ino = info.ino;
    if (info.size === this.offset) return { kind: 'read', bytes: 0, reset, size: info.size, mtimeMs: info.mtimeMs };
    this.handler.begin?.(info.mtimeMs);
    let handle: FileHandle;
    try {
      handle = await open(this.path, OPEN_FLAGS);
    } catch (error) {
      return isPermissionError(error) ? { kind: 'unreadable', mtimeMs: info.mtimeMs } : { kind: 'missing' };
    }
    let bytes = 0;
    try {
      bytes = await this.readFrom(handle, info.size);
    } catch (error) {
      return { kind: 'special', reason: errorReason(error) };
    } finally {
      await handle.close();
    }
    return { kind: 'read', bytes, reset, size: info.size, mtimeMs: info.mtimeMs };
  }

  private async readFrom(handle: FileHandle, size: number): Promise<number> {
    // Sized to what is there: a typical append is a few hundred bytes, and a
    // fresh 256 KB buffer per append is RSS until the next GC.
    const chunk = Buffer.allocUnsafe(Math.min(this.opts.chunkBytes, size - this.offset));
    let total = 0;
    while (this.offset < size) {
      const want = Math.min(chunk.length, size - this.offset);
      const { bytesRead } = await handle.read(chunk, 0, want, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      total += bytesRead;
      this.feed(chunk.subarray(0, bytesRead));
    }
    return total;
  }

  /** Splits a chunk into lines, driving the head/collect/skip state machine. */
  private feed(data: Buffer): void {
    let start = 0;
    while (start < data.length) {
      const nl = data.indexOf(10, start);
      const end = nl === -1 ? data.length : nl;
      if (end > start) this.append(data.subarray(start, end));
      if (nl === -1) return;
      this.finishLine();
      start = nl + 1;
    }
  }

  private append(part: Buffer): void {
    this.lastByte = part[part.length - 1] ?? this.lastByte;
    if (this.mode === 'skip') return;
    // Copy: `part` points into the reusable chunk buffer.
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
    if (this.mode === 'head' && this.pendingBytes >= this.opts.headBytes) {
      const head = this.joined().subarray(0, this.opts.headBytes);
      this.mode = this.handler.head(head, this.lineIndex, false) === 'collect' ? 'collect' : 'skip';
      if (this.mode === 'skip') this.dropPending();
    }
    if (this.mode === 'collect' && this.pendingBytes > this.opts.maxLineBytes) {
      this.handler.oversized(this.lineIndex);
      this.mode = 'skip';
      this.dropPending();
    }
  }

  private finishLine(): void {
    let collected = false;
    if (this.mode !== 'skip' && this.pendingBytes > 0) {
      let line = this.joined();
      if (line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
      collected = this.mode === 'collect' || this.handler.head(line, this.lineIndex, true) === 'collect';
      if (collected) this.handler.line(line, this.lineIndex);
    }
    if (!collected && this.lastByte !== -1) this.handler.skipped(this.lineIndex, this.lastByte);
    this.lineIndex += 1;
    this.clearLine();
  }

  private joined(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    return this.pending[0] ?? Buffer.alloc(0);
  }

  private dropPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  private clearLine(): void {
    this.mode = 'head';
    this.lastByte = -1;
    this.dropPending();
  }
}

/** EACCES or EPERM: the entry exists but this user may not read it. */
export function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM';
}
