import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { Decompress } from 'fzstd';

/**
 * Zstandard decompression for compressed rollouts (`rollout-*.jsonl.zst`,
 * Codex 0.169's `local_thread_store_compression`, issue 12 §4). Node's own
 * zlib has zstd from 22.15 (so Electron has it); the CLI also runs on Node 20,
 * where the pure-JS `fzstd` decoder is used instead. Either way the output is
 * a stream of chunks, so a file is never held decompressed in memory, and the
 * caller stops it at its own size cap.
 */

/** The largest window a frame may ask for: zstd's own default decoder limit (2^27). */
export const MAX_WINDOW_BYTES = 128 * 1024 * 1024;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

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

/** zstd's Block_Maximum_Size: no block regenerates more than this. */
const MAX_BLOCK_BYTES = 128 * 1024;
/** The pure-JS decoder is fed about this much output's worth of blocks at a time. */
const PIECE_OUTPUT_BYTES = 1024 * 1024;

export type FramePlan = { ok: true; pieces: number[] } | { ok: false; reason: string };

/**
 * Walks the frame structure without decompressing anything: every frame is
 * a zstd or skippable frame, no frame asks for a window over
 * `MAX_WINDOW_BYTES` (a decoder allocates that much up front, so a forged
 * header is a memory bomb), no block is over zstd's 128 KB, and the blocks
 * tile the input exactly. On success, `pieces` are end offsets that cut the
 * input at block boundaries into runs that each decompress to about 1 MB at
 * most, so a decoder fed one piece at a time never produces much at once
 * (a run of tiny RLE blocks would otherwise expand a few KB into gigabytes).
 */
export function planFrames(data: Uint8Array): FramePlan {
  const pieces: number[] = [];
  const reason = walkFrames(data, pieces);
  return reason === null ? { ok: true, pieces } : { ok: false, reason };
}

function walkFrames(data: Uint8Array, pieces: number[]): string | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let pending = 0;
  const cut = (bound: number): void => {
    pending += bound;
    if (pending >= PIECE_OUTPUT_BYTES) {
      pieces.push(pos);
      pending = 0;
    }
  };
  if (data.length === 0) return 'an empty file';
  while (pos < data.length) {
    if (pos + 4 > data.length) return 'a truncated frame';
    const magic = view.getUint32(pos, true);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > data.length) return 'a truncated frame';
      pos += 8 + view.getUint32(pos + 4, true);
      if (pos > data.length) return 'a truncated frame';
      continue;
    }
    if (magic !== ZSTD_MAGIC) return 'not zstd data';
    pos += 4;
    if (pos >= data.length) return 'a truncated frame';
    const fhd = data[pos] ?? 0;
    pos += 1;
    const singleSegment = (fhd >> 5) & 1;
    const checksum = (fhd >> 2) & 1;
    const dictBytes = [0, 1, 2, 4][fhd & 3] ?? 0;
    const fcsFlag = fhd >> 6;
    if (fhd & 8) return 'a reserved header bit set';
    let window = 0;
    if (!singleSegment) {
      const wd = data[pos] ?? 0;
      pos += 1;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    pos += dictBytes;
    const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
    if (pos + fcsBytes > data.length) return 'a truncated frame';
    if (singleSegment) {
      // The whole content is the window: its declared size is what gets allocated.
      let size = 0;
      for (let i = fcsBytes - 1; i >= 0; i -= 1) size = size * 256 + (data[pos + i] ?? 0);
      window = fcsBytes === 2 ? size + 256 : size;
    }
    pos += fcsBytes;
    if (window > MAX_WINDOW_BYTES) return `a frame asking for a ${Math.round(window / 1048576)} MB window`;
    for (;;) {
      if (pos + 3 > data.length) return 'a truncated frame';
      const header = (data[pos] ?? 0) | ((data[pos + 1] ?? 0) << 8) | ((data[pos + 2] ?? 0) << 16);
      pos += 3;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) return 'a reserved block type';
      if (size > MAX_BLOCK_BYTES) return 'a block over 128 KB';
      pos += type === 1 ? 1 : size;
      if (pos > data.length) return 'a truncated frame';
      if (header & 1) break;
      cut(type === 2 ? MAX_BLOCK_BYTES : size);
    }
    pos += checksum * 4;
    if (pos > data.length) return 'a truncated frame';
    cut(MAX_BLOCK_BYTES);
  }
  if (pieces[pieces.length - 1] !== data.length) pieces.push(data.length);
  return null;
}

/**
 * Decompresses `data` chunk by chunk; `pieces` come from `planFrames`.
 * Breaking out of the loop stops the decoder. Throws on corrupt data.
 */
export async function* decompressChunks(
  data: Uint8Array,
  pieces: readonly number[],
  backend: ZstdBackend = defaultBackend(),
): AsyncGenerator<Uint8Array> {
  const create = backend === 'node' ? nodeZstd() : null;
  if (create !== null) {
    const stream = Readable.from([data]).pipe(create());
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
    } finally {
      (stream as unknown as { destroy(): void }).destroy();
    }
    return;
  }
  const out: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => {
    out.push(chunk);
  });
  let at = 0;
  for (const end of pieces) {
    decoder.push(data.subarray(at, end), end === data.length);
    at = end;
    while (out.length > 0) {
      const chunk = out.shift();
      if (chunk !== undefined && chunk.length > 0) yield chunk;
    }
  }
}
