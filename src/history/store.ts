import { appendFile, lstat, mkdir, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileStamp, replaceByRename, writeNewUnder } from '../fs/atomic.js';
import { copyRange } from '../fs/copyHandle.js';
import { withRegularFile } from '../fs/readBounded.js';
import { processIdentity } from '../instance/processInfo.js';
import { oldestKeptDay, localDay } from './day.js';
import { linked, locateHistoryFile, notRegular } from './location.js';
import { foreignTarget, MAX_READ_BYTES, parseOpenFile, type ParsedHistory } from './read.js';
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

export interface StoreOptions {
  now: () => number;
  bounds?: Bounds;
  /** Told when a damaged file was backed up and rebuilt, or left-over files were removed. */
  log?: (message: string) => void;
  /** Stops reading the file at open (a signal while a large history loads): open rejects with the reason. */
  signal?: AbortSignal;
}

/** The history file is not ours to write: the message says which file, what it is, and that it is left alone. */
export class HistoryFileRefused extends Error {
  constructor(path: string, what: string) {
    super(`history file ${path} is ${what}: it is left alone`);
    this.name = 'HistoryFileRefused';
  }
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
   * Opens (or creates) the file. A damaged file, or one at our path that is
   * not a history file, is copied byte for byte next to it
   * (`history.jsonl.damaged-<time>`) and rebuilt from what could be read; a
   * regular file no bound can read is moved there instead. Compaction files a
   * dead writer left (`history.jsonl.tmp-<pid>`) are removed. Throws
   * HistoryFileRefused for a file that is not ours, and an fs error when the
   * folder cannot be written; never for the bytes of a regular file.
   */
  static async open(path: string, opts: StoreOptions): Promise<HistoryStore> {
    const now = opts.now();
    const place = await locateHistoryFile(path);
    if (place.kind !== 'file') throw new HistoryFileRefused(path, place.what);
    await mkdir(dirname(place.target), { recursive: true });
    const removed = await removeOrphans(place.target);
    if (removed.length > 0) {
      opts.log?.(`removed ${removed.join(', ')} next to ${path}: left by a compaction whose process ended`);
    }
    const fresh = async (): Promise<HistoryStore> => {
      const store = new HistoryStore(path, place.target, emptyState(now), opts);
      await store.rewrite();
      return store;
    };
    if (!place.exists) return fresh();
    const read = await withRegularFile(place.target, async (handle, info) => {
      if (info.size > MAX_READ_BYTES) return { kind: 'tooLarge' as const, size: info.size, maxBytes: MAX_READ_BYTES };
      const parsed = await parseOpenFile(handle, info.size, now, opts.signal);
      const refused = foreignTarget(parsed, place, path);
      if (refused !== null) return { kind: 'refused' as const, what: refused };
      if (parsed.problem === null) return { kind: 'parsed' as const, parsed, backup: null };
      // A failed backup is not a failed read: the message must name the copy, and nothing is rebuilt without one.
      return backUp(handle, parsed.bytes, place.target, now).then(
        (backup) => ({ kind: 'parsed' as const, parsed, backup }),
        (error: unknown) => ({ kind: 'backupFailed' as const, error }),
      );
    });
    switch (read.kind) {
      case 'missing':
        return fresh();
      case 'refused':
        throw new HistoryFileRefused(path, read.what);
      case 'special':
        throw new HistoryFileRefused(path, notRegular(path, place.target, read.reason));
      case 'error':
        throw new Error(`history file ${path} is ${linked(path, place.target, read.reason)}`);
      case 'tooLarge': {
        // Not read at all. At our own path it is ours to move aside (a rename: no copy of gigabytes); behind a link it is not.
        if (place.link)
          throw new HistoryFileRefused(path, linked(path, place.target, `larger than ${read.maxBytes} bytes`));
        const aside = backupName(place.target, now);
        await rename(place.target, aside);
        opts.log?.(
          `history file ${path} is larger than any history file this app writes (${read.size} bytes); it was moved to ${aside} and history starts afresh`,
        );
        return fresh();
      }
      case 'backupFailed':
        throw new Error(
          `history file ${path} is damaged and could not be backed up (${errorCode(read.error)}): it is left as it is`,
        );
      case 'parsed':
        return HistoryStore.fromParsed(path, place.target, read.parsed, read.backup, opts, now);
    }
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
      const due = parsed.redundant > 1000 || parsed.adjusted > 0 || !parsed.recent || store.hasExpired(now);
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

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const buf = Buffer.from(text);
  for (let at = 0; at < buf.length;) at += (await handle.write(buf, at, buf.length - at)).bytesWritten;
}

function backupName(target: string, now: number): string {
  return `${target}.damaged-${fileStamp(now)}`;
}

/**
 * The exact bytes that were read, from the handle that read them (never the
 * path again, which may since be something else), next to the target. Two
 * starts in one millisecond (or a clock set back) get a second name, never
 * the first again.
 */
function backUp(handle: FileHandle, bytes: number, target: string, now: number): Promise<string> {
  const name = backupName(target, now);
  return writeNewUnder([name, `${name}-${process.pid}`], copyRange(handle, bytes), { mode: 0o666 });
}

/** `history.jsonl.tmp-<pid>`: a compaction in progress, or left by one whose process ended (a kill -9, a crash). */
const TMP = /^(.*)\.tmp-(\d{1,10})$/;

/**
 * Removes the compaction files of writers that are gone (issue 21 §2): the
 * caller holds the publisher lock, so no other process of ours writes here.
 * A pid that is still in use is kept unless that process started after the
 * file was last written (the number was reused). Returns the names removed.
 */
async function removeOrphans(target: string): Promise<string[]> {
  const dir = dirname(target);
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = TMP.exec(name);
    if (m === null || m[1] !== basename(target)) continue;
    const file = join(dir, name);
    if (await writerGone(Number(m[2]), file)) {
      await unlink(file).then(
        () => removed.push(name),
        () => undefined,
      );
    }
  }
  return removed;
}

/** The start times are whole seconds on Linux (btime): a second of slack either way. */
const START_SLACK_MS = 2000;

async function writerGone(pid: number, file: string): Promise<boolean> {
  // This process writes its own only while a store of it compacts; it opens no other.
  if (pid === process.pid) return false;
  const info = await lstat(file).catch(() => null);
  if (info === null || !info.isFile()) return false;
  const identity = await processIdentity(pid);
  if (identity === null) return true;
  return identity.startedAt !== null && identity.startedAt > info.mtimeMs + START_SLACK_MS;
}
