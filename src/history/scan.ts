import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { classifyHead, HEAD_BYTES } from '../rollout/decode/classifyHead.js';
import { openCompressed } from '../codex/compressedBytes.js';
import { isObject, isoToMs, str } from '../codex/json.js';
import { OPEN_FLAGS } from '../codex/lineTail.js';
import { LineCheck } from '../codex/ranges.js';
import { isCompressed } from '../rollout/files.js';
import { parseRateLimits } from '../rollout/decode/rateLimits.js';
import { blendedTotal, parseTokenUsage } from '../rollout/decode/tokenUsage.js';
import type { TokenUsage } from '../rollout/types.js';
import { localDay } from './day.js';
import type { DayTokens, FileCursor, LimitRecord, Totals } from './records.js';

/**
 * Reads a rollout from where history last stopped and turns its new lines
 * into token usage per local day and limit observations (issue 15 §1).
 * Self-contained on purpose: only `session_meta`, `turn_context` and
 * `token_count` lines are parsed, found by a byte search in each line's
 * first bytes and confirmed by the reader's own prefilter (classifyHead);
 * every other line, however large, is stepped over without being copied.
 *
 * Tokens are Codex's display figure (`blendedTotal`), cached input apart.
 * Per token_count line the increment is the growth of the cumulative total;
 * a total that goes down (older Codex restarts it on resume; a context
 * overflow resets it) re-baselines and counts the line's own request, as the
 * live session state does. A fork's first total includes its parent's
 * (SCHEMA.md §11), so it counts only its own request; a sub-agent's usage is
 * only in its own file. So each file's own growth counts every request once.
 */

export interface ScanOptions {
  /** The project a cwd belongs to (the live engine's rule: repository name, else folder name). */
  project(cwd: string): Promise<string | null>;
  /** True when the settings' ignore list names this project: nothing of it is recorded. */
  ignored(project: string | null): boolean;
  now: number;
  /** Only lines later than this count (history was cleared then); null counts everything. */
  countAfter: number | null;
  /** Observations older than this are not kept (backfill reads more history than charts show). */
  limitsSince?: number;
}

export interface ScanResult {
  cursor: FileCursor;
  add: DayTokens[];
  limits: LimitRecord[];
  /** Bytes read. */
  bytes: number;
}

const CHUNK_BYTES = 1024 * 1024;
/** The envelope and payload types sit in a line's first ~150 bytes. */
const SNIFF_BYTES = 512;
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEEDLES = ['"token_count"', '"turn_context"', '"session_meta"'].map((n) => Buffer.from(n));

export function freshCursor(path: string, ino: number, after: number | null): FileCursor {
  return {
    path,
    ino,
    offset: 0,
    lastAt: null,
    session: null,
    project: null,
    model: null,
    fork: false,
    ignored: false,
    meta: false,
    prev: null,
    after,
  };
}

/**
 * Files with at most this much new to read are read synchronously: for the
 * thousands of small rollouts of a backfill, four thread-pool round trips per
 * file (open, stat, read, close) cost more than the reading. A read this size
 * takes a millisecond or so; the worker yields between files either way.
 */
const SYNC_READ_BYTES = 1024 * 1024;
const readAsync = promisify(read);

/**
 * Null when the path is not a readable regular file (gone, a FIFO, refused).
 * `previous` is this file's cursor; for a compressed rollout it may be its
 * plain form's, the file Codex compressed it from.
 */
export async function scanRollout(
  path: string,
  previous: FileCursor | null,
  opts: ScanOptions,
): Promise<ScanResult | null> {
  if (isCompressed(path)) return scanCompressed(path, previous, opts);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return null;
    const cursor = startCursor(path, info.ino, info.size, previous, opts);
    const scan = new Scan(cursor, opts, Math.min(opts.now, info.mtimeMs));
    const reader: ReadAt =
      info.size - cursor.offset <= SYNC_READ_BYTES
        ? (buf, length, position) => readSync(fd, buf, 0, length, position)
        : async (buf, length, position) => (await readAsync(fd, buf, 0, length, position)).bytesRead;
    const bytes = await scan.read(reader, info.size);
    return { cursor: scan.cursor, add: scan.dayTokens(), limits: scan.limits, bytes };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * A compressed rollout (`.jsonl.zst`) is read once, whole, as it decompresses.
 * When it replaced a plain rollout already counted (Codex compresses finished
 * sessions), only its lines newer than what was counted add anything. A file
 * that is corrupt or expands past the bound adds nothing, and its cursor is
 * still written so it is not tried again.
 */
async function scanCompressed(
  path: string,
  previous: FileCursor | null,
  opts: ScanOptions,
): Promise<ScanResult | null> {
  const bytes = await openCompressed(path);
  if (bytes === null) return null;
  // It never grows: once read, there is nothing more in it.
  if (previous !== null && previous.path === path && previous.ino === bytes.ino)
    return { cursor: previous, add: [], limits: [], bytes: 0 };
  const cursor = startCursor(path, bytes.ino, Infinity, previous, opts);
  const scan = new Scan(cursor, opts, Math.min(opts.now, bytes.mtimeMs));
  try {
    const read = await scan.read((buf, length, position) => bytes.readAt(buf, length, position), Infinity);
    return { cursor: scan.cursor, add: scan.dayTokens(), limits: scan.limits, bytes: read };
  } catch {
    return { cursor: freshCursor(path, bytes.ino, opts.countAfter), add: [], limits: [], bytes: 0 };
  }
}

/** Where a scan starts: where the last one stopped, or from the top for a new, replaced or truncated file. */
function startCursor(
  path: string,
  ino: number,
  size: number,
  previous: FileCursor | null,
  opts: ScanOptions,
): FileCursor {
  if (previous === null) return freshCursor(path, ino, opts.countAfter);
  if (previous.path === path && previous.ino === ino && size >= previous.offset) return { ...previous };
  // Replaced, truncated or compressed: read it again, counting only what is newer than what was counted.
  const seen = Math.max(previous.lastAt ?? -Infinity, previous.after ?? -Infinity, opts.countAfter ?? -Infinity);
  return freshCursor(path, ino, Number.isFinite(seen) ? seen : null);
}

type ReadAt = (buf: Buffer, length: number, position: number) => number | Promise<number>;

class Scan {
  readonly limits: LimitRecord[] = [];
  private readonly days = new Map<string, [number, number]>();
  private cwd: string | null = null;

  constructor(
    readonly cursor: FileCursor,
    private readonly opts: ScanOptions,
    private readonly readAt: number,
  ) {}

  dayTokens(): DayTokens[] {
    return [...this.days].map(([day, [t, c]]) => [day, t, c]);
  }

  /** Reads complete lines from the cursor to `size`; a trailing partial line waits for the next scan. */
  async read(readAt: ReadAt, size: number): Promise<number> {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, size - this.cursor.offset)));
    let pos = this.cursor.offset;
    let lineStart = pos;
    let skipping = false;
    let collected: Buffer[] | null = null;
    let collectedBytes = 0;
    let total = 0;
    while (pos < size) {
      const want = Math.min(buf.length, size - pos);
      const got = readAt(buf, want, pos);
      const bytesRead = typeof got === 'number' ? got : await got;
      if (bytesRead === 0) break;
      total += bytesRead;
      const view = buf.subarray(0, bytesRead);
      let i = 0;
      let rewind = -1;
      while (i < bytesRead) {
        const nl = view.indexOf(10, i);
        if (skipping || collected !== null) {
          if (collected !== null) {
            const part = view.subarray(i, nl === -1 ? bytesRead : nl);
            collectedBytes += part.length;
            if (collectedBytes > MAX_LINE_BYTES) {
              collected = null;
              skipping = true;
            } else collected.push(Buffer.from(part));
          }
          if (nl === -1) break;
          if (collected !== null) {
            const pending = this.line(Buffer.concat(collected), lineStart === 0);
            if (pending !== null) await pending;
          }
          collected = null;
          skipping = false;
          i = nl + 1;
          lineStart = pos + i;
          this.cursor.offset = lineStart;
          continue;
        }
        if (nl !== -1) {
          const line = view.subarray(i, nl);
          if (candidate(line)) {
            const pending = this.line(line, lineStart === 0);
            if (pending !== null) await pending;
          }
          i = nl + 1;
          lineStart = pos + i;
          this.cursor.offset = lineStart;
          continue;
        }
        // A line runs past this chunk.
        const part = view.subarray(i);
        if (part.length >= SNIFF_BYTES) {
          if (candidate(part)) {
            collected = [Buffer.from(part)];
            collectedBytes = part.length;
          } else skipping = true;
        } else if (i > 0) rewind = pos + i; // too little to judge: read it again from its start
        break;
      }
      pos = rewind === -1 ? pos + bytesRead : rewind;
    }
    return total;
  }

  /** Handles one line; a promise only when a new cwd's project must be looked up. */
  private line(raw: Buffer, isFirstLine: boolean): Promise<void> | null {
    let line = raw;
    if (line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    const check = new LineCheck(this.readAt);
    // The live reader's prefilter has the last word on what a line is.
    if (classifyHead(line.subarray(0, HEAD_BYTES).toString('utf8'), isFirstLine, check).action !== 'parse') return null;
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      return null;
    }
    if (!isObject(value) || !isObject(value.payload)) return null;
    const p = value.payload;
    const at = check.time(isoToMs(value.timestamp));
    if (at !== null) this.cursor.lastAt = Math.max(this.cursor.lastAt ?? at, at);
    if (value.type === 'session_meta') {
      // A sub-agent's file also carries a copy of its parent's session_meta: only the first is its own.
      if (this.cursor.meta) return null;
      const meta = isObject(p.meta) ? p.meta : p;
      this.cursor.meta = true;
      this.cursor.session = str(meta.id) ?? str(meta.session_id);
      this.cursor.fork = str(meta.forked_from_id) !== null;
      return this.setCwd(str(meta.cwd));
    } else if (value.type === 'turn_context') {
      const mode = isObject(p.collaboration_mode) ? p.collaboration_mode : null;
      const settings = mode !== null && isObject(mode.settings) ? mode.settings : null;
      this.cursor.model = str(p.model) ?? (settings === null ? null : str(settings.model)) ?? this.cursor.model;
      return this.setCwd(str(p.cwd));
    } else if (value.type === 'event_msg' && p.type === 'token_count') {
      this.tokenCount(p, at, check);
    }
    return null;
  }

  private setCwd(cwd: string | null): Promise<void> | null {
    if (cwd === null || cwd === this.cwd) return null;
    this.cwd = cwd;
    return this.resolveProject(cwd);
  }

  private async resolveProject(cwd: string): Promise<void> {
    const project = await this.opts.project(cwd);
    this.cursor.ignored = this.opts.ignored(project);
    this.cursor.project = this.cursor.ignored ? null : project;
  }

  private tokenCount(p: Record<string, unknown>, at: number | null, check: LineCheck): void {
    const limits = parseRateLimits(p.rate_limits, at, check);
    if (limits !== null && (this.opts.limitsSince === undefined || limits.observedAt >= this.opts.limitsSince)) {
      for (const kind of ['primary', 'secondary'] as const) {
        const w = limits[kind];
        if (w === null) continue;
        this.limits.push({
          k: 'limit',
          at: limits.observedAt,
          id: limits.limitId,
          name: limits.limitName,
          kind,
          minutes: w.windowMinutes,
          used: w.usedPercent,
          reset: w.resetsAt,
          src: 'log',
        });
      }
    }
    const info = isObject(p.info) ? p.info : null;
    if (info === null) return;
    const total = parseTokenUsage(info.total_token_usage, check);
    if (total === null) return;
    const last = parseTokenUsage(info.last_token_usage, check);
    const prev = this.cursor.prev;
    let tokens: number;
    let cached: number;
    if (prev === null) {
      const own = this.cursor.fork ? last : total;
      tokens = own === null ? 0 : blendedTotal(own);
      cached = own === null ? 0 : own.cachedInput;
    } else if (total.total < prev[3]) {
      tokens = last === null ? 0 : blendedTotal(last);
      cached = last === null ? 0 : last.cachedInput;
    } else {
      tokens = Math.max(0, blendedTotal(total) - blended(prev));
      cached = Math.max(0, total.cachedInput - prev[1]);
    }
    this.cursor.prev = totals(total);
    if (at === null || this.cursor.ignored) return;
    if (this.cursor.after !== null && at <= this.cursor.after) return;
    if (tokens === 0 && cached === 0) return;
    const day = localDay(at);
    const cell = this.days.get(day);
    if (cell === undefined) this.days.set(day, [tokens, cached]);
    else {
      cell[0] += tokens;
      cell[1] += cached;
    }
  }
}

function candidate(line: Buffer): boolean {
  const head = line.length > SNIFF_BYTES ? line.subarray(0, SNIFF_BYTES) : line;
  for (const needle of NEEDLES) if (head.indexOf(needle) !== -1) return true;
  return false;
}

function totals(u: TokenUsage): Totals {
  return [u.input, u.cachedInput, u.output, u.total];
}

function blended(t: Totals): number {
  return Math.max(0, t[0] - t[1]) + t[2];
}
