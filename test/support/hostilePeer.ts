import { createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import { isNamedPipe } from '../../src/discord/ipcPaths.js';
import { frame } from './fakeDiscord.js';

/**
 * A listener on a real Unix socket (or Windows named pipe) that misbehaves as each test scripts it:
 * it reads the client's handshake (with its own framing code), then hands
 * the socket to `behave`. Connections and handshakes are counted.
 */
export class HostilePeer {
  readonly sockets = new Set<Socket>();
  connections = 0;
  handshakes = 0;
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  static async start(path: string, behave: (socket: Socket) => void): Promise<HostilePeer> {
    if (!isNamedPipe(path)) await rm(path, { force: true });
    const server = createServer();
    const peer = new HostilePeer(path, server);
    server.on('connection', (socket) => {
      peer.connections += 1;
      peer.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        peer.sockets.delete(socket);
        peer.recheck();
      });
      let buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buffer = Buffer.concat([buffer, chunk]);
        if (buffer.length < 8 || buffer.length < 8 + buffer.readUInt32LE(4)) return;
        socket.off('data', onData);
        peer.handshakes += 1;
        peer.recheck();
        behave(socket);
      };
      socket.on('data', onData);
      peer.recheck();
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return peer;
  }

  /** Resolves once `check` holds (re-checked on every connection, handshake and close). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (!isNamedPipe(this.path)) await rm(this.path, { force: true });
  }

  private recheck(): void {
    this.waiters = this.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
  }
}

export const READY = frame(1, {
  cmd: 'DISPATCH',
  evt: 'READY',
  nonce: null,
  data: { v: 1, config: {}, user: { id: '1', username: 'tester' } },
});

/**
 * Sends READY, then PINGs as fast as the socket takes them, and never reads
 * again. The peer itself respects backpressure, so its own memory stays flat;
 * `sent` counts the PING bytes it got out.
 */
export function floodPings(socket: Socket, stats: { sent: number }): void {
  socket.write(READY);
  socket.pause(); // never read: the client's PONGs pile up on its side
  const ping = frame(3, { flood: 'x'.repeat(4096) });
  const pump = (): void => {
    while (!socket.destroyed) {
      stats.sent += ping.length;
      if (!socket.write(ping)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}
