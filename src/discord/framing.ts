/**
 * Discord's local IPC framing: an 8-byte little-endian header (opcode,
 * length) followed by that many bytes of JSON.
 */
export const OP = { HANDSHAKE: 0, FRAME: 1, CLOSE: 2, PING: 3, PONG: 4 } as const;
export type Opcode = (typeof OP)[keyof typeof OP];

/** Discord's own payloads are a few KB; anything near this is garbage or hostile. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export interface Frame {
  op: Opcode;
  data: unknown;
}

/** One whole frame as one buffer, so it goes out in a single write. */
export function encodeFrame(op: Opcode, data: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(data), 'utf8');
  const frame = Buffer.alloc(8 + json.length);
  frame.writeInt32LE(op, 0);
  frame.writeInt32LE(json.length, 4);
  json.copy(frame, 8);
  return frame;
}

export class FrameError extends Error {}

/**
 * Reassembles frames from a byte stream: frames split across reads and
 * several frames in one read both come out whole and in order. An unknown
 * opcode, an oversized length or a body that is not JSON throws FrameError;
 * the caller then closes the connection.
 *
 * What it holds is bounded: never more than one unfinished frame (at most
 * 8 + MAX_FRAME_BYTES). Pieces of an unfinished frame are only joined once
 * the whole frame is there, so a peer trickling a large frame byte by byte
 * costs linear, not quadratic, copying.
 */
export class FrameDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes needed before another frame can come out. */
  private need = 8;

  /** Bytes received and not yet decoded. */
  get bufferedBytes(): number {
    return this.size;
  }

  push(chunk: Buffer): Frame[] {
    this.parts.push(chunk);
    this.size += chunk.length;
    const frames: Frame[] = [];
    if (this.size < this.need) return frames;
    let buffer = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    this.need = 8;
    while (buffer.length >= 8) {
      const op = buffer.readInt32LE(0);
      const length = buffer.readInt32LE(4);
      if (op < 0 || op > 4) throw new FrameError(`unknown opcode ${op}`);
      if (length < 0 || length > MAX_FRAME_BYTES) throw new FrameError(`frame of ${length} bytes is out of bounds`);
      if (buffer.length < 8 + length) {
        this.need = 8 + length;
        break;
      }
      const body = buffer.subarray(8, 8 + length);
      buffer = buffer.subarray(8 + length);
      let data: unknown;
      try {
        data = JSON.parse(body.toString('utf8'));
      } catch {
        throw new FrameError('frame body is not JSON');
      }
      frames.push({ op: op as Opcode, data });
    }
    this.parts = buffer.length > 0 ? [buffer] : [];
    this.size = buffer.length;
    return frames;
  }
}
