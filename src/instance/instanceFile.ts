import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesFill, createComplete, createNew, replaceByRename } from '../fs/atomic.js';
import { pidExists, processIdentity } from './processInfo.js';

export const INSTANCE_FILE = 'codex-discord-presence.instance.json';

/**
 * `gui`: the tray app; `headless`: a `run`; `wrapper`: a `codex …` wrapper,
 * which is never signalled, because signalling it would end the user's codex.
 */
export type InstanceKind = 'gui' | 'headless' | 'wrapper';

/** `<state dir>/codex-discord-presence.instance.json`: who is publishing (docs/api/codex-presence.md). */
export interface InstanceInfo {
  pid: number;
  kind: InstanceKind;
  exe: string;
  /** The command line as the OS reported it when the file was written; tells a reused pid apart. */
  cmdline?: string;
  startedAt: string;
  version: string;
  /** The publisher's Discord connection, kept current so `status` can show it. */
  discord?: { state: string; reason?: string };
}

export function instancePath(stateDir: string): string {
  return join(stateDir, INSTANCE_FILE);
}

function parseInstance(text: string): InstanceInfo | null {
  try {
    const value = JSON.parse(text) as Partial<InstanceInfo>;
    if (
      typeof value.pid !== 'number' ||
      (value.kind !== 'gui' && value.kind !== 'headless' && value.kind !== 'wrapper') ||
      typeof value.startedAt !== 'string'
    ) {
      return null;
    }
    const info: InstanceInfo = {
      pid: value.pid,
      kind: value.kind,
      exe: typeof value.exe === 'string' ? value.exe : '',
      startedAt: value.startedAt,
      version: typeof value.version === 'string' ? value.version : '',
    };
    if (typeof value.cmdline === 'string') info.cmdline = value.cmdline;
    if (typeof value.discord?.state === 'string') info.discord = value.discord;
    return info;
  } catch {
    return null;
  }
}

export async function readInstance(stateDir: string): Promise<InstanceInfo | null> {
  const text = await readFile(instancePath(stateDir), 'utf8').catch(() => null);
  return text === null ? null : parseInstance(text);
}

/** Start times further apart than this mean the pid now belongs to another process. */
const START_TOLERANCE_MS = 5000;

/**
 * Is the process named in the file still that process? `same` needs the start
 * time and the executable or command line to match what was recorded; `other`
 * means it is gone or something else now has its pid; `unknown` means it
 * exists but could not be told apart (such a process is never signalled, and
 * its lock is never reclaimed).
 */
export async function identify(info: InstanceInfo): Promise<'same' | 'other' | 'unknown'> {
  if (!pidExists(info.pid)) return 'other';
  const id = await processIdentity(info.pid);
  if (id === null) return 'other';
  const recordedStart = Date.parse(info.startedAt);
  if (id.startedAt !== null && Math.abs(id.startedAt - recordedStart) > START_TOLERANCE_MS) return 'other';
  const exeCompared = info.exe !== '' && id.exe !== null;
  if (exeCompared && cleanExe(id.exe ?? '') !== cleanExe(info.exe)) return 'other';
  const cmdCompared = info.cmdline !== undefined && id.cmdline !== null;
  if (cmdCompared && id.cmdline !== info.cmdline) return 'other';
  return id.startedAt !== null && (exeCompared || cmdCompared) ? 'same' : 'unknown';
}

/** Linux marks the executable of an upgraded (replaced) binary as deleted; it is still the same process. */
function cleanExe(exe: string): string {
  return exe.replace(/ \(deleted\)$/, '');
}

/** Is the instance in the file really running? Unknown counts as running: when in doubt, the lock stays. */
export async function isInstanceAlive(info: InstanceInfo): Promise<boolean> {
  return (await identify(info)) !== 'other';
}

/** The running publisher, if any. Read-only: a stale file is left for the next publisher to reclaim. */
export async function liveInstance(stateDir: string): Promise<InstanceInfo | null> {
  const info = await readInstance(stateDir);
  if (info === null) return null;
  if (info.pid === process.pid) return info;
  return (await isInstanceAlive(info)) ? info : null;
}

export async function currentProcessInfo(kind: InstanceKind, version: string): Promise<InstanceInfo> {
  const id = await processIdentity(process.pid);
  const started = id?.startedAt ?? Date.now() - Math.round(process.uptime() * 1000);
  const info: InstanceInfo = {
    pid: process.pid,
    kind,
    exe: id?.exe ?? process.execPath,
    startedAt: new Date(started).toISOString(),
    version,
  };
  if (id?.cmdline != null) info.cmdline = id.cmdline;
  return info;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const jitter = (): Promise<void> => pause(10 + Math.floor(Math.random() * 40));

/** A file that cannot be parsed is only treated as abandoned once it is this old (a writer may be mid-write). */
const UNREADABLE_GRACE_MS = 5000;

/**
 * Claims the lock for this process (docs/architecture.md, "One publisher"):
 *
 * 1. The file is written complete to a private temporary name and hard-linked
 *    to the lock name. `link` fails with EEXIST if the lock exists, so this is
 *    an exclusive create, and a reader never sees a half-written lock.
 * 2. If the lock exists and its process is alive (or cannot be told apart),
 *    the caller gets the owner and decides what to do.
 * 3. If its process is gone, the lock is stale. Removing it is guarded by a
 *    second exclusive create (`<lock>.reclaim`): inside the guard the lock is
 *    read again and removed only if it still holds the same bytes, so a
 *    reclaimer can never remove a lock that another process has just won.
 *    Then back to 1: of all processes racing, the one whose link succeeds wins.
 */
export async function claimInstance(
  stateDir: string,
  info: InstanceInfo,
): Promise<{ ok: true } | { ok: false; owner: InstanceInfo }> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = instancePath(stateDir);
  const text = `${JSON.stringify(info, null, 2)}\n`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await exclusiveCreate(path, text)) return { ok: true };
    const current = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (current === null) continue; // released meanwhile: try again
    const owner = parseInstance(current);
    if (owner !== null) {
      if (owner.pid === process.pid && owner.startedAt === info.startedAt) return { ok: true };
      if (await isInstanceAlive(owner)) return { ok: false, owner };
    } else if (!(await olderThan(path, UNREADABLE_GRACE_MS))) {
      await jitter();
      continue;
    }
    await reclaimStale(path, current);
  }
  throw new Error(`could not take the lock ${path}: it keeps changing`);
}

/**
 * Writes `text` to `path` only if `path` does not exist; true when this call
 * created it. Where the file system has no hard links (FAT, some network
 * shares) it is a plain O_EXCL create: a reader may then see the file before
 * it is written, and waits (UNREADABLE_GRACE_MS).
 */
function exclusiveCreate(path: string, text: string): Promise<boolean> {
  return createComplete(path, text, { sync: false });
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const s = await stat(path).catch(() => null);
  return s !== null && Date.now() - s.mtimeMs > ms;
}

/** Removes the stale lock whose content was `staleText`, under the reclaim guard. */
async function reclaimStale(path: string, staleText: string): Promise<void> {
  const guard = `${path}.reclaim`;
  const me = await currentProcessInfo('headless', '');
  if (!(await createNew(guard, bytesFill(`${JSON.stringify(me)}\n`), { sync: false }))) {
    // Someone else is reclaiming. If that someone died inside the guard, the guard is stale itself.
    const holderText = await readFile(guard, 'utf8').catch(() => null);
    const holder = holderText === null ? null : parseInstance(holderText);
    const abandoned = holder !== null ? !(await isInstanceAlive(holder)) : await olderThan(guard, UNREADABLE_GRACE_MS);
    if (abandoned && holderText !== null && (await readFile(guard, 'utf8').catch(() => null)) === holderText) {
      await unlink(guard).catch(() => undefined);
    }
    await jitter();
    return;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => null);
    if (now === staleText) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Replaces this process's own lock with new content (only the owner ever rewrites the lock). */
async function rewriteOwn(stateDir: string, info: InstanceInfo): Promise<void> {
  await replaceByRename(instancePath(stateDir), bytesFill(`${JSON.stringify(info, null, 2)}\n`));
}

/** Records this publisher's Discord state in its instance file (no-op if the file is not ours). */
export async function updateInstanceDiscord(
  stateDir: string,
  discord: { state: string; reason?: string },
): Promise<void> {
  const info = await readInstance(stateDir);
  if (info?.pid !== process.pid) return;
  await rewriteOwn(stateDir, { ...info, discord });
}

/**
 * Keeps the publisher's Discord state in its instance file. Writes are
 * serialized, and `release()` waits for them before removing the file, so a
 * late write can never bring the file back after the process let go of it.
 */
export function instanceRecorder(stateDir: string): {
  record(discord: { state: string; reason?: string }): Promise<void>;
  release(): Promise<void>;
} {
  let chain: Promise<void> = Promise.resolve();
  let released = false;
  return {
    record(discord) {
      chain = chain
        .then(() => (released ? undefined : updateInstanceDiscord(stateDir, discord)))
        .catch(() => undefined);
      return chain;
    },
    async release() {
      released = true;
      await chain;
      await releaseInstance(stateDir);
    },
  };
}

/** Removes the file if it is still this process's. */
export async function releaseInstance(stateDir: string, pid = process.pid): Promise<void> {
  const info = await readInstance(stateDir);
  if (info?.pid === pid) await unlink(instancePath(stateDir)).catch(() => undefined);
}

export type StopResult = 'stopped' | 'forced' | 'gone' | 'refused';

/**
 * Asks a running publisher to stop (SIGTERM; on Windows this ends the
 * process), waits up to `graceMs` for it to exit, then forces it. Before each
 * signal the process must be positively identified as the one in the file
 * (start time plus executable or command line); when in doubt it is not
 * signalled ('refused'). A `codex` wrapper is never signalled: that would end
 * the user's codex.
 */
export async function stopInstance(info: InstanceInfo, graceMs = 3000): Promise<StopResult> {
  if (info.kind === 'wrapper') return 'refused';
  const before = await identify(info);
  if (before === 'other') return 'gone';
  if (before === 'unknown') return 'refused';
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await pause(50);
    if (!pidExists(info.pid)) return 'stopped';
  }
  if ((await identify(info)) !== 'same') return 'stopped';
  try {
    process.kill(info.pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  return 'forced';
}

/** Resolves once the lock is free or no longer held by `owner` (checked every `everyMs`), or when `abort` settles. */
export async function waitForRelease(
  stateDir: string,
  owner: InstanceInfo,
  abort: Promise<unknown>,
  everyMs = 500,
): Promise<'released' | 'aborted'> {
  let aborted = false;
  void abort.then(() => (aborted = true));
  for (;;) {
    if (aborted) return 'aborted';
    const now = await readInstance(stateDir);
    if (now === null || now.pid !== owner.pid || now.startedAt !== owner.startedAt) return 'released';
    if (!(await isInstanceAlive(now))) return 'released';
    await Promise.race([pause(everyMs), abort]);
  }
}
