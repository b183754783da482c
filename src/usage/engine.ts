import { readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import { childrenStopped } from '../codex/appServer.js';
import { codexPaths, type CodexPaths } from '../codex/home.js';
import { isDir, mtimeOf } from '../fs/entryKind.js';
import { listRolloutFiles, plainPath, compressedPath, type RolloutFile, type SpecialEntry } from '../rollout/files.js';
import type { ReaderOptions } from '../rollout/reader.js';
import { SessionIndex } from '../rollout/sessionIndex.js';
import { isPermissionError } from '../rollout/source/feed.js';
import { AccountSource, type AccountAskSettings } from './accountSource.js';
import { toWire, type SessionInput } from './aggregate.js';
import { CATALOG_ONLY, pricer, type CostConfig } from '../cost/pricing.js';
import { GitResolver } from './git.js';
import { searchLimits } from './limitSearch.js';
import { LimitStore } from './limitStore.js';
import { ReadLedger } from './readLedger.js';
import { lastActivity, SessionFiles } from './sessionFiles.js';
import { SerialRuns } from './serialRuns.js';
import type { CostFigure, ModelTokens, ReadDiagnostics, UsageSnapshot } from '../contract/index.js';
import { nextDeadline } from './windows.js';

export interface EngineOptions {
  codexHome: string;
  now?: () => number;
  /** A session with no writes for this long has ended (default 30 min). */
  sessionStaleMs?: number;
  /** Files up to this size are read whole at cold start; larger ones from their end (default 8 MB). */
  fullReadBytes?: number;
  /** How far back a large active file is read at cold start (default 32 MB). */
  tailBudgetBytes?: number;
  /** Bounds for finding the freshest limits in inactive files. */
  limitSearchFiles?: number;
  limitSearchBytes?: number;
  /** Ask `codex app-server` for the account's limits (issue 12 §3); off when absent. */
  account?: AccountAskSettings | null;
  /** The config's `pricing` and whether it names a ChatGPT plan (src/cost): how sessions are priced. */
  cost?: CostConfig;
}

export const DEFAULT_SESSION_STALE_MS = 30 * 60 * 1000;

/**
 * The session engine: one session model per live rollout file (folded from
 * the rollout pipeline's events, sessionFiles.ts), plus the account's
 * limits, and snapshots built on demand. File-system events come from
 * outside (the watcher); this class only reads.
 */
export class UsageEngine {
  readonly paths: CodexPaths;
  private readonly now: () => number;
  private readonly staleMs: number;
  private readonly limitSearchFiles: number;
  private readonly limitSearchBytes: number;
  private readonly files: SessionFiles;
  private readonly reading = new SerialRuns();
  private limits = new LimitStore();
  private readonly index: SessionIndex;
  private readonly git: GitResolver;
  private homeFound = false;
  /** The last cold start's listing, newest write first: `status` catches history up from it without listing again. */
  listed: readonly RolloutFile[] = [];
  private sessionsDirFound = false;
  private readonly ledger = new ReadLedger();
  private readonly reader: ReaderOptions;
  private reads = new AbortController();
  private readonly account: AccountSource | null;
  private readonly cost: CostConfig | undefined;
  private readonly price: (usage: readonly ModelTokens[]) => CostFigure;

  constructor(opts: EngineOptions) {
    this.paths = codexPaths(opts.codexHome);
    this.cost = opts.cost;
    this.price = pricer(opts.cost ?? CATALOG_ONLY);
    this.now = opts.now ?? Date.now;
    this.staleMs = opts.sessionStaleMs ?? DEFAULT_SESSION_STALE_MS;
    this.limitSearchFiles = opts.limitSearchFiles ?? 200;
    this.limitSearchBytes = opts.limitSearchBytes ?? 6 * 1024 * 1024;
    this.index = new SessionIndex(this.paths.sessionIndex);
    this.git = new GitResolver(this.now);
    this.reader = { now: this.now, signal: () => this.reads.signal };
    this.files = new SessionFiles({
      reader: this.reader,
      now: this.now,
      staleMs: this.staleMs,
      fullReadBytes: opts.fullReadBytes ?? 8 * 1024 * 1024,
      tailBudgetBytes: opts.tailBudgetBytes ?? 32 * 1024 * 1024,
      limits: () => this.limits,
      ledger: this.ledger,
      git: this.git,
    });
    this.account =
      opts.account == null
        ? null
        : new AccountSource({
            codexHome: opts.codexHome,
            env: opts.account.env,
            clientVersion: opts.account.clientVersion,
            now: this.now,
            ...(opts.account.platform === undefined ? {} : { platform: opts.account.platform }),
            ...(opts.account.timeoutMs === undefined ? {} : { timeoutMs: opts.account.timeoutMs }),
          });
  }

  /** Whether this engine asks Codex for the account's limits at all (config `limits.ask_codex`). */
  get asksAccount(): boolean {
    return this.account !== null;
  }

  /** What the last `account/read` said (undefined before any answer; null: nobody logged in). */
  get accountInfo(): AccountSource['account'] {
    return this.account?.account;
  }

  /** True when the last ask found no codex to run. */
  get codexMissing(): boolean {
    return this.account?.codexMissing ?? false;
  }

  /**
   * Asks Codex for the account's limits and merges them (AccountSource.refresh).
   * Resolves true when the limits changed. Never throws: a failure is kept in
   * `limits.accountError`.
   */
  async refreshAccountLimits(opts: { minIntervalMs?: number; force?: boolean } = {}): Promise<boolean> {
    // No Codex home: never let codex create one where the user did not point.
    if (this.account === null || !this.homeFound) return false;
    return this.account.refresh(this.limits, opts);
  }

  /** Ends an ask under way, and waits until its child process is gone. */
  async stopAccountAsks(): Promise<void> {
    await this.account?.cancel();
    await childrenStopped();
  }

  /** Ends every read under way at its next chunk (a publisher stopping); later reads end at once. */
  stopReads(): void {
    this.reads.abort();
  }

  /** Reads run again after `stopReads` (a monitor started again). */
  resumeReads(): void {
    if (this.reads.signal.aborted) this.reads = new AbortController();
  }

  get homeExists(): boolean {
    return this.homeFound;
  }

  /** Reads the live sessions and finds the freshest limits. Safe to call again to rebuild. */
  async coldStart(): Promise<void> {
    this.files.sessions.clear();
    this.listed = [];
    this.limits = new LimitStore();
    this.ledger.unreadable.clear();
    this.account?.replay(this.limits);
    this.homeFound = await isDir(this.paths.home);
    this.sessionsDirFound = this.homeFound && (await isDir(this.paths.sessions));
    this.ledger.special.clear();
    // A folder that exists but cannot be listed hides every file in it: say so.
    if (this.homeFound) await this.checkListable(this.paths.home);
    if (!this.sessionsDirFound) return;
    await this.checkListable(this.paths.sessions);
    const skipped: SpecialEntry[] = [];
    const files = listRolloutFiles(this.paths.sessions, skipped);
    this.listed = files;
    for (const entry of skipped) this.ledger.special.set(entry.path, entry.reason);
    const now = this.now();
    const live = files.filter((f) => now - f.mtimeMs <= this.staleMs);
    await Promise.all(
      live.map((f) =>
        f.compressed ? this.files.openCompressed(plainPath(f.path)) : this.files.open(f.path, f.size, f.mtimeMs),
      ),
    );
    await searchLimits({
      files,
      limits: this.limits,
      live: (path) => this.files.sessions.has(path),
      maxFiles: this.limitSearchFiles,
      maxBytes: this.limitSearchBytes,
      reader: this.reader,
      ledger: this.ledger,
    });
    await this.index.refresh();
  }

  /**
   * A rollout file was created or appended to. Calls for one path run one at
   * a time and coalesce. A `.jsonl` and its `.jsonl.zst` are one session.
   */
  update(changed: string): Promise<void> {
    const path = plainPath(changed);
    return this.reading.run(path, () => this.files.read(path, changed));
  }

  /** Reads every live file again (cheap when nothing changed: one stat each). */
  async rereadLive(): Promise<void> {
    await Promise.all([...this.files.sessions.keys()].map((path) => this.update(path)));
  }

  /** Reads again every live file under `folder` (it vanished or was replaced: they may be gone). */
  async rereadUnder(folder: string): Promise<void> {
    const under = [...this.files.sessions.keys()].filter((p) => p.startsWith(`${folder}${sep}`));
    await Promise.all(under.map((path) => this.update(path)));
  }

  /** A rollout file was deleted. */
  remove(path: string): void {
    this.files.remove(path);
  }

  async refreshIndex(): Promise<boolean> {
    return this.index.refresh();
  }

  async refreshHome(): Promise<boolean> {
    const found = await isDir(this.paths.home);
    const sessionsFound = found && (await isDir(this.paths.sessions));
    const changed = found !== this.homeFound || sessionsFound !== this.sessionsDirFound;
    this.homeFound = found;
    this.sessionsDirFound = sessionsFound;
    return changed;
  }

  snapshot(): UsageSnapshot {
    const now = this.now();
    const inputs: SessionInput[] = [];
    for (const [file, t] of this.files.sessions) {
      inputs.push({
        file: t.compressed ? compressedPath(file) : file,
        state: t.state,
        lastWriteAt: t.lastWriteAt,
        git: this.git.info(t.state.cwd),
        name: this.index.name(t.state.id),
        partial: t.partial,
      });
    }
    return toWire(
      inputs,
      this.limits.limits(now, this.account?.error ?? null),
      { path: this.paths.home, found: this.homeFound, sessionsDirFound: this.sessionsDirFound },
      this.diagnostics(),
      { now, sessionStaleMs: this.staleMs, price: this.price, planConfigured: this.cost?.planConfigured === true },
    );
  }

  /**
   * Forgets sessions that have ended; they are re-opened if written again.
   * A quiet file still shown (a sub-agent folded under a live session, or a
   * session waiting on its live agents) is kept.
   */
  evictEnded(): void {
    const now = this.now();
    const shown = new Set<string>();
    for (const row of this.snapshot().sessions) {
      shown.add(plainPath(row.file));
      for (const agent of row.agents.threads) shown.add(plainPath(agent.file));
    }
    for (const [path, t] of this.files.sessions) {
      if (now - lastActivity(t) > this.staleMs && !shown.has(path)) this.files.remove(path);
    }
  }

  /**
   * The next moment a snapshot changes with no new writes: a session ends, a
   * limit window resets, or limits turn stale. Null when nothing is pending.
   */
  nextDeadline(): number | null {
    const ends = [...this.files.sessions.values()].map((t) => lastActivity(t) + this.staleMs + 1);
    return nextDeadline(ends, this.limits.limits(this.now()), this.now());
  }

  /** Bytes read for the live sessions (their tails), as opposed to the limit search. */
  liveSessionBytes(): number {
    let bytes = 0;
    for (const t of this.files.sessions.values()) bytes += t.reader.stats.bytesRead;
    return bytes;
  }

  diagnostics(): ReadDiagnostics {
    const live = [...this.files.sessions.values()].map((t) => t.reader.stats);
    return this.ledger.diagnostics(live, this.index, this.limits.familiesDropped, this.account?.suspiciousAnswers ?? 0);
  }

  private async checkListable(folder: string): Promise<void> {
    try {
      await readdir(folder);
    } catch (error) {
      if (isPermissionError(error)) this.ledger.unreadable.set(folder, (await mtimeOf(folder)) ?? 0);
    }
  }
}
