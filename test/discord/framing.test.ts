import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError, MAX_FRAME_BYTES, OP } from '../../src/discord/framing.js';
import { frame } from '../support/fakeDiscord.js';

describe('IPC framing', () => {
  it('encodes the 8-byte little-endian header then JSON, like the independent test encoder', () => {
    const data = { cmd: 'SET_ACTIVITY', args: { pid: 1, activity: { details: 'Héllo 🙂' } }, nonce: 'n' };
    expect(encodeFrame(OP.FRAME, data).equals(frame(1, data))).toBe(true);
    const bytes = encodeFrame(OP.HANDSHAKE, { v: 1, client_id: '123' });
    expect(bytes.readInt32LE(0)).toBe(0);
    expect(bytes.readInt32LE(4)).toBe(bytes.length - 8);
  });

  it('decodes frames split at every byte and several frames in one chunk', () => {
    const a = frame(1, { evt: 'READY', n: 1 });
    const b = frame(3, { ping: 'é' });
    const all = Buffer.concat([a, b, a]);
    for (let cut = 0; cut <= all.length; cut += 1) {
      const d = new FrameDecoder();
      const frames = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      expect(frames.map((f) => f.op)).toEqual([1, 3, 1]);
      expect(frames[1]?.data).toEqual({ ping: 'é' });
    }
  });

  it('rejects garbage: unknown opcodes, oversized lengths, non-JSON bodies', () => {
    const bad = Buffer.alloc(8);
    bad.writeInt32LE(9, 0);
    expect(() => new FrameDecoder().push(bad)).toThrow(FrameError);
    const huge = Buffer.alloc(8);
    huge.writeInt32LE(1, 0);
    huge.writeInt32LE(MAX_FRAME_BYTES + 1, 4);
    expect(() => new FrameDecoder().push(huge)).toThrow(/out of bounds/);
    const notJson = Buffer.concat([Buffer.from([1, 0, 0, 0, 3, 0, 0, 0]), Buffer.from('{x]')]);
    expect(() => new FrameDecoder().push(notJson)).toThrow(/not JSON/);
  });

  it('holds at most one unfinished frame, even from a peer trickling a large frame', () => {
    const big = frame(1, { pad: 'x'.repeat(200_000) });
    const d = new FrameDecoder();
    let most = 0;
    let out = 0;
    for (let i = 0; i < 3; i += 1) {
      for (let at = 0; at < big.length; at += 97) {
        out += d.push(big.subarray(at, Math.min(big.length, at + 97))).length;
        most = Math.max(most, d.bufferedBytes);
      }
    }
    expect(out).toBe(3);
    expect(most).toBeLessThan(big.length);
    expect(d.bufferedBytes).toBe(0);
  });

  it('never holds more than the largest frame allowed, whatever the peer sends', () => {
    const d = new FrameDecoder();
    const head = Buffer.alloc(8);
    head.writeInt32LE(1, 0);
    head.writeInt32LE(MAX_FRAME_BYTES, 4);
    d.push(head);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let most = 0;
    for (let sent = 0; sent < MAX_FRAME_BYTES - chunk.length; sent += chunk.length) {
      d.push(chunk);
      most = Math.max(most, d.bufferedBytes);
    }
    expect(most).toBeGreaterThan(MAX_FRAME_BYTES / 2);
    expect(most).toBeLessThanOrEqual(8 + MAX_FRAME_BYTES);
  });
});
