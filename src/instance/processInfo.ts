import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

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
    execFile(cmd, args, { timeout: 3000, windowsHide: true }, (error, stdout) => resolve(error ? null : stdout.trim()));
  });
}

/**
 * When a process started (epoch ms), to tell our instance from an unrelated
 * process that was given the same pid later. Null when it cannot be told.
 */
export async function processStartTime(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<number | null> {
  if (platform === 'linux') {
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
  if (platform === 'win32') {
    const out = await run('powershell.exe', [
      '-NoProfile',
      '-Command',
      `(Get-Process -Id ${pid}).StartTime.ToUniversalTime().ToString('o')`,
    ]);
    const ms = out === null ? NaN : Date.parse(out);
    return Number.isFinite(ms) ? ms : null;
  }
  const out = await run('ps', ['-o', 'lstart=', '-p', String(pid)]);
  const ms = out === null ? NaN : Date.parse(out);
  return Number.isFinite(ms) ? ms : null;
}
