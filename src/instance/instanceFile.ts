import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pidExists, processStartTime } from './processInfo.js';

export const INSTANCE_FILE = 'codex-discord-presence.instance.json';

export type InstanceKind = 'gui' | 'headless';

/** `$CODEX_HOME/codex-discord-presence.instance.json`: who is publishing (docs/api/codex-presence.md). */
export interface InstanceInfo {
  pid: number;
  kind: InstanceKind;
  exe: string;
  startedAt: string;
  version: string;
  /** The publisher's Discord connection, kept current so `status` can show it. */
  discord?: { state: string; reason?: string };
}

export function instancePath(codexHome: string): string {
  return join(codexHome, INSTANCE_FILE);
}

export async function readInstance(codexHome: string): Promise<InstanceInfo | null> {
  try {
    const value = JSON.parse(await readFile(instancePath(codexHome), 'utf8')) as Partial<InstanceInfo>;
    if (
      typeof value.pid !== 'number' ||
      (value.kind !== 'gui' && value.kind !== 'headless') ||
      typeof value.startedAt !== 'string'
    ) {
      return null;
    }
    const info: InstanceInfo = {
      pid: value.pid,
      kind: value.kind,
      exe: value.exe ?? '',
      startedAt: value.startedAt,
      version: value.version ?? '',
    };
    if (typeof value.discord?.state === 'string') info.discord = value.discord;
    return info;
  } catch {
    return null;
  }
}

/** Start times further apart than this mean the pid now belongs to another process. */
const START_TOLERANCE_MS = 5000;

/**
 * Is the instance in the file really running? The pid must exist and, where
 * the start time can be read, it must have started when the file says: a
 * crashed instance whose pid was reused by something else is not alive.
 */
export async function isInstanceAlive(info: InstanceInfo): Promise<boolean> {
  if (!pidExists(info.pid)) return false;
  const started = await processStartTime(info.pid);
  if (started === null) return true;
  return Math.abs(started - Date.parse(info.startedAt)) <= START_TOLERANCE_MS;
}

/** The running publisher, if any. A stale file (crashed owner) is removed. */
export async function liveInstance(codexHome: string): Promise<InstanceInfo | null> {
  const info = await readInstance(codexHome);
  if (info === null) return null;
  if (info.pid !== process.pid && (await isInstanceAlive(info))) return info;
  if (info.pid !== process.pid) await unlink(instancePath(codexHome)).catch(() => undefined);
  return info.pid === process.pid ? info : null;
}

export async function currentProcessInfo(kind: InstanceKind, version: string): Promise<InstanceInfo> {
  const started = (await processStartTime(process.pid)) ?? Date.now() - Math.round(process.uptime() * 1000);
  return { pid: process.pid, kind, exe: process.execPath, startedAt: new Date(started).toISOString(), version };
}

/**
 * Claims the instance file for this process: exclusive create, so two
 * processes starting together cannot both win. Returns the live owner when
 * someone else holds it; a stale file is reclaimed.
 */
export async function claimInstance(
  codexHome: string,
  info: InstanceInfo,
): Promise<{ ok: true } | { ok: false; owner: InstanceInfo }> {
  const path = instancePath(codexHome);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
      } finally {
        await handle.close();
      }
      return { ok: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await liveInstance(codexHome);
    if (owner !== null && owner.pid !== process.pid) return { ok: false, owner };
    if (owner?.pid === process.pid) return { ok: true };
  }
  const owner = await readInstance(codexHome);
  return owner === null ? { ok: true } : { ok: false, owner };
}

/** Replaces the file with this process's info (after taking over from another publisher). */
export async function forceInstance(codexHome: string, info: InstanceInfo): Promise<void> {
  const path = instancePath(codexHome);
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** Records this publisher's Discord state in its instance file (no-op if the file is not ours). */
export async function updateInstanceDiscord(
  codexHome: string,
  discord: { state: string; reason?: string },
): Promise<void> {
  const info = await readInstance(codexHome);
  if (info?.pid !== process.pid) return;
  await forceInstance(codexHome, { ...info, discord });
}

/**
 * Keeps the publisher's Discord state in its instance file. Writes are
 * serialized, and `release()` waits for them before removing the file, so a
 * late write can never bring the file back after the process let go of it.
 */
export function instanceRecorder(codexHome: string): {
  record(discord: { state: string; reason?: string }): Promise<void>;
  release(): Promise<void>;
} {
  let chain: Promise<void> = Promise.resolve();
  let released = false;
  return {
    record(discord) {
      chain = chain
        .then(() => (released ? undefined : updateInstanceDiscord(codexHome, discord)))
        .catch(() => undefined);
      return chain;
    },
    async release() {
      released = true;
      await chain;
      await releaseInstance(codexHome);
    },
  };
}

/** Removes the file if it is still this process's. */
export async function releaseInstance(codexHome: string, pid = process.pid): Promise<void> {
  const info = await readInstance(codexHome);
  if (info?.pid === pid) await unlink(instancePath(codexHome)).catch(() => undefined);
}

/**
 * Asks a running publisher to stop (SIGTERM; on Windows this ends the
 * process), waits up to `graceMs` for it to exit, then forces it. The pid is
 * checked again right before each signal, so a reused pid is never signalled.
 */
export async function stopInstance(info: InstanceInfo, graceMs = 3000): Promise<'stopped' | 'forced' | 'gone'> {
  if (!(await isInstanceAlive(info))) return 'gone';
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (!pidExists(info.pid)) return 'stopped';
  }
  if (await isInstanceAlive(info)) {
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch {
      return 'stopped';
    }
    return 'forced';
  }
  return 'stopped';
}
