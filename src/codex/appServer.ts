import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { parseAccount, parseAccountRateLimits, type AccountInfo } from './accountLimits.js';
import { spawnTracked, stopChild } from './childProcess.js';
export { childrenStopped } from './childProcess.js';
import { findCodex } from './findCodex.js';
import { isObject } from '../ranges/json.js';
import { LineCheck } from '../ranges/ranges.js';
import type { RateLimitObservation } from '../rollout/types.js';

/**
 * Asks Codex itself for the account's limits through its official JSON-RPC
 * server, `codex app-server` (one JSON object per line on stdio; SCHEMA.md
 * §10). The server runs only for the length of one ask. Codex reads its own
 * credentials: we never open auth.json, pass nothing secret on the command
 * line, and keep no response body (issue 12 §3).
 */
export interface AccountAskOptions {
  codexHome: string;
  env: NodeJS.ProcessEnv;
  /** Our version, sent as clientInfo. */
  clientVersion: string;
  /** Also ask `account/rateLimits/read` when the account is a ChatGPT login (default true). */
  rateLimits?: boolean;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
  now?: () => number;
  /** Aborting ends the ask at once (the child is stopped) with reason "cancelled". */
  signal?: AbortSignal;
}

export type AccountAnswer =
  | {
      ok: true;
      at: number;
      /** null: Codex has nobody logged in. */
      account: AccountInfo | null;
      /** null when not asked (not a ChatGPT login, or rateLimits: false). */
      limits: RateLimitObservation[] | null;
      /** A value in the answers was out of range (made unknown, clamped or cut; ranges.ts). */
      suspicious: boolean;
    }
  | { ok: false; at: number; reason: string; codexMissing: boolean };

/** How long one ask may take, from starting codex until it and everything it started are gone. */
export const ACCOUNT_ASK_TIMEOUT_MS = 5000;
/** A line longer than this is not the protocol (the answers are a few KB). */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

class AskFailure extends Error {}

/** One complete ask. Never rejects: every failure becomes `{ok: false, reason}`. */
export async function askAccount(opts: AccountAskOptions): Promise<AccountAnswer> {
  const now = opts.now ?? Date.now;
  const located = await findCodex(opts.env, opts.platform);
  if (!located.found) return { ok: false, at: now(), reason: located.reason, codexMissing: true };
  const timeoutMs = opts.timeoutMs ?? ACCOUNT_ASK_TIMEOUT_MS;
  const started = performance.now();
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawnTracked({
      command: located.path,
      args: ['app-server'],
      env: { ...withDirOnPath(opts.env, dirname(located.path)), CODEX_HOME: opts.codexHome },
      platform: opts.platform,
    });
  } catch (error) {
    return { ok: false, at: now(), reason: `could not start ${located.path}: ${message(error)}`, codexMissing: false };
  }
  const session = new RpcSession(child, timeoutMs, opts.signal);
  try {
    await session.request('initialize', {
      clientInfo: { name: 'codex_discord_presence', title: 'Codex Discord Presence', version: opts.clientVersion },
    });
    session.notify('initialized');
    const accountResult = await session.request('account/read', { refreshToken: false });
    const check = new LineCheck(now());
    const account = parseAccount(accountResult, check);
    if (account?.type !== 'chatgpt' || opts.rateLimits === false)
      return { ok: true, at: now(), account, limits: null, suspicious: check.suspicious };
    const result = await session.request('account/rateLimits/read');
    const at = now();
    const limits = parseAccountRateLimits(result, at, check);
    return { ok: true, at, account, limits, suspicious: check.suspicious };
  } catch (error) {
    return { ok: false, at: now(), reason: message(error), codexMissing: false };
  } finally {
    session.close();
    // The answer is used at once; the stop runs on (childrenStopped() waits for it),
    // and ends at the ask's deadline at the latest: an ask never keeps a command alive past it.
    void stopChild(child, { withinMs: timeoutMs - (performance.now() - started) });
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** JSON-RPC 2.0 over the child's stdio, with one deadline for the whole ask. */
class RpcSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private failure: Error | null = null;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onAbort = (): void => this.fail(new AskFailure('cancelled'));

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setTimeout(
      () => this.fail(new AskFailure(`codex app-server did not answer within ${timeoutMs / 1000} s (timeout)`)),
      timeoutMs,
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    // Codex logs to stderr; it is read and dropped, never stored (it can describe requests).
    child.stderr.resume();
    child.stdin.on('error', () => undefined); // EPIPE when it died first: reported by 'exit'
    child.once('error', (error) => this.fail(new AskFailure(`could not run codex: ${error.message}`)));
    child.once('exit', (code, sig) =>
      this.fail(
        new AskFailure(
          sig !== null
            ? `codex app-server was ended by ${sig} before answering`
            : `codex app-server exited with code ${code ?? '?'} before answering`,
        ),
      ),
    );
    if (signal?.aborted === true) this.onAbort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  request(method: string, params?: object): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    });
  }

  notify(method: string): void {
    this.write({ jsonrpc: '2.0', method });
  }

  close(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.failure ??= new AskFailure('closed');
  }

  private write(message: object): void {
    if (this.child.stdin.writable) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line !== '') this.onLine(line);
      newline = this.buffer.indexOf('\n');
    }
    if (this.buffer.length > MAX_LINE_CHARS) this.fail(new AskFailure('codex app-server sent an oversized line'));
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      // Never echo the line: it could be anything, including account details.
      this.fail(new AskFailure('codex app-server wrote something that is not JSON-RPC on stdout (garbage)'));
      return;
    }
    if (!isObject(msg)) {
      this.fail(new AskFailure('codex app-server wrote something that is not JSON-RPC on stdout (garbage)'));
      return;
    }
    if (typeof msg.id !== 'number' || !('result' in msg || 'error' in msg)) return; // a notification or a request to us
    const pending = this.pending.get(msg.id);
    if (pending === undefined) return;
    this.pending.delete(msg.id);
    if ('error' in msg) {
      const err = isObject(msg.error) ? msg.error : {};
      const code = Number.isSafeInteger(err.code) ? ` ${String(err.code)}` : '';
      // Shown in accountError: the same text rule as every string codex hands us.
      const text = new LineCheck(Date.now()).text(err.message, 200)?.replace(/\s+/g, ' ') ?? 'no message';
      pending.reject(new AskFailure(`codex app-server answered with JSON-RPC error${code}: ${text}`));
    } else {
      pending.resolve(msg.result);
    }
  }

  private fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/**
 * npm's `codex` is a `#!/usr/bin/env node` script: when it was found outside
 * PATH (CODEX_BIN, Homebrew's folder for a Finder-started app), the `node`
 * installed next to it must be found too.
 */
function withDirOnPath(env: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  const current = env[key] ?? '';
  if (current.split(delimiter).includes(dir)) return env;
  return { ...env, [key]: current === '' ? dir : `${current}${delimiter}${dir}` };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
