import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

import type { GitInfo } from './types.js';

export type { GitInfo } from './types.js';

interface Resolved {
  project: string;
  /** The folder whose HEAD names the checked-out branch (a worktree has its own). */
  headDir: string | null;
}

const HEAD_TTL_MS = 2000;

/**
 * Project and branch for a session's cwd, from the files in `.git` (no
 * `git` process on a hot path). Handles worktrees (`.git` is a file naming
 * the gitdir) and a detached HEAD (short hash). The repository layout is
 * cached per cwd; HEAD is re-read at most every two seconds.
 */
export class GitResolver {
  private readonly layouts = new Map<string, Resolved>();
  private readonly heads = new Map<string, { branch: string | null; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  info(cwd: string | null): GitInfo {
    if (cwd === null) return { project: null, branch: null };
    let layout = this.layouts.get(cwd);
    if (layout === undefined) {
      layout = resolveLayout(cwd);
      this.layouts.set(cwd, layout);
    }
    return { project: layout.project, branch: layout.headDir === null ? null : this.branch(layout.headDir) };
  }

  private branch(headDir: string): string | null {
    const cached = this.heads.get(headDir);
    const now = this.now();
    if (cached !== undefined && now - cached.at < HEAD_TTL_MS) return cached.branch;
    const branch = readBranch(headDir);
    this.heads.set(headDir, { branch, at: now });
    return branch;
  }
}

function resolveLayout(cwd: string): Resolved {
  let dir = resolve(cwd);
  for (let depth = 0; depth < 64; depth += 1) {
    const dotGit = join(dir, '.git');
    const kind = entryKind(dotGit);
    if (kind === 'dir') return { project: basename(dir) || dir, headDir: dotGit };
    if (kind === 'file') return worktreeLayout(dir, dotGit);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { project: basename(resolve(cwd)) || cwd, headDir: null };
}

/** A worktree's `.git` file says `gitdir: <main>/.git/worktrees/<name>`; its `commondir` leads back to `<main>/.git`. */
function worktreeLayout(dir: string, dotGit: string): Resolved {
  const text = readText(dotGit);
  const match = text === null ? null : /^gitdir:\s*(.+)$/m.exec(text);
  const gitdirRaw = match?.[1]?.trim();
  if (gitdirRaw === undefined) return { project: basename(dir), headDir: null };
  const gitdir = isAbsolute(gitdirRaw) ? gitdirRaw : resolve(dir, gitdirRaw);
  const common = readText(join(gitdir, 'commondir'))?.trim();
  const commonDir = common === undefined || common === '' ? null : resolve(gitdir, common);
  const project = commonDir !== null && basename(commonDir) === '.git' ? basename(dirname(commonDir)) : basename(dir);
  return { project, headDir: gitdir };
}

function readBranch(headDir: string): string | null {
  const head = readText(join(headDir, 'HEAD'))?.trim();
  if (head === undefined || head === '') return null;
  const ref = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
  if (ref?.[1] !== undefined) return ref[1];
  if (/^[0-9a-f]{7,64}$/i.test(head)) return head.slice(0, 7);
  return null;
}

function entryKind(path: string): 'dir' | 'file' | null {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
