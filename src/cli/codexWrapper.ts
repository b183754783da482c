import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';
import { presenceStateDir } from '../instance/stateDir.js';
import { startPublisher } from '../publisher/index.js';
import { publisherName } from '../instance/publisherName.js';
import type { GlobalOptions } from './args.js';
import { cliContext, type CliIo } from './context.js';
import { VERSION } from './version.js';
import { costConfig } from '../cost/pricing.js';

/** Finds an executable on PATH (with PATHEXT on Windows), or null. */
export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext.toLowerCase());
      if (isExecutable(candidate, platform)) return candidate;
      if (ext !== '' && isExecutable(join(dir, name + ext), platform)) return join(dir, name + ext);
    }
  }
  return null;
}

function isExecutable(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `codex [args…]`: runs the real codex with the arguments untouched and the
 * terminal handed over, publishing presence while it runs (unless the tray
 * app or a `run` already does) and clearing it afterwards. Exits with
 * codex's exit code, 128 + signal, or 127 when codex is not found.
 *
 * Codex always runs: everything else here (config, lock, Discord) is
 * best-effort and only reported with --verbose or when it fails.
 */
export async function codexCommand(args: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const bin = io.env.CODEX_BIN?.trim() || findOnPath('codex', io.env);
  if (!bin) {
    io.stderr(
      'codex-discord-presence: could not find `codex` on PATH (nor $CODEX_BIN).\n' +
        'Install it with `npm install -g @openai/codex`, or set CODEX_BIN to its path.\n',
    );
    return 127;
  }
  const note = (text: string): void => io.stderr(`codex-discord-presence: ${text}\n`);
  // Signals are handled from the start, so none can end the wrapper between
  // taking the lock and starting codex, or while it clears up after codex
  // (either would leave a stale lock behind). The handler is never removed; a
  // signal handler does not keep the process alive.
  let child: ReturnType<typeof spawn> | null = null;
  let stoppedEarly: NodeJS.Signals | null = null;
  io.onSignal?.((signal) => {
    if (child === null) {
      if (shouldForward(signal, process.platform)) stoppedEarly = signal;
      return;
    }
    if (child.exitCode === null && child.signalCode === null && shouldForward(signal, process.platform)) {
      child.kill(signal);
    }
  });
  let stopPublishing: () => Promise<void> = async () => undefined;
  try {
    stopPublishing = await startPublishing(options, io, note);
  } catch (error) {
    note(`presence is off for this codex run: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (stoppedEarly !== null) {
    // Asked to stop before codex started: codex is not started at all.
    await stopPublishing().catch(() => undefined);
    return 128 + (osConstants.signals[stoppedEarly] ?? 0);
  }
  const started = spawn(bin, args, {
    stdio: 'inherit',
    env: io.env,
    shell: process.platform === 'win32' && /\.(cmd|bat)$/i.test(bin),
  });
  child = started;
  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    started.once('error', (error) => resolve({ code: null, signal: null, error }));
    started.once('exit', (code, signal) => resolve({ code, signal }));
  });
  await stopPublishing().catch(() => undefined);
  if (result.error !== undefined) {
    io.stderr(`codex-discord-presence: could not start ${bin}: ${result.error.message}\n`);
    return 127;
  }
  if (result.signal !== null) return 128 + (osConstants.signals[result.signal] ?? 0);
  return result.code ?? 1;
}

/**
 * Should a signal the wrapper received be passed on to codex? Only when codex
 * cannot have received it itself. Ctrl+C, Ctrl+\\ and a closing terminal signal
 * the whole foreground process group, codex included, so SIGINT, SIGQUIT and
 * SIGHUP are not passed on (codex would get them twice). SIGTERM comes from
 * `kill <pid>` aimed at the wrapper alone, so it is. On Windows there are no
 * process groups of signals: Ctrl+C reaches every process of the console, but
 * SIGTERM and SIGHUP are only emulated for this process, so those are passed on.
 */
export function shouldForward(signal: NodeJS.Signals, platform: NodeJS.Platform): boolean {
  if (platform === 'win32') return signal !== 'SIGINT';
  return signal === 'SIGTERM';
}

/**
 * Starts the publisher and waits for its decision; returns how to stop.
 * Throws when it cannot publish (the caller reports it). Another publisher
 * (the tray app, a `run`, another wrapper) is left alone: this one only wraps codex.
 */
async function startPublishing(
  options: GlobalOptions,
  io: CliIo,
  note: (text: string) => void,
): Promise<() => Promise<void>> {
  const { codexHome, config } = await cliContext(options, io);
  const publisher = startPublisher({
    kind: 'wrapper',
    version: VERSION,
    env: io.env,
    config: config.config,
    codexHome,
    stateDir: presenceStateDir(io.env),
    dataDir: null,
    cost: costConfig(config.raw),
  });
  const lock = await publisher.settled;
  if (lock.phase === 'yielded' && options.verbose)
    note(`${publisherName(lock.owner)} (pid ${lock.owner.pid}) already publishes; only wrapping codex`);
  return () => publisher.stop(1500);
}
