import { errorReason } from '../../fs/entryKind.js';
import { HEAD_BYTES } from '../lines.js';
import { openRegular, type Feed, type FileFacts, type SplitState } from './feed.js';

/** Read back this much at a time; a run of lines held whole is at most about this long. */
const CHUNK_BYTES = 64 * 1024;
/** The first line (session_meta) is looked for in this much of the file's start. */
const FIRST_LINE_BYTES = 1024 * 1024;
const NEWLINE = Buffer.from('\n');

/**
 * A large live file read from its end (cold start, issue #10): runs of whole
 * lines, newest run first, each handed to the splitter forward. A line too
 * long to hold is walked past: only its head is read, and its body only when
 * the head asks for it (so a 4 MB tool output costs its 2 KB head). Stops after `maxBytes` (at a run's end); a trailing
 * partial line is left for the forward tail, which resumes at `endOffset`.
 */
export class BackwardSource {
  /** Just past the last newline: where forward tailing resumes. Null until opened. */
  endOffset: number | null = null;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
  ) {}

  async *feeds(lines: SplitState, counter: { bytesRead: number }, signal?: AbortSignal): AsyncGenerator<Feed> {
    const opened = await openRegular(this.path);
    if ('outcome' in opened) return yield { kind: 'done', outcome: opened.outcome };
    const { handle, file } = opened;
    const read = async (length: number, position: number, into?: Buffer): Promise<Buffer> => {
      const buf = into ?? Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, position);
      counter.bytesRead += bytesRead;
      return buf.subarray(0, bytesRead);
    };
    try {
      let end = await lastLineEnd(read, file.size);
      this.endOffset = end;
      yield { kind: 'open', file };
      /** Bytes [heldFrom, end) already read. */
      let held: Buffer = Buffer.alloc(0);
      /** Each block is read here and copied into `held`: no buffer per block left to the GC. */
      const scratch = Buffer.allocUnsafe(CHUNK_BYTES);
      while (end > 0 && counter.bytesRead <= this.maxBytes) {
        if (signal?.aborted === true) return yield { kind: 'done', outcome: { kind: 'aborted' } };
        let heldFrom = end - held.length;
        // The newline that ends the line before this run (the last byte, end - 1, is this run's own).
        let nl = held.subarray(0, held.length - 1).indexOf(10);
        while (nl === -1 && heldFrom > 0 && held.length < CHUNK_BYTES) {
          const from = Math.max(0, heldFrom - CHUNK_BYTES);
          const block = await read(heldFrom - from, from, scratch);
          if (block.length < heldFrom - from) return yield doneRead(file); // shrank under us: the tail will see
          held = Buffer.concat([block, held]);
          heldFrom = from;
          nl = held.subarray(0, held.length - 1).indexOf(10);
        }
        if (nl !== -1 || heldFrom === 0) {
          const start = nl === -1 ? 0 : heldFrom + nl + 1;
          yield { kind: 'run', start };
          yield { kind: 'bytes', bytes: held.subarray(start - heldFrom) };
          // The run is whole: its events go out before the next run is looked for.
          yield { kind: 'end' };
          held = held.subarray(0, start - heldFrom);
          end = start;
          continue;
        }
        // One line longer than is held: find where it starts, holding nothing of it.
        const lastByte = held[held.length - 2] ?? -1;
        const found = await lineStartBefore(read, heldFrom);
        if (found === null) return yield doneRead(file);
        yield* longLine(read, lines, found.start, end, lastByte);
        yield { kind: 'end' };
        held = found.before;
        end = found.start;
      }
      yield doneRead(file);
    } catch (error) {
      yield { kind: 'done', outcome: { kind: 'special', reason: errorReason(error) } };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

/** The file's first line alone (its session_meta), when it ends within the first megabyte. */
export class FirstLineSource {
  constructor(private readonly path: string) {}

  async *feeds(_lines: SplitState, counter: { bytesRead: number }): AsyncGenerator<Feed> {
    const opened = await openRegular(this.path);
    if ('outcome' in opened) return yield { kind: 'done', outcome: opened.outcome };
    const { handle, file } = opened;
    try {
      yield { kind: 'open', file };
      const buf = Buffer.allocUnsafe(32 * 1024);
      const parts: Buffer[] = [];
      for (let pos = 0; pos < FIRST_LINE_BYTES;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
        counter.bytesRead += bytesRead;
        if (bytesRead === 0) break;
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        parts.push(Buffer.from(buf.subarray(0, nl === -1 ? bytesRead : nl + 1)));
        if (nl !== -1) {
          yield { kind: 'bytes', bytes: Buffer.concat(parts) };
          break;
        }
        pos += bytesRead;
      }
      yield doneRead(file);
    } catch (error) {
      yield { kind: 'done', outcome: { kind: 'special', reason: errorReason(error) } };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

/** Reads `length` bytes at `position`, into `into` when given (a scratch buffer reused) or a new buffer. */
type Read = (length: number, position: number, into?: Buffer) => Promise<Buffer>;

/** The line `[start, end)` (`end - 1` is its newline): its head, then its body only if still wanted. */
async function* longLine(
  read: Read,
  lines: SplitState,
  start: number,
  end: number,
  lastByte: number,
): AsyncGenerator<Feed> {
  yield { kind: 'run', start };
  let at = start;
  const head = await read(Math.min(HEAD_BYTES, end - 1 - start), start);
  yield { kind: 'bytes', bytes: head };
  at += head.length;
  while (at < end && !lines.skipping) {
    const part = await read(Math.min(CHUNK_BYTES, end - at), at);
    if (part.length === 0) return;
    yield { kind: 'bytes', bytes: part };
    at += part.length;
  }
  if (at < end) {
    yield { kind: 'gap', bytes: end - 1 - at, lastByte };
    yield { kind: 'bytes', bytes: NEWLINE };
  }
}

/** Walks back from `before` to the newline that starts its line; `before` holds the bytes read ahead of it. */
async function lineStartBefore(read: Read, before: number): Promise<{ start: number; before: Buffer } | null> {
  // One scratch buffer for the whole walk: a 4 MB line is walked past, not allocated 64 times.
  const scratch = Buffer.allocUnsafe(CHUNK_BYTES);
  let pos = before;
  while (pos > 0) {
    const from = Math.max(0, pos - CHUNK_BYTES);
    const block = await read(pos - from, from, scratch);
    if (block.length < pos - from) return null;
    const nl = block.lastIndexOf(10);
    if (nl !== -1) return { start: from + nl + 1, before: Buffer.from(block.subarray(0, nl + 1)) };
    pos = from;
  }
  return { start: 0, before: Buffer.alloc(0) };
}

/** Offset just past the last `\n`: a trailing partial line is left for the forward tail. */
async function lastLineEnd(read: Read, size: number): Promise<number> {
  // Small first: usually the file ends with `\n` and one read of a few KB settles it.
  for (let pos = size; pos > 0;) {
    const from = Math.max(0, pos - 4096);
    const nl = (await read(pos - from, from)).lastIndexOf(10);
    if (nl !== -1) return from + nl + 1;
    pos = from;
  }
  return 0;
}

function doneRead(file: FileFacts): Feed {
  return { kind: 'done', outcome: { kind: 'read', file } };
}
