import type { Socket } from 'node:net';
import { MAX_FRAME_BYTES } from './framing.js';

/**
 * Bytes we let wait unsent for the peer before we call it stuck. Our own
 * frames are a few KB; the largest legitimate wait is one PONG echoing a
 * PING of the largest frame we accept, plus what is already queued.
 */
export const MAX_UNSENT_BYTES = 2 * MAX_FRAME_BYTES;

/** How long the peer may leave our writes unread before the connection is dropped. */
export const STALL_TIMEOUT_MS = 5000;

/**
 * Writes to the IPC socket with backpressure (issue 11 §5: a peer flooding
 * PINGs and never reading drove memory from 54 to 290 MB). When the socket
 * buffers more than its high-water mark, reading stops too, so a flood of
 * PINGs waits in the peer's kernel buffer, not in ours. The peer then has
 * `stallMs` to read before `onStuck` fires, and a write that would leave more
 * than `MAX_UNSENT_BYTES` unsent fails at once. Either way the caller drops
 * the connection.
 */
export class Outbox {
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly onDrain = (): void => {
    this.clearStall();
    if (!this.disposed) this.socket.resume();
  };
  private disposed = false;
  /** The most bytes ever left unsent at once: what this connection costs in memory. */
  peakUnsentBytes = 0;

  constructor(
    private readonly socket: Socket,
    private onStuck: (detail: string) => void,
    private readonly stallMs = STALL_TIMEOUT_MS,
    private readonly maxUnsent = MAX_UNSENT_BYTES,
  ) {
    socket.on('drain', this.onDrain);
  }

  /** Who hears about a stuck peer (the handshake, then the open connection). */
  setOnStuck(onStuck: (detail: string) => void): void {
    this.onStuck = onStuck;
  }

  get unsentBytes(): number {
    return this.socket.writableLength;
  }

  /** Queues one frame. False when the peer is too far behind: the caller must drop the connection. */
  write(bytes: Buffer): boolean {
    if (this.disposed || this.socket.destroyed) return false;
    const unsent = this.socket.writableLength;
    if (unsent + bytes.length > this.maxUnsent) {
      this.onStuck(`Discord is not reading from the socket (${unsent} bytes unsent)`);
      return false;
    }
    const flowing = this.socket.write(bytes);
    this.peakUnsentBytes = Math.max(this.peakUnsentBytes, this.socket.writableLength);
    if (!flowing && this.stallTimer === null) {
      // Stop reading until the peer catches up: a flood now fills its buffers, not ours.
      this.socket.pause();
      this.stallTimer = setTimeout(() => {
        this.stallTimer = null;
        this.onStuck(
          `Discord is not reading from the socket (${this.socket.writableLength} bytes unsent for ${this.stallMs} ms)`,
        );
      }, this.stallMs);
    }
    return true;
  }

  /** Releases the timer and the listener; the socket itself is the caller's. */
  dispose(): void {
    this.disposed = true;
    this.clearStall();
    this.socket.off('drain', this.onDrain);
  }

  private clearStall(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }
}
