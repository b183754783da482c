import { lstat, mkdir, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileStamp, writeNewUnder } from '../fs/atomic.js';
import { copyRange } from '../fs/copyHandle.js';
import { withRegularFile } from '../fs/readBounded.js';
import { processIdentity } from '../instance/processInfo.js';
import { linked, locateHistoryFile, notRegular } from './location.js';
import { foreignTarget, MAX_READ_BYTES, parseOpenFile, type ParsedHistory } from './read.js';

/**
 * Opening the history file for the publisher's store (issue 21 §2): found
 * through its symlinks, read by the one schema, a damaged file backed up byte
 * for byte, one too large moved aside, and the compaction files a dead writer
 * left removed. Nothing here appends or compacts (store.ts does).
 */

/** The history file is not ours to write: the message says which file, what it is, and that it is left alone. */
export class HistoryFileRefused extends Error {
  constructor(path: string, what: string) {
    super(`history file ${path} is ${what}: it is left alone`);
    this.name = 'HistoryFileRefused';
  }
}

/** What was found at open: the parsed file and its backup, or `parsed: null` to start afresh. */
export interface OpenedHistory {
  /** Where the bytes are: the path, or the file a symlink at it points to. */
  target: string;
  parsed: ParsedHistory | null;
  /** Where a damaged file's exact bytes were saved (null: it was not damaged). */
  backup: string | null;
}

/**
 * Reads (or prepares to create) the file. A damaged file, or one at our path
 * that is not a history file, is copied byte for byte next to it
 * (`history.jsonl.damaged-<time>`); a regular file no bound can read is moved
 * there instead. Compaction files a dead writer left
 * (`history.jsonl.tmp-<pid>`) are removed. Throws HistoryFileRefused for a
 * file that is not ours, and an fs error when the folder cannot be written;
 * never for the bytes of a regular file.
 */
export async function openHistoryFile(
  path: string,
  now: number,
  opts: { log?: (message: string) => void; signal?: AbortSignal },
): Promise<OpenedHistory> {
  const place = await locateHistoryFile(path);
  if (place.kind !== 'file') throw new HistoryFileRefused(path, place.what);
  await mkdir(dirname(place.target), { recursive: true });
  const removed = await removeOrphans(place.target);
  if (removed.length > 0) {
    opts.log?.(`removed ${removed.join(', ')} next to ${path}: left by a compaction whose process ended`);
  }
  const fresh = (): OpenedHistory => ({ target: place.target, parsed: null, backup: null });
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
      return { target: place.target, parsed: read.parsed, backup: read.backup };
  }
}

/** An fs error's code (`ENOSPC`), or its message. */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
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
