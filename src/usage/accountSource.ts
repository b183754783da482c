import type { AccountInfo } from '../codex/accountLimits.js';
import { askAccount, type AccountAnswer } from '../codex/appServer.js';
import type { RateLimitObservation } from '../rollout/types.js';
import type { LimitStore } from './limitStore.js';

export interface AccountSourceOptions {
  codexHome: string;
  env: NodeJS.ProcessEnv;
  clientVersion: string;
  now: () => number;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

export interface AccountAskSettings {
  /** Where codex is looked for (CODEX_BIN, PATH) and the environment it runs with. */
  env: NodeJS.ProcessEnv;
  /** Our version, sent to Codex as clientInfo. */
  clientVersion: string;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

/** How to ask for the account's limits, or null when the config's `limits.ask_codex` is off. */
export function accountAsk(
  askCodex: boolean,
  env: NodeJS.ProcessEnv,
  clientVersion: string,
): AccountAskSettings | null {
  return askCodex ? { env, clientVersion } : null;
}

/** Account reads kept to replay into a rebuilt store (they carry the pace history). */
const ACCOUNT_HISTORY = 64;

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
  /** Why the last ask failed, for `limits.accountError` (null: it did not). */
  error: string | null = null;
  private reads: RateLimitObservation[] = [];
  /** Answers that held a value out of range (diagnostics.suspiciousAnswers). */
  suspiciousAnswers = 0;

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

  /**
   * Asks (unless one was made less than `minIntervalMs` ago; `force` ignores
   * every interval, including the hourly one for API-key logins) and adds
   * the answer to `limits`. Resolves true when the limits or the error
   * changed. Never throws.
   */
  async refresh(limits: LimitStore, { minIntervalMs = 0, force = false } = {}): Promise<boolean> {
    if (!force && !this.due(minIntervalMs)) return false;
    try {
      const answer = await this.ask();
      const before = this.error;
      if (!answer.ok) {
        this.error = answer.reason === 'cancelled' ? before : answer.reason;
        return this.error !== before;
      }
      if (answer.suspicious) this.suspiciousAnswers += 1;
      this.error = answer.account === null ? 'Codex has nobody logged in (run `codex login`)' : null;
      let changed = this.error !== before;
      for (const obs of answer.limits ?? []) {
        this.reads.push(obs);
        if (limits.add(obs, 'account')) changed = true;
      }
      if (this.reads.length > ACCOUNT_HISTORY) this.reads.splice(0, this.reads.length - ACCOUNT_HISTORY);
      return changed;
    } catch (error) {
      // askAccount never rejects; this keeps the promise that nothing escapes the engine.
      this.error = error instanceof Error ? error.message : String(error);
      return true;
    }
  }

  /** The account's reads so far, into a store built anew. */
  replay(limits: LimitStore): void {
    for (const obs of this.reads) limits.add(obs, 'account');
  }
}
