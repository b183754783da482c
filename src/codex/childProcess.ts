import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Children we start (only `codex app-server`, for a few seconds at a time),
 * and the guarantee that none outlives us. On POSIX each child leads its own
 * process group, so a wrapper (npm's `codex` is a Node script that may spawn
 * the native binary) is stopped together with what it started. On Windows
 * the tree is ended with `taskkill /T`.
 */
const live = new Set<ChildProcessWithoutNullStreams>();
const stopping = new Set<Promise<void>>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooked = false;

export interface SpawnSpec {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** Starts a child with piped stdio, tracked until it exits. */
export function spawnTracked(spec: SpawnSpec): ChildProcessWithoutNullStreams {
  const platform = spec.platform ?? process.platform;
  let child: ChildProcessWithoutNullStreams;
  if (platform === 'win32' && /\.(cmd|bat)$/i.test(spec.command)) {
    // Node refuses to run .cmd files without a shell (CVE-2024-27980); go
    // through cmd.exe explicitly, with the path quoted and no user input.
    const line = `"${spec.command}" ${spec.args.join(' ')}`;
    child = spawn(spec.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${line}"`], {
      env: spec.env,
      stdio: 'pipe',
      windowsHide: true,
      windowsVerbatimArguments: true,
    });
  } else {
    child = spawn(spec.command, [...spec.args], {
      env: spec.env,
      stdio: 'pipe',
      windowsHide: true,
      detached: platform !== 'win32',
    });
  }
  if (child.pid === undefined) return child; // failed to start; 'error' follows
  live.add(child);
  hook();
  child.once('exit', () => forget(child));
  child.once('error', () => forget(child));
  return child;
}

/** Children still running (for tests and diagnostics). */
export function liveChildren(): number[] {
  return [...live].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
}

function exited(child: ChildProcessWithoutNullStreams): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends a signal to the child and everything it started. */
export function signalTree(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    // No signals on Windows: taskkill ends the whole tree (cmd.exe → node → codex.exe).
    spawnSync('taskkill', ['/PID', String(pid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])], {
      stdio: 'ignore',
      windowsHide: true,
    });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Stops a child cleanly: close its stdin (app-server exits on end of input),
 * then SIGTERM after `graceMs`, then SIGKILL `killAfterMs` later. Resolves
 * once it has exited.
 */
export function stopChild(
  child: ChildProcessWithoutNullStreams,
  { graceMs = 250, killAfterMs = 2000 }: { graceMs?: number; killAfterMs?: number } = {},
): Promise<void> {
  if (child.pid === undefined) return Promise.resolve();
  const stopped = new Promise<void>((resolve) => {
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const done = (): void => {
      for (const t of timers) clearTimeout(t);
      // The group may hold a grandchild that outlived its parent: end it too.
      if (process.platform !== 'win32') signalTree(child, 'SIGKILL');
      forget(child);
      resolve();
    };
    if (exited(child)) {
      done();
      return;
    }
    child.once('exit', done);
    child.stdin.end();
    timers.push(
      setTimeout(() => {
        if (exited(child)) return;
        signalTree(child, 'SIGTERM');
        timers.push(setTimeout(() => !exited(child) && signalTree(child, 'SIGKILL'), killAfterMs));
      }, graceMs),
    );
  });
  stopping.add(stopped);
  void stopped.then(() => stopping.delete(stopped));
  return stopped;
}

/** Resolves once every child being stopped has exited. */
export async function childrenStopped(): Promise<void> {
  while (stopping.size > 0) await Promise.all([...stopping]);
}

function forget(child: ChildProcessWithoutNullStreams): void {
  live.delete(child);
  if (live.size === 0) unhook();
}

function killAllNow(): void {
  for (const child of live) signalTree(child, 'SIGKILL');
  live.clear();
}

/** Our own process is ending: take the children with us. */
function onExit(): void {
  killAllNow();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  unhook();
  // Nobody else handles this signal: do what it would have done without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}
