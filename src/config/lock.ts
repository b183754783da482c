import { stat, unlink } from 'node:fs/promises';
import { quoted } from '../format/quoted.js';
import { bytesFill, createNew } from '../fs/atomic.js';
import { readBounded } from '../fs/readBounded.js';

/** A lock older than this belongs to a writer that died: a write takes milliseconds. */
export const LOCK_STALE_MS = 5000;
const WAIT_MS = 10_000;

/**
 * Runs `fn` while holding `lockPath`, a file created with O_EXCL next to the
 * config, so that two writers (the app, `run`, `config migrate`) take turns.
 * A lock left by a crashed writer is stale after a few seconds; removing it is
 * itself guarded by a second exclusive create, so two waiters cannot both
 * remove it and then both proceed.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const token = await acquire(lockPath);
  try {
    return await fn();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string): Promise<string> {
  const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (await createNew(lockPath, bytesFill(token), { sync: false })) return token;
    await reclaimIfStale(lockPath);
    if (Date.now() > deadline) {
      const holder = (await lockToken(lockPath)) ?? '';
      throw new Error(
        `${quoted(lockPath)} is held by another writer (pid ${quoted(holder.split(' ')[0] || '?')}); if no codex-discord-presence is running, delete it`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15));
  }
}

async function reclaimIfStale(lockPath: string): Promise<void> {
  const seen = await stat(lockPath).catch(() => null);
  if (seen === null || Date.now() - seen.mtimeMs < LOCK_STALE_MS) return;
  const guard = `${lockPath}.reclaim`;
  if (!(await createNew(guard, async () => undefined, { sync: false }))) {
    // The guard's own holder died mid-reclaim: it is as stale as the lock was.
    const g = await stat(guard).catch(() => null);
    if (g !== null && Date.now() - g.mtimeMs > LOCK_STALE_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    // Only the lock we judged stale is removed, not one taken meanwhile.
    const now = await stat(lockPath).catch(() => null);
    if (now !== null && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs) await unlink(lockPath);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  // A writer stalled past the stale age may have lost its lock to a reclaim: remove only our own.
  if ((await lockToken(lockPath)) === token) await unlink(lockPath).catch(() => undefined);
}

/** What a lock file holds (a short token), read without blocking: null when it is gone or is not a small file. */
async function lockToken(lockPath: string): Promise<string | null> {
  const read = await readBounded(lockPath, 256);
  return read.kind === 'read' ? read.bytes.toString('utf8') : null;
}
