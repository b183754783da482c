import { execFile } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';

/** True if a process with this pid exists (EPERM means it exists but is not ours to signal). */
export function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 5000, windowsHide: true }, (error, stdout) => resolve(error ? null : stdout.trim()));
  });
}

/** What the operating system says a process is: enough to tell ours from an unrelated one that reused the pid. */
export interface ProcessIdentity {
  /** Start time, epoch ms; null when it cannot be read. */
  startedAt: number | null;
  /** The executable's path; null when it cannot be read. */
  exe: string | null;
  /** The command line as the OS reports it; null when it cannot be read. */
  cmdline: string | null;
}

/**
 * Reads a process's identity: /proc on Linux, `ps` on macOS and the BSDs,
 * WMI (through PowerShell) on Windows. Null when the process is gone
 * (an unreaped zombie included). Fields that cannot be read are null.
 */
export async function processIdentity(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<ProcessIdentity | null> {
  if (!pidExists(pid)) return null;
  let identity: ProcessIdentity;
  if (platform === 'linux') {
    // A zombie (exited, not yet reaped) still answers kill(pid, 0), but it is gone.
    if (await linuxZombie(pid)) return null;
    identity = {
      startedAt: await linuxStartTime(pid),
      exe: await readlink(`/proc/${pid}/exe`).catch(() => null),
      cmdline: await readFile(`/proc/${pid}/cmdline`, 'utf8')
        .then((s) => s.replace(/\0+$/, '').split('\0').join(' '))
        .catch(() => null),
    };
  } else if (platform === 'win32') {
    identity = await windowsIdentity(pid);
  } else {
    const started = await run('ps', ['-o', 'lstart=', '-p', String(pid)]);
    const ms = started === null ? NaN : Date.parse(started);
    identity = {
      startedAt: Number.isFinite(ms) ? ms : null,
      exe: await run('ps', ['-ww', '-o', 'comm=', '-p', String(pid)]),
      cmdline: await run('ps', ['-ww', '-o', 'command=', '-p', String(pid)]),
    };
  }
  if (identity.startedAt === null && identity.exe === null && identity.cmdline === null && !pidExists(pid)) return null;
  return identity;
}

/** When a process started (epoch ms), or null when it cannot be told. */
export async function processStartTime(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<number | null> {
  if (platform === 'linux') return linuxStartTime(pid);
  return (await processIdentity(pid, platform))?.startedAt ?? null;
}

async function linuxStartTime(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) comes after the `(comm)` field, which may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btimeLine = (await readFile('/proc/stat', 'utf8')).split('\n').find((l) => l.startsWith('btime '));
    const btime = Number(btimeLine?.split(' ')[1]);
    if (Number.isFinite(ticks) && Number.isFinite(btime)) return btime * 1000 + (ticks / 100) * 1000;
  } catch {
    return null;
  }
  return null;
}

async function windowsIdentity(pid: number): Promise<ProcessIdentity> {
  const out = await run('powershell.exe', [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    `$p = Get-CimInstance Win32_Process -Filter "ProcessId=${pid}"; if ($p) { @{ exe = $p.ExecutablePath; cmdline = $p.CommandLine; startedAt = $p.CreationDate.ToUniversalTime().ToString('o') } | ConvertTo-Json -Compress }`,
  ]);
  try {
    const value = JSON.parse(out ?? '') as { exe?: unknown; cmdline?: unknown; startedAt?: unknown };
    const ms = typeof value.startedAt === 'string' ? Date.parse(value.startedAt) : NaN;
    return {
      startedAt: Number.isFinite(ms) ? ms : null,
      exe: typeof value.exe === 'string' ? value.exe : null,
      cmdline: typeof value.cmdline === 'string' ? value.cmdline : null,
    };
  } catch {
    return { startedAt: null, exe: null, cmdline: null };
  }
}

async function linuxZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return !pidExists(pid);
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state === 'Z' || state === 'X';
}
