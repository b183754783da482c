import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { readBounded } from '../fs/readBounded.js';
import type { GitInfo } from './aggregate.js';

interface Resolved {
  project: string;
  /** The folder whose HEAD names the checked-out branch (a worktree has its own). */
  headDir: string | null;
}

const HEAD_TTL_MS = 2000;
/** `.git/HEAD`, a worktree's `.git` file and `commondir` are one short line each. */
const MAX_GIT_FILE_BYTES = 4096;

/**
 * Project and branch for a session's cwd, from the files in `.git` (no
 * `git` process on a hot path). Handles worktrees (`.git` is a file naming
 * the gitdir) and a detached HEAD (short hash).
 *
 * Every lookup is asynchronous and reads only regular files, at most 4 KB
 * each: a FIFO, a device or a huge file where HEAD belongs gives no branch,
 * never a hang or unbounded memory. `refresh` does the reading; `info` is
 * synchronous and answers from what was read, starting a refresh in the
 * background when HEAD is older than two seconds. The layout is cached per cwd.
 */
export class GitResolver {
  private readonly layouts = new Map<string, Resolved>();
  private readonly heads = new Map<string, { branch: string | null; at: number }>();
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What is known for `cwd` now. Before the first `refresh` completes: the folder name and no branch. */
  info(cwd: string | null): GitInfo {
    if (cwd === null) return { project: null, branch: null };
    const layout = this.layouts.get(cwd);
    if (layout === undefined || this.headStale(layout)) void this.refresh(cwd);
    if (layout === undefined) return { project: basename(resolve(cwd)) || cwd, branch: null };
    const branch = layout.headDir === null ? null : (this.heads.get(layout.headDir)?.branch ?? null);
    return { project: layout.project, branch };
  }

  /** Reads the layout (once per cwd) and HEAD (when older than two seconds). Never rejects. */
  refresh(cwd: string | null): Promise<void> {
    if (cwd === null) return Promise.resolve();
    const running = this.inflight.get(cwd);
    if (running !== undefined) return running;
    const run = this.load(cwd)
      .catch(() => undefined)
      .finally(() => this.inflight.delete(cwd));
    this.inflight.set(cwd, run);
    return run;
  }

  private async load(cwd: string): Promise<void> {
    let layout = this.layouts.get(cwd);
    if (layout === undefined) {
      layout = await resolveLayout(cwd);
      this.layouts.set(cwd, layout);
    }
    if (layout.headDir === null || !this.headStale(layout)) return;
    const at = this.now();
    this.heads.set(layout.headDir, { branch: await readBranch(layout.headDir), at });
  }

  private headStale(layout: Resolved): boolean {
    if (layout.headDir === null) return false;
    const cached = this.heads.get(layout.headDir);
    return cached === undefined || this.now() - cached.at >= HEAD_TTL_MS;
  }
}

async function resolveLayout(cwd: string): Promise<Resolved> {
  let dir = resolve(cwd);
  for (let depth = 0; depth < 64; depth += 1) {
    const dotGit = join(dir, '.git');
    const kind = await entryKind(dotGit);
    if (kind === 'dir') return { project: basename(dir) || dir, headDir: dotGit };
    if (kind === 'file') return worktreeLayout(dir, dotGit);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { project: basename(resolve(cwd)) || cwd, headDir: null };
}

/** A worktree's `.git` file says `gitdir: <main>/.git/worktrees/<name>`; its `commondir` leads back to `<main>/.git`. */
async function worktreeLayout(dir: string, dotGit: string): Promise<Resolved> {
  const text = await readSmallFile(dotGit);
  const match = text === null ? null : /^gitdir:\s*(.+)$/m.exec(text);
  const gitdirRaw = match?.[1]?.trim();
  if (gitdirRaw === undefined) return { project: basename(dir), headDir: null };
  const gitdir = isAbsolute(gitdirRaw) ? gitdirRaw : resolve(dir, gitdirRaw);
  const common = (await readSmallFile(join(gitdir, 'commondir')))?.trim();
  const commonDir = common === undefined || common === '' ? null : resolve(gitdir, common);
  const project = commonDir !== null && basename(commonDir) === '.git' ? basename(dirname(commonDir)) : basename(dir);
  return { project, headDir: gitdir };
}

async function readBranch(headDir: string): Promise<string | null> {
  const head = (await readSmallFile(join(headDir, 'HEAD')))?.trim();
  if (head === undefined || head === '') return null;
  const ref = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
  if (ref?.[1] !== undefined) return ref[1];
  if (/^[0-9a-f]{7,64}$/i.test(head)) return head.slice(0, 7);
  return null;
}

async function entryKind(path: string): Promise<'dir' | 'file' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/**
 * The text of a small regular file, or null: read the one way every input is
 * (src/fs/readBounded.ts), so a FIFO put where HEAD belongs never blocks the
 * thread pool (issue #10 §1) and a file over 4 KB is not a git pointer file.
 */
export async function readSmallFile(path: string): Promise<string | null> {
  const read = await readBounded(path, MAX_GIT_FILE_BYTES);
  return read.kind === 'read' ? read.bytes.toString('utf8') : null;
}
