import { createConnection, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { noConnectionError, type Attempt } from './attempts.js';
import { closeError, DiscordError } from './errors.js';
import { encodeFrame, FrameDecoder, OP, type Frame } from './framing.js';
import { isNamedPipe } from './ipcPaths.js';
import { Outbox, STALL_TIMEOUT_MS } from './outbox.js';
import { checkSocketOwner, currentUid } from './socketOwner.js';

export type { Attempt } from './attempts.js';

export interface OpenOptions {
  handshakeTimeoutMs: number;
  /** Called once when the connection, after `open` returned it, closes, with why. */
  onClose: (error: DiscordError) => void;
  /** Aborts an `open` in progress: its socket and timer are released at once. */
  signal?: AbortSignal;
  /** Unix sockets must belong to this uid (default: this process's); null skips the check. */
  ownerUid?: number | null;
  /** How long the peer may leave our writes unread (default 5 s). */
  stallTimeoutMs?: number;
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
 * the socket closes. PING is answered with PONG, through a bounded outbox: a
 * peer that stops reading is dropped. A garbage or oversized frame closes the
 * connection.
 */
export class IpcConnection {
  private readonly pending = new Map<string, Pending>();
  private closedWith: DiscordError | null = null;
  /** Whether `open` has handed this connection out: only then is `onClose` told. */
  private live = false;

  private constructor(
    private readonly socket: Socket,
    private readonly outbox: Outbox,
    readonly path: string,
    private readonly onClose: (error: DiscordError) => void,
  ) {
    outbox.setOnStuck((detail) => this.shutdown(new DiscordError('timeout', detail)));
  }

  /**
   * Tries each path in order until one completes the handshake. A CLOSE from
   * a live Discord (an invalid client id, a wrong version) is final and
   * rejects at once, even when it arrives in the same read as READY. A
   * missing, refusing (stale), untrusted, garbled or silent socket moves on;
   * if none works, the error says which of these it met.
   */
  static async open(
    paths: readonly string[],
    clientId: string,
    opts: OpenOptions,
    attempts: Attempt[] = [],
  ): Promise<IpcConnection> {
    const uid = opts.ownerUid === undefined ? currentUid() : opts.ownerUid;
    for (const path of paths) {
      if (opts.signal?.aborted) throw stopped();
      const result = await tryPath(path, clientId, opts, uid);
      attempts.push(result.attempt);
      if (result.kind === 'final') throw result.error;
      if (result.kind === 'next') continue;
      const connection = new IpcConnection(result.socket, result.outbox, path, opts.onClose);
      connection.attach(result.decoder, result.rest);
      // Frames that came in the same read as READY may already have closed it (READY + CLOSE 4000).
      if (connection.closedWith !== null) {
        result.attempt.outcome = 'closed';
        result.attempt.detail = connection.closedWith.message;
        throw connection.closedWith;
      }
      connection.live = true;
      return connection;
    }
    if (opts.signal?.aborted) throw stopped();
    throw noConnectionError(attempts);
  }

  get isOpen(): boolean {
    return this.closedWith === null;
  }

  /** The most bytes this connection ever left unsent for Discord to read. */
  get peakUnsentBytes(): number {
    return this.outbox.peakUnsentBytes;
  }

  request(cmd: string, args: Obj, timeoutMs: number): Promise<unknown> {
    if (this.closedWith !== null) {
      return Promise.reject(new DiscordError('closed', 'the connection to Discord is closed'));
    }
    const nonce = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(nonce);
        reject(new DiscordError('timeout', `Discord did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(nonce, { resolve, reject, timer });
      // A refused write has closed the connection, which rejected everything pending.
      this.outbox.write(encodeFrame(OP.FRAME, { cmd, args, nonce }));
    });
  }

  /** Closes the socket; pending requests are rejected at once. */
  close(): void {
    this.shutdown(new DiscordError('closed', 'closed by this app'));
  }

  private attach(decoder: FrameDecoder, rest: Frame[]): void {
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
    this.socket.removeAllListeners('error');
    this.socket.on('error', (error) => this.shutdown(new DiscordError('closed', `IPC socket error: ${error.message}`)));
    this.socket.on('close', () => this.shutdown(new DiscordError('closed', 'Discord closed the connection')));
    for (const frame of rest) this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    if (this.closedWith !== null) return;
    if (frame.op === OP.PING) {
      this.outbox.write(encodeFrame(OP.PONG, frame.data));
      return;
    }
    if (frame.op === OP.CLOSE) {
      this.shutdown(closeFrameError(frame));
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
    if (this.closedWith !== null) return;
    this.closedWith = error;
    this.outbox.dispose();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    this.socket.destroy();
    if (this.live) this.onClose(error);
  }
}

function closeFrameError(frame: Frame): DiscordError {
  const d = isObj(frame.data) ? frame.data : {};
  return closeError(typeof d.code === 'number' ? d.code : null, typeof d.message === 'string' ? d.message : null);
}

function stopped(): DiscordError {
  return new DiscordError('closed', 'stopped before connecting');
}

type TryResult =
  | { kind: 'ok'; socket: Socket; outbox: Outbox; decoder: FrameDecoder; rest: Frame[]; attempt: Attempt }
  | { kind: 'next'; attempt: Attempt }
  | { kind: 'final'; error: DiscordError; attempt: Attempt };

async function tryPath(path: string, clientId: string, opts: OpenOptions, uid: number | null): Promise<TryResult> {
  if (uid !== null && !isNamedPipe(path)) {
    const owner = await checkSocketOwner(path, uid);
    if (!owner.ok) return { kind: 'next', attempt: { path, outcome: owner.outcome, detail: owner.detail } };
  }
  if (opts.signal?.aborted) return { kind: 'next', attempt: { path, outcome: 'error', detail: 'stopped' } };
  return handshake(path, clientId, opts);
}

function handshake(path: string, clientId: string, opts: OpenOptions): Promise<TryResult> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const decoder = new FrameDecoder();
    let done = false;
    const finish = (result: TryResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('data');
      socket.removeAllListeners('close');
      socket.removeAllListeners('connect');
      if (result.kind !== 'ok') {
        outbox.dispose();
        socket.destroy();
      }
      resolve(result);
    };
    const next = (outcome: Attempt['outcome'], detail: string): void =>
      finish({ kind: 'next', attempt: { path, outcome, detail } });
    const outbox = new Outbox(socket, (detail) => next('error', detail), opts.stallTimeoutMs ?? STALL_TIMEOUT_MS);
    const onAbort = (): void => next('error', 'stopped');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => next('timeout', `no READY within ${opts.handshakeTimeoutMs} ms`),
      opts.handshakeTimeoutMs,
    );
    socket.once('connect', () => outbox.write(encodeFrame(OP.HANDSHAKE, { v: 1, client_id: clientId })));
    // Stays attached until IpcConnection takes over, so a late error never goes unhandled.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const outcome = error.code === 'ENOENT' ? 'missing' : error.code === 'ECONNREFUSED' ? 'refused' : 'error';
      next(outcome, error.code ?? error.message);
    });
    socket.on('close', () => next('closed', 'closed before READY'));
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        next('unexpected', (error as Error).message);
        return;
      }
      for (let i = 0; i < frames.length; i += 1) {
        const frame = frames[i] as Frame;
        if (frame.op === OP.CLOSE) {
          const error = closeFrameError(frame);
          finish({ kind: 'final', error, attempt: { path, outcome: 'closed', detail: error.message } });
          return;
        }
        if (frame.op === OP.HANDSHAKE || frame.op === OP.PONG) {
          // Only a client sends these: an echo or some other program, not Discord.
          next('unexpected', `opcode ${frame.op} from the server`);
          return;
        }
        if (frame.op === OP.PING) outbox.write(encodeFrame(OP.PONG, frame.data));
        if (frame.op === OP.FRAME && isObj(frame.data) && frame.data.evt === 'READY') {
          const attempt: Attempt = { path, outcome: 'connected' };
          finish({ kind: 'ok', socket, outbox, decoder, rest: frames.slice(i + 1), attempt });
          return;
        }
      }
    });
  });
}
