import { readdir, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { isPermissionError } from '../codex/lineTail.js';
import { codexPaths, type CodexPaths } from '../codex/home.js';
import { MAIN_LIMIT_ID } from '../rollout/decode/rateLimits.js';
import { CLOCK_SKEW_MS } from '../codex/ranges.js';
import {
  compressedPath,
  isCompressed,
  listRolloutFiles,
  plainPath,
  type RolloutFile,
  type SpecialEntry,
} from '../rollout/files.js';
import { fileInfo, RolloutReader } from '../codex/rolloutReader.js';
import { SessionIndex } from '../codex/sessionIndex.js';
import type { RateLimitObservation, RolloutEvent } from '../rollout/types.js';
import { AccountSource } from './accountSource.js';
import { childrenStopped } from '../codex/appServer.js';
import { buildSnapshot, type SessionInput } from './aggregate.js';
import { GitResolver } from './git.js';
import { LimitStore } from './limitStore.js';
import { applyEvent, inheritedBy, newSessionState, type SessionState } from './sessionState.js';
import type { ReadDiagnostics, UsageSnapshot } from './types.js';
import { LIMIT_STALE_MS } from './windows.js';

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
}

export interface AccountAskSettings {
  /** Where codex is looked for (CODEX_BIN, PATH) and the environment it runs with. */
  env: NodeJS.ProcessEnv;
  /** Our version, sent to Codex as clientInfo. */
  clientVersion: string;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

/** Account reads kept to replay into a rebuilt store (they carry the pace history). */
const ACCOUNT_HISTORY = 64;

interface Tracked {
  reader: RolloutReader;
  state: SessionState;
  lastWriteAt: number;
  partial: boolean;
  /** Read from its `.jsonl.zst`: finished, never tailed, kept until it goes stale like any session. */
  compressed: boolean;
}

export const DEFAULT_SESSION_STALE_MS = 30 * 60 * 1000;

/**
 * The session engine: owns one reader and one session model per live
 * rollout file, plus the account's limits, and builds snapshots on demand.
 * File-system events come from outside (the watcher); this class only reads.
 */
export class UsageEngine {
  readonly paths: CodexPaths;
  private readonly now: () => number;
  private readonly staleMs: number;
  private readonly fullReadBytes: number;
  private readonly tailBudgetBytes: number;
  private readonly limitSearchFiles: number;
  private readonly limitSearchBytes: number;
  private readonly sessions = new Map<string, Tracked>();
  private readonly inflight = new Map<string, { run: Promise<void>; again: boolean }>();
  private limits = new LimitStore();
  private readonly index: SessionIndex;
  private readonly git: GitResolver;
  private homeFound = false;
  private sessionsDirFound = false;
  private readonly retired: ReadStatsTotal = emptyTotals();
  /** Entries named like rollouts that are not regular files, by path (from the last listing and later reads). */
  private readonly special = new Map<string, string>();
  /** Files and folders that exist but could not be read, with their mtimes (newest is reported). */
  private readonly unreadable = new Map<string, number>();
  private readonly account: AccountSource | null;
  private accountReads: RateLimitObservation[] = [];
  private accountError: string | null = null;

  constructor(opts: EngineOptions) {
    this.paths = codexPaths(opts.codexHome);
    this.now = opts.now ?? Date.now;
    this.staleMs = opts.sessionStaleMs ?? DEFAULT_SESSION_STALE_MS;
    this.fullReadBytes = opts.fullReadBytes ?? 8 * 1024 * 1024;
    this.tailBudgetBytes = opts.tailBudgetBytes ?? 32 * 1024 * 1024;
    this.limitSearchFiles = opts.limitSearchFiles ?? 200;
    this.limitSearchBytes = opts.limitSearchBytes ?? 6 * 1024 * 1024;
    this.index = new SessionIndex(this.paths.sessionIndex);
    this.git = new GitResolver(this.now);
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
   * Asks Codex for the account's limits and merges them, unless one was made
   * less than `minIntervalMs` ago (`force` ignores every interval, including
   * the hourly one for API-key logins). Resolves true when the limits changed.
   * Never throws: a failure is kept in `limits.accountError`.
   */
  async refreshAccountLimits({ minIntervalMs = 0, force = false } = {}): Promise<boolean> {
    const source = this.account;
    // No Codex home: never let codex create one where the user did not point.
    if (source === null || !this.homeFound) return false;
    if (!force && !source.due(minIntervalMs)) return false;
    try {
      const answer = await source.ask();
      const before = this.accountError;
      if (!answer.ok) {
        this.accountError = answer.reason === 'cancelled' ? before : answer.reason;
        return this.accountError !== before;
      }
      this.accountError = answer.account === null ? 'Codex has nobody logged in (run `codex login`)' : null;
      let changed = this.accountError !== before;
      for (const obs of answer.limits ?? []) {
        this.accountReads.push(obs);
        if (this.limits.add(obs, 'account')) changed = true;
      }
      if (this.accountReads.length > ACCOUNT_HISTORY)
        this.accountReads.splice(0, this.accountReads.length - ACCOUNT_HISTORY);
      return changed;
    } catch (error) {
      // askAccount never rejects; this keeps the promise that nothing escapes the engine.
      this.accountError = error instanceof Error ? error.message : String(error);
      return true;
    }
  }

  /** Ends an ask under way, and waits until its child process is gone. */
  async stopAccountAsks(): Promise<void> {
    await this.account?.cancel();
    await childrenStopped();
  }

  get homeExists(): boolean {
    return this.homeFound;
  }

  /** Reads the live sessions and finds the freshest limits. Safe to call again to rebuild. */
  async coldStart(): Promise<void> {
    this.sessions.clear();
    this.limits = new LimitStore();
    this.unreadable.clear();
    for (const obs of this.accountReads) this.limits.add(obs, 'account');
    this.homeFound = await isDir(this.paths.home);
    this.sessionsDirFound = this.homeFound && (await isDir(this.paths.sessions));
    this.special.clear();
    // A folder that exists but cannot be listed hides every file in it: say so.
    if (this.homeFound) await this.checkListable(this.paths.home);
    if (!this.sessionsDirFound) return;
    await this.checkListable(this.paths.sessions);
    const skipped: SpecialEntry[] = [];
    const files = listRolloutFiles(this.paths.sessions, skipped);
    for (const entry of skipped) this.special.set(entry.path, entry.reason);
    const now = this.now();
    const live = files.filter((f) => now - f.mtimeMs <= this.staleMs);
    await Promise.all(
      live.map((f) => (f.compressed ? this.openCompressed(plainPath(f.path)) : this.open(f.path, f.size, f.mtimeMs))),
    );
    await this.searchLimits(files);
    await this.index.refresh();
  }

  /**
   * A rollout file was created or appended to. Calls for one path run one at
   * a time and coalesce. A `.jsonl` and its `.jsonl.zst` are one session.
   */
  update(changed: string): Promise<void> {
    const path = plainPath(changed);
    const running = this.inflight.get(path);
    if (running !== undefined) {
      running.again = true;
      return running.run;
    }
    const entry = { run: Promise.resolve(), again: false };
    entry.run = (async () => {
      try {
        do {
          entry.again = false;
          await this.readFile(path, changed);
        } while (entry.again);
      } finally {
        this.inflight.delete(path);
      }
    })();
    this.inflight.set(path, entry);
    return entry.run;
  }

  /** Reads every live file again (cheap when nothing changed: one stat each). */
  async rereadLive(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((path) => this.update(path)));
  }

  /** Reads again every live file under `folder` (it vanished or was replaced: they may be gone). */
  async rereadUnder(folder: string): Promise<void> {
    const under = [...this.sessions.keys()].filter((p) => p.startsWith(`${folder}${sep}`));
    await Promise.all(under.map((path) => this.update(path)));
  }

  /** A rollout file was deleted. */
  remove(path: string): void {
    const tracked = this.sessions.get(path);
    if (tracked === undefined) return;
    this.retire(tracked);
    this.sessions.delete(path);
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
    for (const [file, t] of this.sessions) {
      inputs.push({
        file: t.compressed ? compressedPath(file) : file,
        state: t.state,
        lastWriteAt: t.lastWriteAt,
        git: this.git.info(t.state.cwd),
        name: this.index.name(t.state.id),
        partial: t.partial,
      });
    }
    return buildSnapshot(
      inputs,
      this.limits.limits(now, this.accountError),
      { path: this.paths.home, found: this.homeFound, sessionsDirFound: this.sessionsDirFound },
      this.diagnostics(),
      { now, sessionStaleMs: this.staleMs },
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
    for (const [path, t] of this.sessions) {
      if (now - lastActivity(t) > this.staleMs && !shown.has(path)) {
        this.retire(t);
        this.sessions.delete(path);
      }
    }
  }

  /**
   * The next moment a snapshot changes with no new writes: a session ends, a
   * limit window resets, or limits turn stale. Null when nothing is pending.
   */
  nextDeadline(): number | null {
    const now = this.now();
    const candidates: number[] = [];
    for (const t of this.sessions.values()) candidates.push(lastActivity(t) + this.staleMs + 1);
    const limits = this.limits.limits(now);
    const windows = [limits.primary, limits.secondary, ...limits.others.flatMap((o) => [o.primary, o.secondary])];
    for (const w of windows) {
      if (w === null) continue;
      if (w.resetsAt !== null && !w.rolledOver) candidates.push(Date.parse(w.resetsAt) + 1);
      if (!w.stale) candidates.push(Date.parse(w.observedAt) + LIMIT_STALE_MS + 1);
    }
    const future = candidates.filter((c) => c > now);
    return future.length === 0 ? null : Math.min(...future);
  }

  /** Bytes read for the live sessions (their tails), as opposed to the limit search. */
  liveSessionBytes(): number {
    let bytes = 0;
    for (const t of this.sessions.values()) bytes += t.reader.stats.bytesRead;
    return bytes;
  }

  diagnostics(): ReadDiagnostics {
    const d = { ...this.retired };
    for (const t of this.sessions.values()) addStats(d, t.reader);
    const skipped = [...this.special].map(([path, reason]) => ({ path, reason }));
    if (this.index.problem !== null) skipped.push({ path: this.index.path, reason: this.index.problem });
    let newest: string | null = null;
    let newestAt = -Infinity;
    for (const [path, at] of this.unreadable) {
      if (at > newestAt) {
        newest = path;
        newestAt = at;
      }
    }
    return {
      ...d,
      skippedEntries: { count: skipped.length, entries: skipped.slice(0, MAX_SKIPPED_LISTED) },
      unreadable: { count: this.unreadable.size, newest },
      familiesDropped: this.limits.familiesDropped,
    };
  }

  private async checkListable(folder: string): Promise<void> {
    try {
      await readdir(folder);
    } catch (error) {
      if (isPermissionError(error)) this.unreadable.set(folder, (await mtimeOf(folder)) ?? 0);
    }
  }

  private async readFile(path: string, changed = path): Promise<void> {
    const tracked = this.sessions.get(path);
    if (tracked === undefined) {
      const info = await fileInfo(path);
      // Codex compressing an old rollout is no sign of life: only the plain file's own writes are.
      if (info !== null && isCompressed(changed) && this.now() - info.mtimeMs > this.staleMs) return;
      if (info !== null) await this.open(path, info.size, info.mtimeMs);
      else if ((await fileInfo(compressedPath(path))) !== null) await this.openCompressed(path);
      else this.unreadable.delete(path);
      return;
    }
    if (tracked.compressed) {
      // The plain file came back (a decompressed copy): it wins. The compressed one gone: so is the session.
      const plain = await fileInfo(path);
      if (plain !== null) {
        this.remove(path);
        await this.open(path, plain.size, plain.mtimeMs);
      } else if ((await fileInfo(compressedPath(path))) === null) this.remove(path);
      // The last read of it failed (caught half-written?): try again now that it changed.
      else if (this.special.has(compressedPath(path))) await this.openCompressed(path, tracked);
      return;
    }
    await this.readNew(path, tracked);
  }

  /**
   * Reads a session from its `.jsonl.zst` whole. With `into` (a live session
   * whose file Codex just compressed), the session is rebuilt from the
   * compressed copy, which holds every line, including any written after our
   * last read; its last write time is kept, so it ends when it would have,
   * not early. A compressed file that cannot be read is reported in
   * `skippedEntries`, and a session already shown keeps what it had.
   */
  private async openCompressed(path: string, into?: Tracked): Promise<void> {
    const file = compressedPath(path);
    const t: Tracked = into ?? {
      reader: new RolloutReader(file, this.now),
      state: newSessionState(),
      // Compression time is not activity: a session read only from its
      // compressed file is as live as its last line.
      lastWriteAt: 0,
      partial: false,
      compressed: true,
    };
    const reader = new RolloutReader(file, this.now);
    const read = await reader.readCompressed();
    if (read.kind !== 'read') {
      if (read.kind === 'skipped') this.special.set(file, read.reason);
      if (read.kind === 'unreadable') this.unreadable.set(file, read.mtimeMs);
      if (into !== undefined) {
        into.compressed = true;
        return;
      }
      addStats(this.retired, reader);
      return;
    }
    this.special.delete(file);
    this.unreadable.delete(file);
    if (into !== undefined) this.retire(into);
    t.reader = reader;
    t.state = newSessionState();
    t.partial = false;
    t.compressed = true;
    for (const e of read.events) this.apply(t, e);
    // Codex compressing a session that ended long ago: its limits are taken, the session is not shown.
    if (into === undefined && this.now() - lastActivity(t) > this.staleMs) {
      this.retire(t);
      return;
    }
    this.sessions.set(path, t);
    await this.git.refresh(t.state.cwd);
  }

  private async open(path: string, size: number, mtimeMs: number): Promise<void> {
    const tracked: Tracked = {
      reader: new RolloutReader(path, this.now),
      state: newSessionState(),
      lastWriteAt: 0,
      partial: false,
      compressed: false,
    };
    this.sessions.set(path, tracked);
    if (size > this.fullReadBytes) {
      const recent = await tracked.reader.readRecent(enoughForSession(), this.tailBudgetBytes);
      if (recent === null && tracked.reader.unreadable) {
        this.markUnreadable(path, mtimeMs);
        return;
      }
      if (recent !== null) {
        if (!recent.reachedStart) await this.findForkBase(path, recent.events[0], tracked.state);
        for (const e of recent.events) this.apply(tracked, e);
        tracked.partial = !recent.reachedStart;
      }
    }
    await this.readNew(path, tracked);
  }

  private async readNew(path: string, t: Tracked): Promise<void> {
    const result = await t.reader.readNew(
      (e) => this.apply(t, e),
      () => {
        t.state = newSessionState();
        t.partial = false;
      },
    );
    if (result.kind === 'missing' && (await fileInfo(compressedPath(path))) !== null) {
      // Codex compressed the finished rollout: the same session, not one that ended early.
      await this.openCompressed(path, t);
      return;
    }
    if (result.kind === 'special') this.special.set(path, result.reason);
    if (result.kind === 'missing' || result.kind === 'special') {
      this.unreadable.delete(path);
      this.remove(path);
      return;
    }
    if (result.kind === 'unreadable') {
      this.markUnreadable(path, result.mtimeMs);
      return;
    }
    this.special.delete(path);
    this.unreadable.delete(path);
    // A file stamped in the future (a skewed clock, `touch -d`) must not keep its session alive forever.
    t.lastWriteAt = Math.max(t.lastWriteAt, Math.min(result.mtimeMs, this.now() + CLOCK_SKEW_MS));
    // Project and branch are ready before the next snapshot (read asynchronously, never blocking).
    await this.git.refresh(t.state.cwd);
  }

  /**
   * A fork read from its end: what it inherited is in its first usage line,
   * near the start (a fork copies no history), so read forward for it within
   * the tail budget. Not found: its growth counts from the oldest line read.
   */
  private async findForkBase(path: string, first: RolloutEvent | undefined, state: SessionState): Promise<void> {
    if (first?.kind !== 'meta' || first.forkedFromId === null) return;
    const probe = new RolloutReader(path, this.now);
    const usage = await probe.readFirst((e) => e.kind === 'tokenCount' && e.total !== null, this.tailBudgetBytes);
    this.retired.bytesRead += probe.stats.bytesRead;
    if (usage?.kind === 'tokenCount' && usage.total !== null) state.inherited = inheritedBy(usage.total, usage.last);
  }

  private apply(t: Tracked, e: RolloutEvent): void {
    const observation = applyEvent(t.state, e);
    if (observation !== null) this.limits.add(observation);
  }

  /**
   * Limits belong to the account: with no live session (or none that saw
   * limits) walk back through recently written files until the freshest main
   * observation is found. A file written before that observation cannot hold
   * a fresher one, which bounds the search; so do the file and byte budgets.
   * Every family is taken from the files read, not only the main one (issue
   * 12 §2): past a file's newest main observation, its lines are read back
   * FAMILY_LOOKBACK_MS further for the other families Codex wrote beside it.
   */
  private async searchLimits(files: ReadonlyArray<RolloutFile>): Promise<void> {
    let bytes = 0;
    let searched = 0;
    for (const f of files) {
      if (searched >= this.limitSearchFiles || bytes >= this.limitSearchBytes) break;
      const freshest = this.limits.freshestMainAt;
      if (freshest !== null && f.mtimeMs < freshest) break;
      if (this.sessions.has(plainPath(f.path))) continue;
      searched += 1;
      if (f.compressed) {
        bytes += await this.searchCompressed(f);
        continue;
      }
      const reader = new RolloutReader(f.path, this.now);
      const scan = new LimitScan();
      const budget = Math.min(LIMIT_SEARCH_FILE_BYTES, Math.max(64 * 1024, this.limitSearchBytes - bytes));
      const recent = await reader.readRecent(scan.enough, budget, false);
      bytes += reader.stats.bytesRead;
      addStats(this.retired, reader);
      // Refused, not gone: limits written there are newer than what is shown.
      if (recent === null && reader.unreadable) this.unreadable.set(f.path, f.mtimeMs);
      if (recent === null) continue;
      for (const e of recent.events)
        if (e.kind === 'tokenCount' && e.rateLimits !== null && scan.keeps(e.rateLimits)) this.limits.add(e.rateLimits);
    }
  }

  /**
   * The limit search through a compressed rollout: read whole as it
   * decompresses (its end cannot be reached any other way), bounded by the
   * reader's decompressed-size cap. Returns the bytes read from disk.
   */
  private async searchCompressed(f: RolloutFile): Promise<number> {
    const reader = new RolloutReader(f.path, this.now);
    const read = await reader.readCompressed((e) => e.kind === 'tokenCount' && e.rateLimits !== null);
    addStats(this.retired, reader);
    if (read.kind === 'skipped') this.special.set(f.path, read.reason);
    if (read.kind === 'unreadable') this.unreadable.set(f.path, f.mtimeMs);
    if (read.kind === 'read')
      for (const e of read.events) if (e.kind === 'tokenCount' && e.rateLimits !== null) this.limits.add(e.rateLimits);
    return reader.stats.bytesRead;
  }

  /** A live file that may not be read: not a session we can show, but reported (diagnostics.unreadable). */
  private markUnreadable(path: string, mtimeMs: number): void {
    this.unreadable.set(path, mtimeMs);
    const tracked = this.sessions.get(path);
    if (tracked !== undefined) {
      this.retire(tracked);
      this.sessions.delete(path);
    }
  }

  private retire(t: Tracked): void {
    addStats(this.retired, t.reader);
  }
}

/**
 * How far before a file's newest main observation the limit search still
 * looks for other families: one 5-hour window. A family written beside the
 * main limits (Codex sends both on one response) is found; a file is not
 * read to its start for families that may not exist.
 */
export const FAMILY_LOOKBACK_MS = 5 * 60 * 60 * 1000;

/**
 * At most this much of one file's end is read by the limit search. Codex
 * writes the limits on every usage line of a ChatGPT login, so the newest
 * main observation is in a file's last turn; the lookback for other families
 * (a 50 MB rollout of minute-long turns holds 8 MB in 5 hours) is cut here
 * rather than spending the whole search on one file.
 */
export const LIMIT_SEARCH_FILE_BYTES = 2 * 1024 * 1024;

/** One file of the limit search, read newest-first: where its newest main observation is, and when to stop. */
class LimitScan {
  private mainAt: number | null = null;

  /** Enough once the lines are older than the lookback before the newest main observation. */
  readonly enough = (e: RolloutEvent): boolean => {
    if (e.kind !== 'tokenCount') return false;
    if (this.mainAt !== null) return e.at !== null && e.at < this.mainAt - FAMILY_LOOKBACK_MS;
    const r = e.rateLimits;
    if (r !== null && r.limitId === MAIN_LIMIT_ID && (r.primary !== null || r.secondary !== null))
      this.mainAt = r.observedAt;
    return false;
  };

  /** The line that ended the scan is read too: another family's observation is kept only within the lookback. */
  keeps(obs: RateLimitObservation): boolean {
    return obs.limitId === MAIN_LIMIT_ID || this.mainAt === null || obs.observedAt >= this.mainAt - FAMILY_LOOKBACK_MS;
  }
}

/**
 * Reading newest-first, a large file's tail is enough once it holds the
 * latest model, two distinct cumulative totals (for the delta) and the
 * boundary of the last turn that used tokens (for `last`).
 */
function enoughForSession(): (e: RolloutEvent) => boolean {
  let sawModel = false;
  let sawUsage = false;
  let sawBoundary = false;
  const totals = new Set<number>();
  return (e) => {
    if (e.kind === 'turnContext' && e.model !== null) sawModel = true;
    if (e.kind === 'tokenCount' && e.total !== null) {
      totals.add(e.total.total);
      sawUsage = true;
    }
    if (e.kind === 'turnUsage') sawUsage = true;
    if (e.kind === 'turnStarted' && sawUsage) sawBoundary = true;
    return sawModel && sawBoundary && totals.size >= 2;
  };
}

function lastActivity(t: Tracked): number {
  return Math.max(t.state.lastEventAt ?? 0, t.lastWriteAt);
}

/** `skippedEntries.entries` lists this many; `count` has them all. */
const MAX_SKIPPED_LISTED = 8;

/** The line and byte counters of ReadDiagnostics, summed over readers. */
type ReadStatsTotal = Pick<
  ReadDiagnostics,
  'filesRead' | 'bytesRead' | 'malformedLines' | 'invalidUtf8Lines' | 'oversizedLines' | 'suspiciousLines'
>;

function emptyTotals(): ReadStatsTotal {
  return { filesRead: 0, bytesRead: 0, malformedLines: 0, invalidUtf8Lines: 0, oversizedLines: 0, suspiciousLines: 0 };
}

function addStats(d: ReadStatsTotal, reader: RolloutReader): void {
  d.filesRead += 1;
  d.bytesRead += reader.stats.bytesRead;
  d.malformedLines += reader.stats.malformedLines;
  d.invalidUtf8Lines += reader.stats.invalidUtf8Lines;
  d.oversizedLines += reader.stats.oversizedLines;
  d.suspiciousLines += reader.stats.suspiciousLines;
}

async function mtimeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
