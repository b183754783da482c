import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

const ROLLOUT_NAME = /^rollout-.*\.jsonl$/;

/**
 * True for `sessions/**\/rollout-*.jsonl`. Archived sessions live outside
 * `sessions/`, and compressed siblings (`.jsonl.zst`, `.jsonl.gz`) do not end
 * in `.jsonl`, so both are left out.
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
}

/**
 * Every rollout file under `sessions/` with its size and mtime, newest write
 * first. Resumed sessions append to files in old date folders, so all folders
 * are listed, not only today's. Unreadable folders are skipped.
 */
export async function listRolloutFiles(sessionsDir: string): Promise<RolloutFile[]> {
  const paths: string[] = [];
  await walk(sessionsDir, 0, paths);
  const files: RolloutFile[] = [];
  const BATCH = 256;
  for (let i = 0; i < paths.length; i += BATCH) {
    const batch = await Promise.all(
      paths.slice(i, i + BATCH).map(async (path) => {
        try {
          const s = await stat(path);
          return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs } : null;
        } catch {
          return null;
        }
      }),
    );
    for (const f of batch) if (f !== null) files.push(f);
  }
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

async function walk(dir: string, depth: number, out: string[]): Promise<void> {
  if (depth > 6) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const subdirs: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'archived_sessions') subdirs.push(path);
    } else if (ROLLOUT_NAME.test(entry.name)) {
      out.push(path);
    }
  }
  await Promise.all(subdirs.map((d) => walk(d, depth + 1, out)));
}
