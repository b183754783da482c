import { appendFile, copyFile, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { oldestKeptDay, localDay } from './day.js';
import { decodeRecord, encodeRecord, type HistoryRecord } from './records.js';
import { applyRecord, compact, DEFAULT_BOUNDS, emptyState, headerOf, type Bounds, type HistoryState } from './state.js';

/**
 * The history file: an append-only JSON-lines log, rewritten compactly from
 * time to time (issue 15 §1). An append is one write of whole lines, so a
 * crash leaves at worst a truncated last line; a compaction writes a new
 * file and renames it over the old one, so it is all or nothing.
 */

export interface ParsedHistory {
  state: HistoryState;
  /** Why the file cannot be kept as it is (null: it can). */
  problem: string | null;
  /** `file` lines that an older line for the same rollout made redundant: a sign compaction is due. */
  redundant: number;
}

/** Folds the file's bytes into a state, tolerating anything: bad lines are skipped and named in `problem`. */
export function parseHistory(bytes: Buffer, now: number): ParsedHistory {
  const state = emptyState(now);
  if (bytes.length === 0) return { state, problem: null, redundant: 0 };
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  let problem: string | null = tail === '' ? null : 'the last line was cut short (a crash while writing)';
  const first = lines.length > 0 ? decodeRecord(lines[0] ?? '') : null;
  if (first === null || first.k !== 'header') {
    return { state, problem: 'it is not a history file of this app (no header line)', redundant: 0 };
  }
  let bad = 0;
  let files = 0;
  for (const line of lines) {
    const record = decodeRecord(line);
    if (record === null) bad += 1;
    else {
      if (record.k === 'file') files += 1;
      applyRecord(state, record);
    }
  }
  if (bad > 0) problem = `${bad} line${bad === 1 ? ' was' : 's were'} not readable`;
  return { state, problem, redundant: files - state.files.size };
}

/** A reader's view of the file (`status`, `history`, an app that is not the publisher): never writes. */
export async function readHistory(path: string, now: number): Promise<ParsedHistory> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: emptyState(now), problem: null, redundant: 0 };
    return { state: emptyState(now), problem: `not readable (${code ?? String(error)})`, redundant: 0 };
  }
  return parseHistory(bytes, now);
}

export interface StoreOptions {
  now: () => number;
  bounds?: Bounds;
  /** Told when a damaged file was backed up and rebuilt. */
  log?: (message: string) => void;
}

/** The publisher's handle on the file: the only writer. */
export class HistoryStore {
  private chain: Promise<void> = Promise.resolve();
  private queued: string[] = [];
  private flushScheduled = false;
  /** Bytes appended since the file was last written whole. */
  private appended = 0;
  private baseBytes = 0;
  private readonly bounds: Bounds;
  private writeListener: ((message: string) => void) | null = null;

  private constructor(
    readonly path: string,
    public state: HistoryState,
    private readonly opts: StoreOptions,
  ) {
    this.bounds = opts.bounds ?? DEFAULT_BOUNDS;
  }

  /**
   * Opens (or creates) the file. A file that is damaged or not ours is copied
   * byte for byte next to it (`history.jsonl.damaged-<time>`) and rebuilt from
   * what could be read; nothing here throws for a bad file.
   */
  static async open(path: string, opts: StoreOptions): Promise<HistoryStore> {
    const now = opts.now();
    await mkdir(dirname(path), { recursive: true });
    let bytes: Buffer | null = null;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const parsed = bytes === null ? null : parseHistory(bytes, now);
    const store = new HistoryStore(path, parsed?.state ?? emptyState(now), opts);
    if (bytes === null || bytes.length === 0) {
      await store.rewrite();
    } else if (parsed !== null && parsed.problem !== null) {
      const backup = `${path}.damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
      await copyFile(path, backup, constants.COPYFILE_EXCL).catch(async () =>
        copyFile(path, `${backup}-${process.pid}`),
      );
      opts.log?.(
        `history file ${path}: ${parsed.problem}; the original is saved as ${backup} and the file was rebuilt`,
      );
      await store.rewrite();
    } else {
      store.baseBytes = bytes.length;
      if (parsed !== null && (parsed.redundant > 1000 || store.hasExpired(now))) await store.rewrite();
    }
    return store;
  }

  /** Applies records now and appends them soon (coalesced into one write). */
  append(records: readonly HistoryRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) {
      applyRecord(this.state, r);
      this.queued.push(encodeRecord(r));
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Resolves once everything appended so far is on disk. */
  flush(): Promise<void> {
    this.flushScheduled = false;
    // The lines are taken when the write runs, not now: a compaction queued
    // before it writes them itself (they are in the state) and empties the queue.
    this.chain = this.chain
      .then(async () => {
        if (this.queued.length === 0) return;
        const text = this.queued.join('');
        this.queued = [];
        await appendFile(this.path, text);
        this.appended += Buffer.byteLength(text);
        if (this.appended > Math.max(1024 * 1024, this.baseBytes)) await this.rewriteNow();
      })
      .catch((error: unknown) => this.failed(error));
    return this.chain;
  }

  /** Told when a write fails (a full disk, a file replaced by a folder): the recorder says so where history shows. */
  onWriteError(listener: (message: string) => void): void {
    this.writeListener = listener;
  }

  private failed(error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    const message = `history could not be written to ${this.path} (${code})`;
    this.opts.log?.(message);
    this.writeListener?.(message);
  }

  /** Compacts now (after a backfill, say). Never rejects: a failure is reported through onWriteError. */
  async compactNow(): Promise<void> {
    await this.flush();
    await this.rewrite().catch(() => undefined);
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

  private rewrite(): Promise<void> {
    const run = this.chain.then(() => this.rewriteNow());
    this.chain = run.catch((error: unknown) => this.failed(error));
    return run;
  }

  /** Writes the compacted state to a new file and renames it over the old one. */
  private async rewriteNow(): Promise<void> {
    const { records, state } = compact(this.state, this.opts.now(), this.bounds);
    // Everything applied so far is in `records`: lines still queued would repeat it.
    this.queued = [];
    this.state = state;
    const body = records.length > 0 ? records.map(encodeRecord).join('') : encodeRecord(headerOf(state));
    const tmp = `${this.path}.tmp-${process.pid}`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.path);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    this.baseBytes = Buffer.byteLength(body);
    this.appended = 0;
  }
}
