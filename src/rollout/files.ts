import { readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { errorReason, statKind, type SpecialEntry } from '../fs/entryKind.js';

export type { SpecialEntry } from '../fs/entryKind.js';

const ROLLOUT_NAME = /^rollout-.*\.jsonl(\.zst)?$/;
const ZST = '.zst';

/** True for a compressed rollout (`rollout-*.jsonl.zst`, Codex 0.169's `local_thread_store_compression`). */
export function isCompressed(path: string): boolean {
  return path.endsWith(ZST);
}

/** The plain `.jsonl` path of a rollout, compressed or not: one session, whichever form it is in now. */
export function plainPath(path: string): string {
  return isCompressed(path) ? path.slice(0, -ZST.length) : path;
}

export function compressedPath(path: string): string {
  return `${plainPath(path)}${ZST}`;
}

/**
 * True for `sessions/**\/rollout-*.jsonl` and its compressed sibling
 * `rollout-*.jsonl.zst`. Archived sessions live outside `sessions/`, so they
 * are left out; other compressed forms (`.jsonl.gz`) are not Codex's.
 */
export function isRolloutPath(path: string, sessionsDir: string): boolean {
  if (!ROLLOUT_NAME.test(basename(path))) return false;
  const rel = relative(sessionsDir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.split(sep).includes('archived_sessions');
}

export interface RolloutFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** A `.jsonl.zst` (listed only when its plain `.jsonl` is not there: the plain file wins). */
  compressed: boolean;
}

/**
 * Every rollout file under `sessions/` with its size and mtime, newest write
 * first; a compressed one only when its plain form is not there. Resumed sessions append to files in old date folders, so all folders
 * are listed, not only today's. Unreadable folders are skipped. An entry named
 * like a rollout that is not a regular file (a symlink loop, a FIFO, a
 * device) is skipped and reported through `skipped`, never thrown.
 *
 * Synchronous on purpose: it runs once at start-up, and for 10,000 files it
 * is 3× faster (≈110 ms against ≈330 ms) and ≈20 MB lighter at peak than
 * 10,000 stat promises (measured with `npm run bench`). `statSync` never
 * opens the file, so a FIFO cannot block it.
 */
export function listRolloutFiles(sessionsDir: string, skipped: SpecialEntry[] = []): RolloutFile[] {
  const files: RolloutFile[] = [];
  walk(sessionsDir, 0, files, skipped);
  const plain = new Set(files.filter((f) => !f.compressed).map((f) => f.path));
  // Both forms of one rollout: the plain file wins (Codex may still be writing it).
  return files.filter((f) => !f.compressed || !plain.has(plainPath(f.path))).sort((a, b) => b.mtimeMs - a.mtimeMs);
}

function walk(dir: string, depth: number, out: RolloutFile[], skipped: SpecialEntry[]): void {
  if (depth > 6) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'archived_sessions') walk(path, depth + 1, out, skipped);
    } else if (ROLLOUT_NAME.test(entry.name)) {
      let info;
      try {
        info = statSync(path, { throwIfNoEntry: false });
      } catch (error) {
        skipped.push({ path, reason: errorReason(error) });
        continue;
      }
      if (info === undefined) continue; // deleted since the listing, or a dangling symlink
      if (info.isFile()) out.push({ path, size: info.size, mtimeMs: info.mtimeMs, compressed: isCompressed(path) });
      else skipped.push({ path, reason: statKind(info) });
    }
  }
}

/**
 * Size, mtime and inode, or null if the file is gone or is not a regular file
 * (a FIFO or device named like a rollout is never opened: opening a FIFO blocks).
 */
export async function fileInfo(path: string): Promise<{ size: number; mtimeMs: number; ino: number } | null> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return null;
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return null;
  }
}
