import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { testIpc } from './discordIpc.js';

export type ArrpcActivity = Record<string, unknown> | null;

/** arrpc in a child process; `activities` lists what it received, in order. */
export class ArrpcHost {
  readonly activities: ArrpcActivity[] = [];
  /** Which connection each activity came from (parallel to `activities`). */
  readonly sockets: string[] = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  private constructor(private readonly child: ChildProcess) {}

  static async start(runtimeDir: string): Promise<ArrpcHost> {
    const child = spawn(process.execPath, [join(ROOT, 'test', 'support', 'arrpcHost.mjs')], {
      cwd: ROOT,
      // Its pipes on Windows: the test's own (testIpc), as the client is pointed there.
      env: { PATH: process.env.PATH, TMPDIR: runtimeDir, ...testIpc(runtimeDir).env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const host = new ArrpcHost(child);
    let ready: () => void = () => undefined;
    const readyP = new Promise<void>((r) => (ready = r));
    let buffer = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('@@')) continue;
        const msg = JSON.parse(line.slice(2)) as { type: string; activity?: ArrpcActivity; socketId?: string };
        if (msg.type === 'ready') ready();
        if (msg.type === 'activity') {
          host.activities.push(msg.activity ?? null);
          host.sockets.push(msg.socketId ?? '?');
        }
        host.waiters = host.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
      }
    });
    await readyP;
    return host;
  }

  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** The last activity arrpc saw (what a Discord client would display). */
  get shown(): ArrpcActivity | undefined {
    return this.activities.at(-1);
  }

  /** Kills arrpc like a crash would (its socket file stays behind). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await exited;
  }
}
