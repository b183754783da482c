import { runCli } from './main.js';

/**
 * Output that stops quietly once its reader is gone (`run | head -1`): EPIPE
 * is not a reason to stop publishing, nor to leave a stale lock behind.
 */
function quietStream(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on('error', () => {
    open = false;
  });
  return (text) => {
    if (open && !stream.destroyed) stream.write(text);
  };
}

/**
 * Standard output's size, asked of the terminal at each draw. Node's
 * `columns` changes only once its SIGWINCH handler has run, and a redraw in
 * between (a snapshot, the history row) would be laid out for the old width
 * on a screen the terminal has already reflowed, leaving rows of the old frame
 * behind. Node emits `resize` after SIGWINCH (and on Windows, which has none).
 */
function terminalOf(stream: NodeJS.WriteStream) {
  const size = (): [number, number] => {
    try {
      return stream.getWindowSize();
    } catch {
      return [stream.columns, stream.rows];
    }
  };
  return {
    // A terminal that reports no size (0) is drawn as the common default.
    columns: () => size()[0] || 80,
    rows: () => size()[1] || 24,
    onResize: (handler: () => void) => {
      stream.on('resize', handler);
      return () => {
        stream.off('resize', handler);
      };
    },
  };
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

runCli(process.argv.slice(2), {
  stdout: quietStream(process.stdout),
  stderr: quietStream(process.stderr),
  env: process.env,
  now: Date.now,
  isTTY: process.stdout.isTTY === true,
  stderrTTY: process.stderr.isTTY === true,
  terminal: process.stdout.isTTY === true ? terminalOf(process.stdout) : undefined,
  onSignal: (handler) => {
    const on = (signal: NodeJS.Signals): void => handler(signal);
    for (const s of SIGNALS) process.on(s, on);
    return () => {
      for (const s of SIGNALS) process.off(s, on);
    };
  },
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`codex-discord-presence: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
