import { CLOCK_SKEW_MS } from '../ranges/ranges.js';
import { compressedPath, fileInfo, isCompressed } from '../rollout/files.js';
import { RolloutReader, type ReaderOptions } from '../rollout/reader.js';
import type { RolloutEvent } from '../rollout/types.js';
import type { GitResolver } from './git.js';
import { LimitStore } from './limitStore.js';
import type { ReadLedger } from './readLedger.js';
import { applyEvent, forkBaseKnown, newSessionState, type SessionState } from './sessionState.js';

export interface Tracked {
  reader: RolloutReader;
  state: SessionState;
  lastWriteAt: number;
  partial: boolean;
  /** Read from its `.jsonl.zst`: finished, never tailed, kept until it goes stale like any session. */
  compressed: boolean;
}

export interface SessionFilesOptions {
  reader: ReaderOptions;
  now: () => number;
  staleMs: number;
  /** Files up to this size are read whole at cold start; larger ones from their end. */
  fullReadBytes: number;
  /** How far back a large active file is read at cold start. */
  tailBudgetBytes: number;
  /** The account's limits, shared by every session (replaced when the engine rebuilds). */
  limits: () => LimitStore;
  ledger: ReadLedger;
  git: GitResolver;
}

/**
 * The live sessions, one per rollout file, each folded from the file's
 * events as they are read (tailed as it grows, read from its end when large,
 * or decompressed whole when Codex compressed it). Keyed by the plain path:
 * a `.jsonl` and its `.jsonl.zst` are one session.
 */
export class SessionFiles {
  readonly sessions = new Map<string, Tracked>();

  constructor(private readonly opts: SessionFilesOptions) {}

  /** Reads what changed in `path` (`changed` is the name the event came with: plain or compressed). */
  async read(path: string, changed = path): Promise<void> {
    const tracked = this.sessions.get(path);
    const { ledger } = this.opts;
    if (tracked === undefined) {
      const info = await fileInfo(path);
      // Codex compressing an old rollout is no sign of life: only the plain file's own writes are.
      if (info !== null && isCompressed(changed) && this.opts.now() - info.mtimeMs > this.opts.staleMs) return;
      if (info !== null) await this.open(path, info.size, info.mtimeMs);
      else if ((await fileInfo(compressedPath(path))) !== null) await this.openCompressed(path);
      else ledger.unreadable.delete(path);
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
      else if (ledger.special.has(compressedPath(path))) await this.openCompressed(path, tracked);
      return;
    }
    await this.readNew(path, tracked);
  }

  remove(path: string): void {
    const tracked = this.sessions.get(path);
    if (tracked === undefined) return;
    this.opts.ledger.retire(tracked.reader.stats);
    this.sessions.delete(path);
  }

  /**
   * Reads a session from its `.jsonl.zst` whole. With `into` (a live session
   * whose file Codex just compressed), the session is rebuilt from the
   * compressed copy, which holds every line, including any written after our
   * last read; its last write time is kept, so it ends when it would have,
   * not early. The events are folded as they are decompressed into a new
   * state and a limit store of its own, which count only once the whole file
   * was read: a compressed file that cannot be read is reported in
   * `skippedEntries`, gives no limits, and a session already shown keeps
   * what it had.
   */
  async openCompressed(path: string, into?: Tracked): Promise<void> {
    const file = compressedPath(path);
    const { ledger } = this.opts;
    const reader = new RolloutReader(file, this.opts.reader);
    const t: Tracked = {
      reader,
      state: newSessionState(),
      lastWriteAt: into?.lastWriteAt ?? 0,
      partial: false,
      compressed: true,
    };
    const limits = new LimitStore();
    const read = reader.compressed();
    for await (const e of read) {
      const observation = applyEvent(t.state, e);
      if (observation !== null) limits.add(observation);
    }
    const outcome = read.outcome;
    if (outcome?.kind !== 'read') {
      if (outcome?.kind === 'special') ledger.special.set(file, outcome.reason);
      if (outcome?.kind === 'unreadable') ledger.unreadable.set(file, outcome.mtimeMs);
      if (into !== undefined) into.compressed = true;
      else ledger.retire(reader.stats);
      return;
    }
    ledger.readOk(file);
    if (into !== undefined) ledger.retire(into.reader.stats);
    this.opts.limits().absorb(limits);
    // Compression time is not activity: a session read only from its compressed file is as live as its last line.
    if (into === undefined && this.opts.now() - lastActivity(t) > this.opts.staleMs) {
      // Codex compressing a session that ended long ago: its limits are taken, the session is not shown.
      ledger.retire(reader.stats);
      return;
    }
    if (into !== undefined) Object.assign(into, t);
    this.sessions.set(path, into ?? t);
    await this.opts.git.refresh(t.state.cwd);
  }

  async open(path: string, size: number, mtimeMs: number): Promise<void> {
    const tracked: Tracked = {
      reader: new RolloutReader(path, this.opts.reader),
      state: newSessionState(),
      lastWriteAt: 0,
      partial: false,
      compressed: false,
    };
    this.sessions.set(path, tracked);
    if (size > this.opts.fullReadBytes) {
      const recent = tracked.reader.recent(this.opts.tailBudgetBytes);
      const enough = enoughForSession();
      const newestFirst: RolloutEvent[] = [];
      for await (const e of recent.events) {
        newestFirst.push(e);
        if (enough(e)) break;
      }
      const outcome = recent.events.outcome;
      if (outcome?.kind === 'unreadable') return this.markUnreadable(path, mtimeMs);
      if (outcome?.kind === 'read') {
        const events = newestFirst.reverse();
        const reachedStart = recent.events.reachedStart;
        if (!reachedStart) {
          // The first line carries session_meta (cwd, id, version): always read it.
          const meta = await recent.firstLine();
          if (meta !== null) events.unshift(meta);
          await this.findForkBase(path, meta, tracked.state);
        }
        for (const e of events) this.apply(tracked, e);
        tracked.partial = !reachedStart;
      }
    }
    await this.readNew(path, tracked);
  }

  async readNew(path: string, t: Tracked): Promise<void> {
    const { ledger } = this.opts;
    const read = t.reader.tail(() => {
      t.state = newSessionState();
      t.partial = false;
    });
    for await (const e of read) this.apply(t, e);
    const outcome = read.outcome;
    if (outcome?.kind === 'missing' && (await fileInfo(compressedPath(path))) !== null) {
      // Codex compressed the finished rollout: the same session, not one that ended early.
      return this.openCompressed(path, t);
    }
    if (outcome?.kind === 'special') ledger.special.set(path, outcome.reason);
    if (outcome?.kind === 'missing' || outcome?.kind === 'special') {
      ledger.unreadable.delete(path);
      return this.remove(path);
    }
    if (outcome?.kind === 'unreadable') return this.markUnreadable(path, outcome.mtimeMs);
    if (outcome?.kind !== 'read') return;
    ledger.readOk(path);
    // A file stamped in the future (a skewed clock, `touch -d`) must not keep its session alive forever.
    const mtime = Math.min(outcome.file.mtimeMs, this.opts.now() + CLOCK_SKEW_MS);
    t.lastWriteAt = Math.max(t.lastWriteAt, mtime);
    // Project and branch are ready before the next snapshot (read asynchronously, never blocking).
    await this.opts.git.refresh(t.state.cwd);
  }

  /**
   * A fork read from its end: what it inherited is in its first own usage
   * line, near the start, so read forward for it within the tail budget. Not found: its growth counts from the oldest line read.
   */
  private async findForkBase(path: string, meta: RolloutEvent | null, state: SessionState): Promise<void> {
    if (meta?.kind !== 'meta' || meta.forkedFromId === null) return;
    const probe = new RolloutReader(path, this.opts.reader);
    // Folded like any read, up to its first own usage line: a fork of an older
    // session replays its parent's lines first (growth.ts), and those are inherited.
    const start = newSessionState();
    for await (const e of probe.fromStart(this.opts.tailBudgetBytes)) {
      applyEvent(start, e);
      if (forkBaseKnown(start)) break;
    }
    // Found, or (a fork with no records of its own) taken from its first usage line.
    if (start.total !== null) state.inherited = start.inherited;
    this.opts.ledger.addBytes(probe.stats.bytesRead);
  }

  private apply(t: Tracked, e: RolloutEvent): void {
    const observation = applyEvent(t.state, e);
    if (observation !== null) this.opts.limits().add(observation);
  }

  /** A live file that may not be read: not a session we can show, but reported (diagnostics.unreadable). */
  private markUnreadable(path: string, mtimeMs: number): void {
    this.opts.ledger.unreadable.set(path, mtimeMs);
    this.remove(path);
  }
}

export function lastActivity(t: Tracked): number {
  return Math.max(t.state.lastEventAt ?? 0, t.lastWriteAt);
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
