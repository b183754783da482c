import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitResolver } from '../../src/usage/git.js';

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
    expect(git.info(dir)).toEqual({ project: 'orbit-api', branch: 'feature/login' });
    expect(git.info(join(dir, 'src', 'deep'))).toEqual({ project: 'orbit-api', branch: 'feature/login' });
  });

  it('a detached HEAD shows the short hash', async () => {
    const dir = await repo('detached', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\n');
    expect(new GitResolver().info(dir)).toEqual({ project: 'detached', branch: 'a1b2c3d' });
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
    expect(new GitResolver().info(wt)).toEqual({ project: 'skyline-web', branch: 'hotfix-42' });
  });

  it('outside a repository: the folder name and no branch', async () => {
    const dir = join(root, 'scratch');
    await mkdir(dir);
    expect(new GitResolver().info(dir)).toEqual({ project: 'scratch', branch: null });
    expect(new GitResolver().info('/home/dev/code/ledger-cli')).toEqual({ project: 'ledger-cli', branch: null });
  });

  it('re-reads HEAD after a checkout (cached for two seconds only)', async () => {
    const dir = await repo('switch', 'ref: refs/heads/main\n');
    let now = 0;
    const git = new GitResolver(() => now);
    expect(git.info(dir).branch).toBe('main');
    await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/dev\n');
    now = 1000;
    expect(git.info(dir).branch).toBe('main');
    now = 2500;
    expect(git.info(dir).branch).toBe('dev');
  });
});
