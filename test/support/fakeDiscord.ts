import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isNamedPipe } from '../../src/discord/ipcPaths.js';

/**
 * A Discord IPC server for tests. It speaks the real framing (8-byte
 * little-endian header: opcode, length; then JSON), implemented here on its
 * own rather than borrowed from src/, and it is cross-checked against a
 * published client library (test/discord/fakeDiscord.crosscheck.test.ts).
 * Faults can be injected: ERROR replies, CLOSE codes, delays, split and
 * merged frames, and dropped connections.
 */
export interface FakeOptions {
  /** Answer the handshake with CLOSE {code, message} instead of READY. */
  closeOnHandshake?: { code: number; message: string } | null;
  /** Answer SET_ACTIVITY with an ERROR event. */
  errorOnSetActivity?: { code: number; message: string } | null;
  /** Wait this long before each reply. */
  replyDelayMs?: number;
  /** Never reply to commands (READY is still sent). */
  silent?: boolean;
  /** Write every frame one byte at a time. */
  splitFrames?: boolean;
  /** Send READY and a PING in a single write. */
  mergeReadyWithPing?: boolean;
}

export interface Received {
  op: number;
  data: Record<string, unknown>;
}

export function frame(op: number, data: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(data));
  const head = Buffer.alloc(8);
  head.writeUInt32LE(op, 0);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

export class FakeDiscord {
  readonly received: Received[] = [];
  readonly sockets = new Set<Socket>();
  options: FakeOptions = {};
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  /** Listens on `path`: a Unix socket file, or a Windows named pipe (`\\?\pipe\…`: no folder, no file). */
  static async start(path: string, options: FakeOptions = {}): Promise<FakeDiscord> {
    if (!isNamedPipe(path)) {
      await mkdir(dirname(path), { recursive: true });
      await rm(path, { force: true });
    }
    const server = createServer();
    const fake = new FakeDiscord(path, server);
    fake.options = options;
    server.on('connection', (socket) => fake.accept(socket));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return fake;
  }

  /** SET_ACTIVITY payloads in order: the activity object, or null for a clear. */
  get activities(): unknown[] {
    return this.received
      .filter((r) => r.op === 1 && r.data.cmd === 'SET_ACTIVITY')
      .map((r) => (r.data.args as { activity?: unknown } | undefined)?.activity ?? null);
  }

  get handshakes(): Received[] {
    return this.received.filter((r) => r.op === 0);
  }

  /** Resolves once `check` holds (re-checked on every frame received). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  send(socket: Socket, op: number, data: unknown): void {
    const bytes = frame(op, data);
    if (!this.options.splitFrames) {
      socket.write(bytes);
      return;
    }
    for (const byte of bytes) socket.write(Buffer.from([byte]));
  }

  /** Sends raw bytes to every client (for garbage-frame tests). */
  sendRaw(bytes: Buffer): void {
    for (const s of this.sockets) s.write(bytes);
  }

  ping(data: unknown): void {
    for (const s of this.sockets) this.send(s, 3, data);
  }

  /** Drops every connection (Discord quit or crashed). */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Stops listening. The socket file is removed unless `leaveStale` (a crashed Discord). */
  async close(leaveStale = false): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (!leaveStale && !isNamedPipe(this.path)) await rm(this.path, { force: true });
  }

  private recheck(): void {
    this.waiters = this.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.recheck();
    });
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8) {
        const op = buffer.readUInt32LE(0);
        const len = buffer.readUInt32LE(4);
        if (buffer.length < 8 + len) break;
        const data = JSON.parse(buffer.subarray(8, 8 + len).toString()) as Record<string, unknown>;
        buffer = buffer.subarray(8 + len);
        this.received.push({ op, data });
        this.onFrame(socket, op, data);
        this.recheck();
      }
    });
  }

  private onFrame(socket: Socket, op: number, data: Record<string, unknown>): void {
    if (op === 0) {
      const close = this.options.closeOnHandshake;
      if (close) {
        this.send(socket, 2, close);
        socket.end();
        return;
      }
      const ready = {
        cmd: 'DISPATCH',
        evt: 'READY',
        nonce: null,
        data: {
          v: 1,
          config: { cdn_host: 'cdn.discordapp.com', api_endpoint: '//discord.com/api', environment: 'production' },
          user: { id: '1', username: 'tester', discriminator: '0' },
        },
      };
      if (this.options.mergeReadyWithPing) socket.write(Buffer.concat([frame(1, ready), frame(3, { n: 1 })]));
      else this.send(socket, 1, ready);
      return;
    }
    if (op === 3) {
      this.send(socket, 4, data);
      return;
    }
    if (op === 2) {
      socket.end();
      return;
    }
    if (op !== 1 || this.options.silent) return;
    const reply = (): void => {
      if (socket.destroyed) return;
      const err = this.options.errorOnSetActivity;
      if (data.cmd === 'SET_ACTIVITY' && err) {
        this.send(socket, 1, { cmd: data.cmd, evt: 'ERROR', nonce: data.nonce, data: err });
        return;
      }
      const args = (data.args ?? {}) as { activity?: unknown };
      this.send(socket, 1, { cmd: data.cmd, evt: null, nonce: data.nonce, data: args.activity ?? null });
    };
    const delay = this.options.replyDelayMs ?? 0;
    if (delay > 0) setTimeout(reply, delay);
    else reply();
  }
}

/**
 * A stale socket: the file of a Discord that crashed. Node removes a socket
 * file when its server closes cleanly, so a listener is started in a child
 * process and killed with SIGKILL; the file stays and refuses connections.
 */
export async function makeStaleSocket(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const child = spawn(
    process.execPath,
    ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
