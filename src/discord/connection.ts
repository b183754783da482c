import { createConnection, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { closeError, DiscordError } from './errors.js';
import { encodeFrame, FrameDecoder, FrameError, OP, type Frame } from './framing.js';

export interface OpenOptions {
  handshakeTimeoutMs: number;
  /** Called once when an open connection closes, with why. */
  onClose: (error: DiscordError) => void;
}

export interface Attempt {
  path: string;
  outcome: 'missing' | 'refused' | 'timeout' | 'closed' | 'connected' | 'error';
  detail?: string;
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: DiscordError) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/**
 * One handshaken IPC connection to Discord. Requests carry a nonce and settle
 * on the matching reply, on an ERROR event, on their timeout, or at once when
 * the socket closes. PING is answered with PONG. A garbage or oversized frame
 * closes the connection.
 */
export class IpcConnection {
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly path: string,
    private readonly onClose: (error: DiscordError) => void,
  ) {}

  /**
   * Tries each path in order until one completes the handshake. A CLOSE from
   * a live Discord (an invalid client id, a wrong version) is final and
   * rejects at once; a missing, refusing (stale) or silent socket moves on.
   */
  static async open(
    paths: readonly string[],
    clientId: string,
    opts: OpenOptions,
    attempts: Attempt[] = [],
  ): Promise<IpcConnection> {
    for (const path of paths) {
      const result = await tryPath(path, clientId, opts.handshakeTimeoutMs);
      attempts.push(result.attempt);
      if (result.kind === 'final') throw result.error;
      if (result.kind === 'ok') {
        const connection = new IpcConnection(result.socket, path, opts.onClose);
        connection.attach(result.decoder, result.rest);
        return connection;
      }
    }
    throw new DiscordError('not-running', 'Discord is not running (no IPC socket answered)');
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  request(cmd: string, args: Obj, timeoutMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new DiscordError('closed', 'the connection to Discord is closed'));
    const nonce = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(nonce);
        reject(new DiscordError('timeout', `Discord did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(nonce, { resolve, reject, timer });
      this.socket.write(encodeFrame(OP.FRAME, { cmd, args, nonce }));
    });
  }

  /** Closes the socket; pending requests are rejected at once. */
  close(): void {
    this.shutdown(new DiscordError('closed', 'closed by this app'));
  }

  private attach(decoder: FrameDecoder, rest: Frame[]): void {
    for (const frame of rest) this.onFrame(frame);
    this.socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        this.shutdown(new DiscordError('protocol', `Discord sent an invalid frame: ${(error as Error).message}`));
        return;
      }
      for (const frame of frames) this.onFrame(frame);
    });
    this.socket.on('error', (error) => this.shutdown(new DiscordError('closed', `IPC socket error: ${error.message}`)));
    this.socket.on('close', () => this.shutdown(new DiscordError('closed', 'Discord closed the connection')));
  }

  private onFrame(frame: Frame): void {
    if (this.closed) return;
    if (frame.op === OP.PING) {
      this.socket.write(encodeFrame(OP.PONG, frame.data));
      return;
    }
    if (frame.op === OP.CLOSE) {
      const d = isObj(frame.data) ? frame.data : {};
      this.shutdown(
        closeError(typeof d.code === 'number' ? d.code : null, typeof d.message === 'string' ? d.message : null),
      );
      return;
    }
    if (frame.op !== OP.FRAME || !isObj(frame.data)) return;
    const nonce = frame.data.nonce;
    if (typeof nonce !== 'string') return;
    const pending = this.pending.get(nonce);
    if (pending === undefined) return;
    this.pending.delete(nonce);
    clearTimeout(pending.timer);
    if (frame.data.evt === 'ERROR') {
      const d = isObj(frame.data.data) ? frame.data.data : {};
      const code = typeof d.code === 'number' ? d.code : null;
      pending.reject(
        new DiscordError('rpc-error', `Discord refused the request: ${String(d.message ?? 'unknown error')}`, code),
      );
    } else {
      pending.resolve(frame.data.data);
    }
  }

  private shutdown(error: DiscordError): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    this.socket.destroy();
    this.onClose(error);
  }
}

type TryResult =
  | { kind: 'ok'; socket: Socket; decoder: FrameDecoder; rest: Frame[]; attempt: Attempt }
  | { kind: 'next'; attempt: Attempt }
  | { kind: 'final'; error: DiscordError; attempt: Attempt };

function tryPath(path: string, clientId: string, timeoutMs: number): Promise<TryResult> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const decoder = new FrameDecoder();
    let done = false;
    const finish = (result: TryResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      socket.removeAllListeners('connect');
      if (result.kind !== 'ok') socket.destroy();
      else socket.on('error', () => undefined); // re-attached by IpcConnection
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ kind: 'next', attempt: { path, outcome: 'timeout', detail: `no READY within ${timeoutMs} ms` } }),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(encodeFrame(OP.HANDSHAKE, { v: 1, client_id: clientId })));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const outcome = error.code === 'ENOENT' ? 'missing' : error.code === 'ECONNREFUSED' ? 'refused' : 'error';
      finish({ kind: 'next', attempt: { path, outcome, detail: error.code ?? error.message } });
    });
    socket.on('close', () =>
      finish({ kind: 'next', attempt: { path, outcome: 'closed', detail: 'closed before READY' } }),
    );
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        const detail = error instanceof FrameError ? error.message : 'bad frame';
        finish({ kind: 'next', attempt: { path, outcome: 'error', detail } });
        return;
      }
      for (let i = 0; i < frames.length; i += 1) {
        const frame = frames[i] as Frame;
        if (frame.op === OP.CLOSE) {
          const d = isObj(frame.data) ? frame.data : {};
          const error = closeError(
            typeof d.code === 'number' ? d.code : null,
            typeof d.message === 'string' ? d.message : null,
          );
          finish({ kind: 'final', error, attempt: { path, outcome: 'closed', detail: error.message } });
          return;
        }
        if (frame.op === OP.PING) socket.write(encodeFrame(OP.PONG, frame.data));
        if (frame.op === OP.FRAME && isObj(frame.data) && frame.data.evt === 'READY') {
          finish({ kind: 'ok', socket, decoder, rest: frames.slice(i + 1), attempt: { path, outcome: 'connected' } });
          return;
        }
      }
    });
  });
}
