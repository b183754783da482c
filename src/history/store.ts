import { appendFile, type FileHandle } from 'node:fs/promises';
import { replaceByRename } from '../fs/atomic.js';
import { oldestKeptDay, localDay } from './day.js';
import { errorCode, openHistoryFile } from './openFile.js';
import type { ParsedHistory } from './read.js';
import { encodeRecord } from './codec.js';
import type { HistoryRecord } from './records.js';
import { compactionDue, DEFAULT_BOUNDS, summaryEvery, type Bounds } from './bounds.js';
import { compact, recentLine } from './compact.js';
import { applyStored, emptyState, type HistoryState } from './state.js';

/**
 * The history file: an append-only JSON-lines log, rewritten compactly from
 * time to time (issue 15 §1). An append is one write of whole lines, so a
 * crash leaves at worst a truncated last line; a compaction writes a new
 * file and renames it over the old one, so it is all or nothing. A file
 * that is not ours (not a regular file, a symlink to a file that is not a
 * history file) is never written, copied or replaced (issue 21).
 */

export { readHistory } from './read.js';
export { HistoryFileRefused } from './openFile.js';

export interface StoreOptions {
  now: () => number;
  bounds?: Bounds;
  /** Told when a damaged file was backed up and rebuilt, or left-over files were removed. */
  log?: (message: string) => void;
  /** Stops reading the file at open (a signal while a large history loads): open rejects with the reason. */
  signal?: AbortSignal;
}

/** Records a compaction writes per `write` call: memory stays a batch of lines, not the whole file as one string. */
const WRITE_BATCH = 4096;

/** The publisher's handle on the file: the only writer. */
export class HistoryStore {
  private chain: Promise<void> = Promise.resolve();
  private queued: string[] = [];
  private flushScheduled = false;
  /** Bytes appended since the file was last written whole. */
  private appended = 0;
  /** Bytes appended since the last `recent` summary line. */
  private sinceSummary = 0;
  private baseBytes = 0;
  private readonly bounds: Bounds;
  private writeListener: ((message: string) => void) | null = null;

  private constructor(
    readonly path: string,
    /** Where the bytes are: `path`, or the file a symlink at `path` points to (compaction renames there). */
    readonly target: string,
    public state: HistoryState,
    private readonly opts: StoreOptions,
  ) {
    this.bounds = opts.bounds ?? DEFAULT_BOUNDS;
  }

  /**
   * Opens (or creates) the file (openFile.ts: a damaged file backed up, one
   * too large moved aside, a dead writer's compaction files removed;
   * HistoryFileRefused for a file that is not ours), then rebuilds or
   * compacts it when it is damaged, out of range, redundant or expired.
   */
  static async open(path: string, opts: StoreOptions): Promise<HistoryStore> {
    const now = opts.now();
    const opened = await openHistoryFile(path, now, opts);
    if (opened.parsed === null) {
      const store = new HistoryStore(path, opened.target, emptyState(now), opts);
      await store.rewrite();
      return store;
    }
    return HistoryStore.fromParsed(path, opened.target, opened.parsed, opened.backup, opts, now);
  }

  private static async fromParsed(
    path: string,
    target: string,
    parsed: ParsedHistory,
    backup: string | null,
    opts: StoreOptions,
    now: number,
  ): Promise<HistoryStore> {
    const store = new HistoryStore(path, target, parsed.state, opts);
    if (parsed.bytes === 0) {
      await store.rewrite();
    } else if (parsed.problem !== null) {
      opts.log?.(
        `history file ${path}: ${parsed.problem}; the original is saved as ${backup} and the file was rebuilt`,
      );
      await store.rewrite();
    } else {
      store.baseBytes = parsed.bytes;
      // Out-of-range values were cut or left out as read: the file is rewritten as they are now held.
      if (parsed.adjusted > 0) {
        opts.log?.(`history file ${path}: ${parsed.adjusted} line(s) had values out of range, now cut or left out`);
      }
      const due =
        parsed.redundant > 1000 ||
        parsed.adjusted > 0 ||
        !parsed.recent ||
        parsed.windowsLegacy ||
        store.hasExpired(now);
      if (due) await store.rewrite();
    }
    return store;
  }

  /** Applies records now and appends them soon (coalesced into one write), each as the file will hold it. */
  append(records: readonly HistoryRecord[]): void {
    let any = false;
    for (const r of records) {
      // The one schema (records.ts): what is applied and written is what the next start reads back.
      const stored = applyStored(this.state, r);
      if (stored === null) continue;
      this.queued.push(encodeRecord(stored));
      any = true;
    }
    if (any && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Resolves once everything appended so far is on disk, and every compaction asked for before. Never rejects. */
  flush(): Promise<void> {
    this.flushScheduled = false;
    // The lines are taken when the write runs, not now: a compaction queued
    // before it writes them itself (they are in the state) and empties the queue.
    this.chain = this.chain
      .then(async () => {
        if (this.queued.length === 0) return;
        let text = this.queued.join('');
        this.queued = [];
        // Every few hundred kilobytes a summary follows (what the state holds now is exactly what the file
        // will): `status` then reads only what follows it.
        const summary =
          this.sinceSummary + Buffer.byteLength(text) >= summaryEvery(this.bounds)
            ? recentLine(this.state, this.state.usage, this.opts.now())
            : null;
        if (summary !== null) text += summary.line;
        const bytes = Buffer.byteLength(text);
        // Past the room a compaction leaves, the file is written whole instead (the lines are in the state): never over the cap.
        if (!compactionDue(this.baseBytes, this.appended, bytes, this.bounds)) {
          await appendFile(this.target, text);
          this.appended += bytes;
          this.sinceSummary = summary === null ? this.sinceSummary + bytes : 0;
          return;
        }
        try {
          await this.rewriteNow();
        } catch (error) {
          // Kept on disk rather than lost when the compaction cannot be written (over the cap until one can).
          await appendFile(this.target, text).then(
            () => void (this.appended += bytes),
            () => undefined,
          );
          throw error;
        }
      })
      .catch((error: unknown) => this.failed(error));
    return this.chain;
  }

  /** Told when a write fails (a full disk, a file replaced by a folder): the recorder says so where history shows. */
  onWriteError(listener: (message: string) => void): void {
    this.writeListener = listener;
  }

  private failed(error: unknown): void {
    const message = `history could not be written to ${this.path} (${errorCode(error)})`;
    this.opts.log?.(message);
    this.writeListener?.(message);
  }

  /**
   * Compacts (after a backfill, say), after what was appended before. Queued
   * at once, so a `flush` called after this resolves after it, and the lines
   * appended so far are the compaction's to write (they are in the state): a
   * write queued earlier does not append them first, so the file moves from
   * before them to the compacted file in one rename. Never rejects: a failure
   * is reported through onWriteError, and those lines are appended instead.
   */
  compactNow(): Promise<void> {
    this.flushScheduled = false;
    const claimed = this.queued.join('');
    this.queued = [];
    const run = this.chain.then(() =>
      this.rewriteNow().catch(async (error: unknown) => {
        if (claimed !== '') {
          await appendFile(this.target, claimed).then(
            () => void (this.appended += Buffer.byteLength(claimed)),
            () => undefined,
          );
        }
        throw error;
      }),
    );
    this.chain = run.catch((error: unknown) => this.failed(error));
    return this.chain;
  }

  /** Deletes every observation and all usage. Rollout lines written before now are never counted again. */
  async clear(): Promise<void> {
    await this.flush();
    const backfill = this.state.backfill;
    this.state = emptyState(this.opts.now(), this.opts.now());
    this.state.backfill = backfill;
    await this.rewrite();
  }

  private hasExpired(now: number): boolean {
    const cutoff = oldestKeptDay(now, this.bounds.maxDays);
    const first = this.state.limits[0];
    if (first !== undefined && localDay(first.at) < cutoff) return true;
    for (const days of this.state.usage.values()) for (const day of days.keys()) if (day < cutoff) return true;
    return false;
  }

  /** Queues a compaction; the promise rejects when it fails (the chain goes on). */
  private rewrite(): Promise<void> {
    const run = this.chain.then(() => this.rewriteNow());
    this.chain = run.catch((error: unknown) => this.failed(error));
    return run;
  }

  /** Writes the compacted state to a new file next to the target and renames it over the target. */
  private async rewriteNow(): Promise<void> {
    const { lines, bytes, state } = compact(this.state, this.opts.now(), this.bounds);
    // Everything applied so far is in `lines`: lines still queued would repeat it.
    this.queued = [];
    this.state = state;
    // A name of this process's own (removeOrphans knows it), reused if a crash left it.
    const tmp = `${this.target}.tmp-${process.pid}`;
    await replaceByRename(
      this.target,
      async (handle) => {
        for (let i = 0; i < lines.length; i += WRITE_BATCH)
          await writeAll(handle, lines.slice(i, i + WRITE_BATCH).join(''));
      },
      { tmp, overwriteTmp: true, mode: 0o666 },
    );
    this.baseBytes = bytes;
    this.appended = 0;
    this.sinceSummary = 0;
  }
}

async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const buf = Buffer.from(text);
  for (let at = 0; at < buf.length;) at += (await handle.write(buf, at, buf.length - at)).bytesWritten;
}
