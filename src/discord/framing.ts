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
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    while (this.buffer.length >= 8) {
      const op = this.buffer.readInt32LE(0);
      const length = this.buffer.readInt32LE(4);
      if (op < 0 || op > 4) throw new FrameError(`unknown opcode ${op}`);
      if (length < 0 || length > MAX_FRAME_BYTES) throw new FrameError(`frame of ${length} bytes is out of bounds`);
      if (this.buffer.length < 8 + length) break;
      const body = this.buffer.subarray(8, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      let data: unknown;
      try {
        data = JSON.parse(body.toString('utf8'));
      } catch {
        throw new FrameError('frame body is not JSON');
      }
      frames.push({ op: op as Opcode, data });
    }
    return frames;
  }
}
