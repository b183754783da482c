import { DiscordError } from './errors.js';

/** What happened at one IPC endpoint. */
export interface Attempt {
  path: string;
  outcome:
    | 'missing' // nothing there
    | 'refused' // a stale socket: nobody listens
    | 'untrusted' // someone else's socket: never connected to
    | 'unexpected' // something answered, but not in Discord's protocol
    | 'timeout' // connected, no READY in time
    | 'closed' // closed before READY
    | 'error' // any other failure
    | 'connected';
  detail?: string;
}

/**
 * Why no endpoint worked, in one message: the most telling failure first.
 * "Discord is not running" is said only when nothing answered at all, so a
 * garbled reply, a silent listener or a socket we refused to trust is never
 * disguised as a missing Discord (issue 11 §5).
 */
export function noConnectionError(attempts: readonly Attempt[]): DiscordError {
  const first = (outcome: Attempt['outcome']): Attempt | undefined => attempts.find((a) => a.outcome === outcome);
  const others = (shown: Attempt): string => {
    const rest = attempts.filter((a) => a !== shown && a.outcome !== 'missing' && a.outcome !== 'refused').length;
    return rest > 0 ? `; ${rest} other socket${rest === 1 ? '' : 's'} failed too` : '';
  };
  const unexpected = first('unexpected');
  if (unexpected) {
    return new DiscordError(
      'protocol',
      `unexpected reply from the Discord socket ${unexpected.path} (${unexpected.detail ?? 'not Discord IPC'}): is another program listening there?${others(unexpected)}`,
    );
  }
  const timeout = first('timeout');
  if (timeout) {
    return new DiscordError(
      'timeout',
      `the Discord socket ${timeout.path} accepted the connection but never answered (${timeout.detail ?? 'no READY'}); restart Discord${others(timeout)}`,
    );
  }
  const closed = first('closed') ?? first('error');
  if (closed) {
    return new DiscordError(
      'closed',
      `the Discord socket ${closed.path} failed before the handshake completed (${closed.detail ?? closed.outcome})${others(closed)}`,
    );
  }
  const untrusted = first('untrusted');
  if (untrusted) {
    return new DiscordError(
      'untrusted',
      `Discord is not running for this user: skipped ${untrusted.path}, ${untrusted.detail ?? 'owned by another user'}${others(untrusted)}`,
    );
  }
  return new DiscordError('not-running', 'Discord is not running (no IPC socket answered)');
}

/**
 * Says, once per change, which endpoints were skipped and why (`run
 * --verbose`): a retry that meets the same sockets does not repeat them.
 */
export class AttemptLog {
  private logged = '';

  constructor(private readonly log: (message: string) => void) {}

  report(attempts: readonly Attempt[]): void {
    const lines = attempts
      .filter((a) => a.outcome !== 'missing' && a.outcome !== 'connected')
      .map((a) => `skipped ${a.path}: ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`);
    const text = lines.join('\n');
    if (text === this.logged) return;
    this.logged = text;
    for (const line of lines) this.log(line);
  }
}
