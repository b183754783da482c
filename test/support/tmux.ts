import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning } from './codexShim.js';

export const TMUX =
  ['/usr/bin/tmux', '/usr/local/bin/tmux', '/opt/homebrew/bin/tmux'].find((p) => existsSync(p)) ?? null;

const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

let count = 0;

/**
 * A real terminal for the CLI: a detached tmux server on its own socket
 * (`tmux -L`), so nothing touches a developer's tmux. The pane stays after
 * the command exits, so what it printed can still be read. `kill()` ends
 * the server and whatever runs in it; call it on every exit path.
 */
export class TmuxTerminal {
  private constructor(
    readonly socket: string,
    private readonly config: string,
  ) {}

  /** Starts `argv` (with `env` added, NO_COLOR and FORCE_COLOR removed unless given) in a `columns`×`rows` pane. */
  static async start(
    dir: string,
    argv: string[],
    env: Record<string, string>,
    size: { columns: number; rows: number },
  ): Promise<TmuxTerminal> {
    if (TMUX === null) throw new Error('tmux is not installed');
    count += 1;
    const socket = `cdp-term-${process.pid}-${count}`;
    const config = join(dir, `tmux-${count}.conf`);
    // No status bar (every row is the program's), keep the pane when the command exits.
    await writeFile(config, 'set -g status off\nset -g remain-on-exit on\nset -g history-limit 2000\n');
    const term = new TmuxTerminal(socket, config);
    const assignments = Object.entries(env).map(([k, v]) => quote(`${k}=${v}`));
    const command = ['exec', 'env', '-u', 'NO_COLOR', '-u', 'FORCE_COLOR', ...assignments, ...argv.map(quote)].join(
      ' ',
    );
    term.tmux(['new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), command]);
    return term;
  }

  private tmux(args: string[]): string {
    return execFileSync(TMUX ?? 'tmux', ['-L', this.socket, '-f', this.config, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /**
   * The visible screen, one string per row, trailing blanks dropped;
   * `escapes`: with colour codes (`-e`); `history`: what scrolled off the top
   * too. tmux's own `Pane is dead` line (remain-on-exit) is left out: once
   * the program exits, tmux writes it at the bottom, scrolling the screen.
   */
  screen(escapes = false, history = false): string[] {
    const text = this.tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), ...(history ? ['-S', '-'] : [])]);
    const rows = text.replace(/\n$/, '').split('\n');
    if ((rows[rows.length - 1] ?? '').replace(SGR, '').startsWith('Pane is dead')) rows.pop();
    while (rows.length > 0 && rows[rows.length - 1]?.trim() === '') rows.pop();
    return rows;
  }

  /** Copies everything the pane's program writes, raw (escapes, carriage returns), to `path` from now on. */
  pipeTo(path: string): void {
    this.tmux(['pipe-pane', '-o', `cat >> ${quote(path)}`]);
  }

  /** Types `text` into the pane, as keys (a newline is Enter). */
  type(text: string): void {
    for (const part of text.split(/(\n)/)) {
      if (part === '\n') this.tmux(['send-keys', 'Enter']);
      else if (part !== '') this.tmux(['send-keys', '-l', part]);
    }
  }

  /** Resizes the window; the program gets SIGWINCH. */
  resize(columns: number, rows: number): void {
    this.tmux(['resize-window', '-x', String(columns), '-y', String(rows)]);
  }

  /** The pane's program has exited (remain-on-exit keeps the pane). */
  exited(): boolean {
    return this.tmux(['display-message', '-p', '#{pane_dead}']).trim() === '1';
  }

  /** Waits until `check(screen)` holds; fails after `timeoutMs` with the last screen in the message. */
  async until(
    what: string,
    check: (rows: string[]) => boolean,
    escapes = false,
    timeoutMs = 20_000,
  ): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: string[] = [];
    for (;;) {
      rows = this.screen(escapes);
      if (check(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${rows.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Ends the server and whatever runs in it, and resolves once the pane's
   * program has exited: a `run` killed by the hang-up still clears Discord and
   * writes its last files, and a test removing its folders before that fails
   * with ENOTEMPTY on a loaded machine.
   */
  async kill(): Promise<void> {
    let pid: number | null = null;
    try {
      pid = Number(this.tmux(['display-message', '-p', '#{pane_pid}']).trim()) || null;
    } catch {
      // No server: nothing runs.
    }
    try {
      this.tmux(['kill-server']);
    } catch {
      // Already gone.
    }
    while (pid !== null && isRunning(pid)) await new Promise((r) => setTimeout(r, 25));
  }
}
