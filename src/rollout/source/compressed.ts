import { setImmediate as nextTurn } from 'node:timers/promises';
import { openRegular, type ByteSource, type Feed, type FileFacts, type ReadOutcome } from './feed.js';
import { FrameWalker } from './frames.js';
import { decompressPieces, type ZstdBackend } from './zstd.js';

/** A compressed rollout larger than this on disk is not read (it is skipped and reported). */
export const MAX_COMPRESSED_BYTES = 64 * 1024 * 1024;
/**
 * A compressed rollout that expands past this is skipped and reported: a zip
 * bomb, or a session too large to be worth reading whole. Memory stays
 * bounded either way: lines are handled as they are decompressed.
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

/** Compressed bytes are read this much at a time. */
const READ_BYTES = 256 * 1024;
/** After this much output the read lets the event loop run (a signal's handler, an abort), then goes on. */
const TURN_BYTES = 1024 * 1024;

/**
 * A whole `rollout-*.jsonl.zst` (it never grows), decompressed as a stream:
 * read from disk a stretch at a time, its frames checked before any byte is
 * decoded (frames.ts), its output handed on chunk by chunk to the same
 * splitter as a plain file. A file over MAX_COMPRESSED_BYTES, with a
 * refused frame, corrupt, or expanding past MAX_DECOMPRESSED_BYTES ends as
 * `special` with the reason; what it gave before that is for the caller to
 * drop (a compressed file counts whole or not at all).
 */
export function compressedSource(path: string, opts: CompressedOptions = {}): ByteSource {
  return { feeds: (_lines, counter, signal) => compressedFeeds(path, opts, counter, signal) };
}

export interface CompressedOptions {
  /** Given what the file is, 0 reads it and null leaves it (a compressed file is read whole or not at all). */
  start?: (file: FileFacts) => 0 | null;
  backend?: ZstdBackend;
}

async function* compressedFeeds(
  path: string,
  { start, backend }: CompressedOptions,
  counter: { bytesRead: number },
  signal: AbortSignal | undefined,
): AsyncGenerator<Feed> {
  const opened = await openRegular(path);
  if ('outcome' in opened) return yield done(opened.outcome);
  const { handle, file } = opened;
  try {
    if (start !== undefined && start(file) === null) return yield done({ kind: 'read', file });
    if (file.size > MAX_COMPRESSED_BYTES) return yield skipped('a compressed rollout over 64 MB (not read)');
    yield { kind: 'open', file };
    const walker = new FrameWalker();
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let at = 0; ;) {
        // A fresh buffer each time: a decoder may keep what it was given.
        const buf = Buffer.allocUnsafe(READ_BYTES);
        const bytesRead = await handle.read(buf, 0, buf.length, at).then(
          (r) => r.bytesRead,
          (error: unknown) => {
            throw new ReadFailure((error as NodeJS.ErrnoException | null)?.code ?? 'error');
          },
        );
        if (bytesRead === 0) break;
        counter.bytesRead += bytesRead;
        at += bytesRead;
        yield* walker.push(buf.subarray(0, bytesRead));
      }
      walker.end();
    }
    let expanded = 0;
    let sinceTurn = 0;
    for await (const chunk of decompressPieces(pieces(), backend)) {
      if (isAborted(signal)) return yield done({ kind: 'aborted' });
      expanded += chunk.length;
      if (expanded > MAX_DECOMPRESSED_BYTES)
        return yield skipped('a compressed rollout that expands past 256 MB (not read)');
      yield { kind: 'bytes', bytes: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
      sinceTurn += chunk.length;
      if (sinceTurn >= TURN_BYTES) {
        // Decoding and splitting never wait on anything: without this, a stop signal could not be seen until the end.
        sinceTurn = 0;
        await nextTurn();
        if (isAborted(signal)) return yield done({ kind: 'aborted' });
      }
    }
    yield { kind: 'end' };
    yield done({ kind: 'read', file });
  } catch (error) {
    if (error instanceof ReadFailure) yield skipped(`not readable (${error.message})`);
    else yield skipped(`a corrupt compressed rollout (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The disk, not the data: the file could not be read. */
class ReadFailure extends Error {}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function done(outcome: ReadOutcome): Feed {
  return { kind: 'done', outcome };
}

function skipped(reason: string): Feed {
  return done({ kind: 'special', reason });
}
