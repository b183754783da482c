/**
 * Why nothing is on Discord, in a few words: the terminal's Discord line when
 * the full reason does not fit, and the popover (renderer), so both name the
 * same reason. `kind` is the Discord client's (src/discord/client.ts
 * `DiscordClientState.kind`); this module stays free of it so the renderer
 * can import it.
 */
export interface DiscordStatusFacts {
  state: string;
  reason?: string;
  kind?: string;
}

const SHORT: Record<string, string> = {
  'switched-off': 'discord_enabled is false',
  'no-application': 'no application id: run doctor',
  'not-running': 'Discord not running',
  untrusted: "another user's socket: run doctor",
  'invalid-client-id': 'application id refused: run doctor',
  'rate-limited': 'rate-limited by Discord',
  timeout: 'Discord did not answer',
};

/**
 * The short reason, or null when there is none to give (connected, connecting)
 * or this kind has no short form (the caller points to `doctor`).
 * `switchedOff`: the settings turn presence off (the disabled state itself
 * cannot tell that from a missing id).
 */
export function discordShortReason(discord: DiscordStatusFacts, switchedOff = false): string | null {
  if (discord.state === 'disabled' && switchedOff) return SHORT['switched-off'] ?? null;
  if (discord.state !== 'disabled' && discord.state !== 'error') return null;
  return discord.kind === undefined ? null : (SHORT[discord.kind] ?? null);
}
