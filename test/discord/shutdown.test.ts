import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { testEndpoint } from '../support/discordIpc.js';
import { HostilePeer, READY } from '../support/hostilePeer.js';

// stop() releases every timer and socket, so a process exits by itself at once (issue 11 §5:
// after a silent peer, exit took 2.3 s because the handshake timer was still pending).
const CHILD = join(ROOT, 'test', 'support', 'discordStopChild.ts');
/** Liveness only: far above a normal exit, far below the child's 120 s timers. */
const EXIT_BOUND_MS = 20_000;
let dir: string;
let peer: HostilePeer | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-stop-'));
});
afterEach(async () => {
  await peer?.close();
  peer = null;
  await rm(dir, { recursive: true, force: true });
});

interface ChildReport {
  lines: Array<Record<string, unknown>>;
  code: number | null;
  signal: NodeJS.Signals | null;
  exitedByItself: boolean;
}

/** Starts the child, sends "stop" once `ready` resolves, and waits for it to exit on its own. */
async function stopChild(
  path: string,
  ready: (printed: (check: (lines: Array<Record<string, unknown>>) => boolean) => Promise<void>) => Promise<void>,
): Promise<ChildReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const printed = new Set<() => void>();
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const p of parts) lines.push(JSON.parse(p) as Record<string, unknown>);
    for (const l of printed) l();
  });
  const whenPrinted = (check: (l: typeof lines) => boolean): Promise<void> =>
    new Promise((resolve) => {
      const l = (): void => {
        if (check(lines)) {
          printed.delete(l);
          resolve();
        }
      };
      printed.add(l);
      l();
    });
  void ready(whenPrinted)
    .then(() => whenPrinted((l) => l.length > 0))
    .then(() => child.stdin.end('stop\n'));
  let killed = false;
  const guard = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, EXIT_BOUND_MS);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (c, s) => resolve({ code: c, signal: s })),
  );
  clearTimeout(guard);
  return { lines, code, signal, exitedByItself: !killed };
}

describe('stop() leaves nothing behind', () => {
  it('stopped during the handshake with a silent peer: no timer left, and the process exits by itself', async () => {
    peer = await HostilePeer.start(testEndpoint(dir, 'discord-ipc-0'), () => undefined);
    const p = peer;
    const report = await stopChild(p.path, () => p.until(() => p.handshakes === 1));
    expect(p.handshakes).toBe(1);
    expect(report.lines.at(-1)).toEqual({ stopped: true, timers: [] });
    expect(report.exitedByItself).toBe(true);
    expect(report.code).toBe(0);
    await p.until(() => p.sockets.size === 0); // its socket was closed, not left to time out
  }, 60_000);

  it('stopped while connected to a peer that never answers: the clear is bounded, no timer left', async () => {
    peer = await HostilePeer.start(testEndpoint(dir, 'discord-ipc-0'), (s) => s.write(READY));
    const report = await stopChild(peer.path, (printed) =>
      printed((lines) => lines.some((l) => l.state === 'connected')),
    );
    expect(report.lines.at(-1)).toEqual({ stopped: true, timers: [] });
    expect(report.exitedByItself).toBe(true);
    expect(report.code).toBe(0);
  }, 60_000);

  // Windows watches no folder for named pipes (the backoff stops at 5 s instead): nothing to close there.
  it.skipIf(process.platform === 'win32')(
    'stopped in backoff while watching for Discord’s socket: no watcher left, and the process exits by itself',
    async () => {
      const report = await stopChild(join(dir, 'discord-ipc-0'), (printed) =>
        printed((lines) => lines.some((l) => l.state === 'error')),
      );
      // There was a watch to close: one folder, one fs.watch handle, which would keep the process alive.
      expect(report.lines.find((l) => l.stopping === true)).toEqual({ stopping: true, watching: 1, watchers: 1 });
      expect(report.lines.at(-1)).toEqual({ stopped: true, timers: [] });
      expect(report.exitedByItself).toBe(true);
      expect(report.code).toBe(0);
    },
    60_000,
  );
});
