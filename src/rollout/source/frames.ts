/**
 * Walks the zstd frame structure of a compressed rollout as its bytes are
 * read, before any of them reaches a decoder: every frame is a zstd or
 * skippable frame, no frame asks for a window over `MAX_WINDOW_BYTES` (a
 * decoder allocates the window up front, so a forged header is a memory
 * bomb), no block is over zstd's 128 KB. What passes is handed on in pieces
 * cut at block boundaries, each decompressing to about 1 MB at most, so a
 * decoder fed one piece at a time never produces much at once (a run of tiny
 * RLE blocks would otherwise expand a few KB into gigabytes).
 */

/**
 * The largest window a frame may ask for: 8 MB (window log 23), what zstd
 * uses at its highest regular level (19). Codex writes level 3, a 2 MB
 * window (codex-rs `zstd::stream::write::Encoder::new(output, 3)`); only
 * `--ultra` and `--long` ask for more (128 MB), and a 22 KB file that asks
 * for that costs hundreds of MB to decode (issue 21 §1).
 */
export const MAX_WINDOW_BYTES = 8 * 1024 * 1024;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** zstd's Block_Maximum_Size: no block regenerates more than this. */
const MAX_BLOCK_BYTES = 128 * 1024;
/** A decoder is fed about this much output's worth of blocks at a time. */
const PIECE_OUTPUT_BYTES = 1024 * 1024;

type State = 'magic' | 'skip' | 'block' | 'checksum';

/** Thrown with the reason a compressed file is refused (`a frame asking for a 128 MB window`). */
export class FrameError extends Error {}

export class FrameWalker {
  private carry = Buffer.alloc(0);
  private state: State = 'magic';
  private skipLeft = 0;
  private checksum = false;
  /** Output the current piece may regenerate (an upper bound). */
  private pending = 0;
  private seen = 0;

  /** Validates the next bytes; returns what may be decoded, in order. Throws a FrameError. */
  push(data: Uint8Array): Buffer[] {
    this.seen += data.length;
    const buf =
      this.carry.length === 0
        ? Buffer.from(data.buffer, data.byteOffset, data.length)
        : Buffer.concat([this.carry, data]);
    const pieces: Buffer[] = [];
    /** Start of the piece being gathered; -1 inside a skippable frame (decoders never see those). */
    let from = this.state === 'skip' ? -1 : 0;
    let pos = 0;
    const cut = (bound: number): void => {
      this.pending += bound;
      if (this.pending < PIECE_OUTPUT_BYTES) return;
      pieces.push(buf.subarray(from, pos));
      from = pos;
      this.pending = 0;
    };
    for (;;) {
      const left = buf.length - pos;
      if (this.state === 'skip') {
        const n = Math.min(this.skipLeft, left);
        pos += n;
        this.skipLeft -= n;
        if (this.skipLeft > 0) break;
        this.state = 'magic';
      } else if (this.state === 'magic') {
        if (left < 4) break;
        const magic = buf.readUInt32LE(pos);
        if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
          if (left < 8) break;
          if (from !== -1 && pos > from) pieces.push(buf.subarray(from, pos));
          this.skipLeft = buf.readUInt32LE(pos + 4);
          pos += 8;
          from = -1;
          this.state = 'skip';
          continue;
        }
        if (magic !== ZSTD_MAGIC) throw new FrameError('not zstd data');
        const length = headerLength(buf, pos, left);
        if (length === null) break;
        if (from === -1) from = pos;
        this.checksum = (((buf[pos + 4] ?? 0) >> 2) & 1) === 1;
        pos += length;
        this.state = 'block';
      } else if (this.state === 'block') {
        if (left < 3) break;
        const header = buf.readUIntLE(pos, 3);
        const type = (header >> 1) & 3;
        const size = header >>> 3;
        if (type === 3) throw new FrameError('a reserved block type');
        if (size > MAX_BLOCK_BYTES) throw new FrameError('a block over 128 KB');
        const length = 3 + (type === 1 ? 1 : size);
        if (left < length) break;
        pos += length;
        if (header & 1) this.state = 'checksum';
        else cut(type === 2 ? MAX_BLOCK_BYTES : size);
      } else {
        if (this.checksum && left < 4) break;
        pos += this.checksum ? 4 : 0;
        this.state = 'magic';
        cut(MAX_BLOCK_BYTES);
      }
    }
    if (from !== -1 && pos > from) pieces.push(buf.subarray(from, pos));
    // Copied: `data` may be a buffer the reader reuses.
    this.carry = Buffer.from(buf.subarray(pos));
    return pieces;
  }

  /** The bytes ended: throws unless they ended between frames. */
  end(): void {
    if (this.seen === 0) throw new FrameError('an empty file');
    if (this.state !== 'magic' || this.carry.length > 0) throw new FrameError('a truncated frame');
  }
}

/**
 * The length of the frame header at `pos` (magic included), once all of it
 * is there (null before). Throws for a header no decoder should be given.
 */
function headerLength(buf: Buffer, pos: number, left: number): number | null {
  if (left < 5) return null;
  const fhd = buf[pos + 4] ?? 0;
  if (fhd & 8) throw new FrameError('a reserved header bit set');
  const singleSegment = (fhd >> 5) & 1;
  const dictBytes = [0, 1, 2, 4][fhd & 3] ?? 0;
  const fcsFlag = fhd >> 6;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  const length = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
  if (left < length) return null;
  let window: number;
  if (singleSegment) {
    // The whole content is the window: its declared size is what gets allocated.
    const at = pos + 5 + dictBytes;
    let size = 0;
    for (let i = fcsBytes - 1; i >= 0; i -= 1) size = size * 256 + (buf[at + i] ?? 0);
    window = fcsBytes === 2 ? size + 256 : size;
  } else {
    const wd = buf[pos + 5] ?? 0;
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  }
  if (window > MAX_WINDOW_BYTES) throw new FrameError(`a frame asking for a ${Math.round(window / 1048576)} MB window`);
  return length;
}

export type FramePlan = { ok: true; pieces: Buffer[] } | { ok: false; reason: string };

/** The walk of a whole compressed file held in memory. */
export function planFrames(data: Uint8Array): FramePlan {
  const walker = new FrameWalker();
  try {
    const pieces = walker.push(data);
    walker.end();
    return { ok: true, pieces };
  } catch (error) {
    if (error instanceof FrameError) return { ok: false, reason: error.message };
    throw error;
  }
}
