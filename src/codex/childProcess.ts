import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CHILD_MARK, descendantsOf, processTable } from './processTree.js';

/**
 * Children we start (only `codex app-server`, for a few seconds at a time),
 * and the guarantee that none outlives us, nor anything it started (issue 21
 * §1). On POSIX each child leads its own process group, so a wrapper (npm's
 * `codex` is a Node script that may spawn the native binary) is stopped
 * together with what it started; what left the group (setsid) is found in
 * the process table by the mark in its environment or by parent links
 * (processTree.ts). On Windows the tree is ended with `taskkill /T`.
 */
interface Tree {
  /** The value of CHILD_MARK in this child's environment, and so in its descendants'. */
  mark: string;
  /** Descendants seen while the child lived (pid → start time), ended with it. */
  seen: Map<number, string | null>;
}

const live = new Map<ChildProcessWithoutNullStreams, Tree>();
const trees = new WeakMap<ChildProcessWithoutNullStreams, Tree>();
const stopping = new Set<Promise<void>>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** After SIGKILL, how long an exit is waited for (a process stuck in the kernel, on a dead NFS mount, ignores it). */
const GIVE_UP_MS = 1000;
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
  const mark = randomBytes(16).toString('hex');
  const env = { ...spec.env, [CHILD_MARK]: mark };
  let child: ChildProcessWithoutNullStreams;
  if (platform === 'win32' && /\.(cmd|bat)$/i.test(spec.command)) {
    // Node refuses to run .cmd files without a shell (CVE-2024-27980); go
    // through cmd.exe explicitly, with the path quoted and no user input.
    const line = `"${spec.command}" ${spec.args.join(' ')}`;
    child = spawn(spec.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${line}"`], {
      env,
      stdio: 'pipe',
      windowsHide: true,
      windowsVerbatimArguments: true,
    });
  } else {
    child = spawn(spec.command, [...spec.args], {
      env,
      stdio: 'pipe',
      windowsHide: true,
      detached: platform !== 'win32',
    });
  }
  if (child.pid === undefined) return child; // failed to start; 'error' follows
  const tree: Tree = { mark, seen: new Map() };
  trees.set(child, tree);
  live.set(child, tree);
  hook();
  // Whatever it started dies with it: a descendant holding its stdout would
  // keep our pipes, and so our event loop, alive (issue 21 §1).
  child.once('exit', () => {
    signalTree(child, 'SIGKILL');
    forget(child);
  });
  child.once('error', () => forget(child));
  return child;
}

/** Children still running (for tests and diagnostics). */
export function liveChildren(): number[] {
  return [...live.keys()].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
}

function exited(child: ChildProcessWithoutNullStreams): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Sends a signal to the child and everything it started: its process group,
 * every process carrying its mark, and the descendants seen earlier (when
 * still the same process: a pid can be reused). While the child lives, its
 * descendants by parent links are found and remembered first.
 */
export function signalTree(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    // No signals on Windows: taskkill ends the whole tree (cmd.exe → node → codex.exe).
    if (exited(child)) return;
    spawnSync('taskkill', ['/PID', String(pid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])], {
      stdio: 'ignore',
      windowsHide: true,
    });
    return;
  }
  // Read before the group is signalled: once the child dies, its children's parent links are gone.
  const targets = noteTree(child);
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      if (!exited(child)) child.kill(signal);
    } catch {
      // already gone
    }
  }
  for (const target of targets) {
    try {
      process.kill(target, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/** Reads the process table: what the child started, now. Remembers it for after the child exits. */
function noteTree(child: ChildProcessWithoutNullStreams): number[] {
  const tree = trees.get(child);
  const pid = child.pid;
  if (tree === undefined || pid === undefined) return [];
  const table = processTable(CHILD_MARK, tree.mark);
  // After the exit, parent links from its pid lead nowhere we started.
  if (!exited(child)) for (const p of descendantsOf(table, pid)) tree.seen.set(p.pid, p.start);
  const targets = new Set<number>();
  for (const p of table) {
    if (p.pid === process.pid || p.pid === pid) continue;
    if (p.marked === true) tree.seen.set(p.pid, p.start);
    if (tree.seen.has(p.pid) && tree.seen.get(p.pid) === p.start) targets.add(p.pid);
  }
  return [...targets];
}

/**
 * Stops a child cleanly: close its stdin (app-server exits on end of input),
 * then SIGTERM after `graceMs`, then SIGKILL `killAfterMs` later, and never
 * later than `withinMs` from now. Once it has exited, what it started is
 * killed and our ends of its pipes are closed, so nothing it left behind
 * can keep this process alive. Resolves then.
 */
export function stopChild(
  child: ChildProcessWithoutNullStreams,
  {
    graceMs = 250,
    killAfterMs = 2000,
    withinMs = Infinity,
  }: { graceMs?: number; killAfterMs?: number; withinMs?: number } = {},
): Promise<void> {
  if (child.pid === undefined) return Promise.resolve();
  const stopped = new Promise<void>((resolve) => {
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const done = (): void => {
      for (const t of timers) clearTimeout(t);
      // The exit handler of spawnTracked has killed what the child started.
      closePipes(child);
      forget(child);
      resolve();
    };
    if (exited(child)) {
      done();
      return;
    }
    // While it still lives, parent links lead to what it started: remember those.
    noteTree(child);
    child.once('exit', done);
    child.stdin.end();
    const left = Math.max(0, withinMs);
    const killAt = Math.min(graceMs + killAfterMs, left);
    timers.push(
      setTimeout(() => !exited(child) && signalTree(child, 'SIGTERM'), Math.min(graceMs, left)),
      setTimeout(() => !exited(child) && signalTree(child, 'SIGKILL'), killAt),
      setTimeout(() => {
        // Unkillable for now: stop waiting for it, and let it not hold us.
        child.off('exit', done);
        child.unref();
        done();
      }, killAt + GIVE_UP_MS),
    );
  });
  stopping.add(stopped);
  void stopped.then(() => stopping.delete(stopped));
  return stopped;
}

/** Our ends of the child's pipes: a process it left behind may hold the other ends open. */
function closePipes(child: ChildProcessWithoutNullStreams): void {
  child.stdin.destroy();
  child.stdout.destroy();
  child.stderr.destroy();
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
  for (const child of live.keys()) signalTree(child, 'SIGKILL');
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
