import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitResolver } from '../../src/usage/git.js';

/** Reads the files, then answers from what was read. */
async function lookup(git: GitResolver, cwd: string) {
  await git.refresh(cwd);
  return git.info(cwd);
}

// Real repository layouts on disk, written the way git writes them.
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cdp-git-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function repo(name: string, head: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, '.git', 'refs', 'heads'), { recursive: true });
  await writeFile(join(dir, '.git', 'HEAD'), head);
  return dir;
}

describe('GitResolver', () => {
  it('names the repository and its branch, from a subfolder too', async () => {
    const dir = await repo('orbit-api', 'ref: refs/heads/feature/login\n');
    await mkdir(join(dir, 'src', 'deep'), { recursive: true });
    const git = new GitResolver();
    expect(await lookup(git, dir)).toEqual({ project: 'orbit-api', branch: 'feature/login' });
    expect(await lookup(git, join(dir, 'src', 'deep'))).toEqual({ project: 'orbit-api', branch: 'feature/login' });
  });

  it('a detached HEAD shows the short hash', async () => {
    const dir = await repo('detached', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\n');
    expect(await lookup(new GitResolver(), dir)).toEqual({ project: 'detached', branch: 'a1b2c3d' });
  });

  it('a worktree is named after its main repository, with its own branch', async () => {
    const main = await repo('skyline-web', 'ref: refs/heads/main\n');
    const gitdir = join(main, '.git', 'worktrees', 'hotfix');
    await mkdir(gitdir, { recursive: true });
    await writeFile(join(gitdir, 'HEAD'), 'ref: refs/heads/hotfix-42\n');
    await writeFile(join(gitdir, 'commondir'), '../..\n');
    const wt = join(root, 'skyline-hotfix');
    await mkdir(wt);
    await writeFile(join(wt, '.git'), `gitdir: ${gitdir}\n`);
    expect(await lookup(new GitResolver(), wt)).toEqual({ project: 'skyline-web', branch: 'hotfix-42' });
  });

  it('outside a repository: the folder name and no branch', async () => {
    const dir = join(root, 'scratch');
    await mkdir(dir);
    expect(await lookup(new GitResolver(), dir)).toEqual({ project: 'scratch', branch: null });
    expect(await lookup(new GitResolver(), '/home/dev/code/ledger-cli')).toEqual({
      project: 'ledger-cli',
      branch: null,
    });
  });

  it('re-reads HEAD after a checkout (cached for two seconds only)', async () => {
    const dir = await repo('switch', 'ref: refs/heads/main\n');
    let now = 0;
    const git = new GitResolver(() => now);
    expect((await lookup(git, dir)).branch).toBe('main');
    await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/dev\n');
    now = 1000;
    expect((await lookup(git, dir)).branch).toBe('main');
    now = 2500;
    expect((await lookup(git, dir)).branch).toBe('dev');
  });

  // Issue #10 §1: a FIFO as HEAD blocked `status` for 40 minutes; /dev/zero grew the process to 16 GB.
  it.skipIf(process.platform === 'win32')('a FIFO as HEAD gives no branch and does not block', async () => {
    const dir = await repo('fifo-head', '');
    await rm(join(dir, '.git', 'HEAD'));
    execFileSync('mkfifo', [join(dir, '.git', 'HEAD')]);
    const git = new GitResolver();
    expect(await lookup(git, dir)).toEqual({ project: 'fifo-head', branch: null });
    // The event loop and the fs thread pool stayed free: an ordinary read still completes.
    await writeFile(join(root, 'after.txt'), 'ok');
  });

  it.skipIf(process.platform === 'win32')('HEAD linked to /dev/zero or a huge file gives no branch', async () => {
    const zero = await repo('zero-head', '');
    await rm(join(zero, '.git', 'HEAD'));
    await symlink('/dev/zero', join(zero, '.git', 'HEAD'));
    const big = await repo('big-head', `ref: refs/heads/main\n${'x'.repeat(64 * 1024)}`);
    const git = new GitResolver();
    expect(await lookup(git, zero)).toEqual({ project: 'zero-head', branch: null });
    expect(await lookup(git, big)).toEqual({ project: 'big-head', branch: null });
  });

  it('a .git file without a gitdir line is named after its folder', async () => {
    const wt = join(root, 'broken-wt');
    await mkdir(wt);
    await writeFile(join(wt, '.git'), 'not a gitdir line\n');
    expect(await lookup(new GitResolver(), wt)).toEqual({ project: 'broken-wt', branch: null });
  });

  it('info before any read answers with the folder name, and reads in the background', async () => {
    const dir = await repo('lazy', 'ref: refs/heads/main\n');
    const git = new GitResolver();
    expect(git.info(dir)).toEqual({ project: 'lazy', branch: null });
    await git.refresh(dir);
    expect(git.info(dir)).toEqual({ project: 'lazy', branch: 'main' });
  });
});
