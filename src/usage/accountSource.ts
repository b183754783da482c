import type { AccountInfo } from '../codex/accountLimits.js';
import { askAccount, type AccountAnswer } from '../codex/appServer.js';

export interface AccountSourceOptions {
  codexHome: string;
  env: NodeJS.ProcessEnv;
  clientVersion: string;
  now: () => number;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

/** An API-key login has no rate limits; whether that changed is checked this often. */
export const NON_CHATGPT_RECHECK_MS = 60 * 60 * 1000;

/**
 * When and how the account is asked (issue 12 §3): one ask at a time (callers
 * that arrive meanwhile share it), a minimum interval chosen by the caller,
 * and for a login without rate limits (API key) only `account/read`, hourly.
 */
export class AccountSource {
  private inflight: Promise<AccountAnswer> | null = null;
  private lastAttemptAt: number | null = null;
  private abort = new AbortController();
  /** undefined until Codex has answered `account/read` once. */
  account: AccountInfo | null | undefined = undefined;
  codexMissing = false;

  constructor(private readonly opts: AccountSourceOptions) {}

  /** True when an ask now would not break the interval rules. */
  due(minIntervalMs: number): boolean {
    if (this.inflight !== null) return true; // joining costs nothing
    if (this.lastAttemptAt === null) return true;
    const since = this.opts.now() - this.lastAttemptAt;
    if (this.account != null && this.account.type !== 'chatgpt') return since >= NON_CHATGPT_RECHECK_MS;
    return since >= minIntervalMs;
  }

  get asking(): boolean {
    return this.inflight !== null;
  }

  /** Asks (or joins the ask under way). Never rejects. */
  ask(): Promise<AccountAnswer> {
    if (this.inflight !== null) return this.inflight;
    this.lastAttemptAt = this.opts.now();
    const run = askAccount({
      codexHome: this.opts.codexHome,
      env: this.opts.env,
      clientVersion: this.opts.clientVersion,
      now: this.opts.now,
      signal: this.abort.signal,
      ...(this.opts.platform === undefined ? {} : { platform: this.opts.platform }),
      ...(this.opts.timeoutMs === undefined ? {} : { timeoutMs: this.opts.timeoutMs }),
    }).then((answer) => {
      this.inflight = null;
      this.codexMissing = !answer.ok && answer.codexMissing;
      if (answer.ok) this.account = answer.account;
      return answer;
    });
    this.inflight = run;
    return run;
  }

  /** Ends an ask under way (its child is stopped); later asks work again. */
  async cancel(): Promise<void> {
    const running = this.inflight;
    this.abort.abort();
    this.abort = new AbortController();
    if (running !== null) await running;
  }
}
