/** Why talking to Discord failed, in words a user can act on. */
export type DiscordErrorKind =
  | 'not-running'
  | 'untrusted'
  | 'invalid-client-id'
  | 'invalid-version'
  | 'rate-limited'
  | 'closed'
  | 'timeout'
  | 'protocol'
  | 'rpc-error';

export class DiscordError extends Error {
  constructor(
    readonly kind: DiscordErrorKind,
    message: string,
    readonly code: number | null = null,
  ) {
    super(message);
    this.name = 'DiscordError';
  }
}

/** Close codes Discord sends in a CLOSE frame (RPC close codes). */
export const CLOSE_CODES: Record<number, { kind: DiscordErrorKind; text: string }> = {
  1000: { kind: 'closed', text: 'Discord closed the connection normally' },
  1003: { kind: 'protocol', text: 'Discord rejected a message it did not understand' },
  1006: { kind: 'closed', text: 'the connection to Discord closed abnormally' },
  4000: {
    kind: 'invalid-client-id',
    text: 'the Discord application id is not valid (check it in the Developer Portal)',
  },
  4001: { kind: 'protocol', text: 'Discord rejected the origin of the connection' },
  4002: { kind: 'rate-limited', text: 'Discord rate-limited this client; it will retry later' },
  4003: { kind: 'protocol', text: 'the Discord token was revoked' },
  4004: { kind: 'invalid-version', text: 'Discord does not support this RPC version' },
  4005: { kind: 'protocol', text: 'Discord rejected the message encoding' },
};

export function closeError(code: number | null, message: string | null): DiscordError {
  const known = code === null ? undefined : CLOSE_CODES[code];
  const text = known?.text ?? `Discord closed the connection${code === null ? '' : ` (code ${code})`}`;
  const detail = message && message !== '' && !text.includes(message) ? ` (${message})` : '';
  return new DiscordError(known?.kind ?? 'closed', `${text}${detail}`, code);
}
