import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { Decompress } from 'fzstd';

/**
 * Zstandard decoders for compressed rollouts (`rollout-*.jsonl.zst`, Codex
 * 0.169's `local_thread_store_compression`, issue 12 §4). Node's own zlib
 * has zstd from 22.15 (so Electron has it); the CLI also runs on Node 20,
 * where the pure-JS `fzstd` decoder is used instead. Either way input and
 * output are streams of chunks: a file is never held whole, compressed or
 * decompressed, and the caller stops it at its own size cap.
 */

type NodeZstd = (options?: zlib.ZlibOptions) => NodeJS.ReadWriteStream;

/** Node's zstd decompressor, when this runtime has one (Node 22.15+, Electron). */
export function nodeZstd(): NodeZstd | null {
  const create = (zlib as unknown as { createZstdDecompress?: NodeZstd }).createZstdDecompress;
  return typeof create === 'function' ? create : null;
}

export type ZstdBackend = 'node' | 'fzstd';

export function defaultBackend(): ZstdBackend {
  return nodeZstd() === null ? 'fzstd' : 'node';
}

/**
 * Decompresses `pieces` (from a FrameWalker: whole zstd frames, already
 * checked) chunk by chunk. Breaking out of the loop stops the decoder.
 * Throws on corrupt data, or when `pieces` throws.
 */
export async function* decompressPieces(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  backend: ZstdBackend = defaultBackend(),
): AsyncGenerator<Uint8Array> {
  const create = backend === 'node' ? nodeZstd() : null;
  if (create !== null) {
    const source = Readable.from(pieces);
    const stream = create();
    // A refused frame (thrown by `pieces`) ends the output with that error, not silently.
    source.on('error', (error) => (stream as unknown as { destroy(e: Error): void }).destroy(error));
    source.pipe(stream);
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
    } finally {
      (stream as unknown as { destroy(): void }).destroy();
      source.destroy();
    }
    return;
  }
  const out: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => {
    if (chunk.length > 0) out.push(chunk);
  });
  for await (const piece of pieces) {
    decoder.push(piece);
    while (out.length > 0) yield out.shift() as Uint8Array;
  }
  decoder.push(new Uint8Array(0), true);
  while (out.length > 0) yield out.shift() as Uint8Array;
}
