/**
 * Which Discord application the activity is published under (issue 23 §1).
 * The project owns one application, "Codex", with its art; release builds get
 * its id at build time (`CDP_DISCORD_CLIENT_ID`, checked and baked in by
 * scripts/discordApp.mjs), so presence works with no setup. A source build has
 * none and behaves as before: the user sets their own, and `doctor` explains.
 * How the application is named ("built-in (Codex)") is src/format/application.ts's.
 */
declare const __CDP_DISCORD_CLIENT_ID__: string | undefined;

/** The built-in application's id, or '' when this build has none. */
export const BUILT_IN_CLIENT_ID: string =
  typeof __CDP_DISCORD_CLIENT_ID__ === 'string' ? __CDP_DISCORD_CLIENT_ID__ : '';

export type ApplicationSource = 'built-in' | 'yours' | 'none';

export interface DiscordApplication {
  source: ApplicationSource;
  /** The id used, or null for `none`. */
  id: string | null;
}

/**
 * The one rule: the user's id always wins; an empty one means the built-in
 * application when the build has it; otherwise none. `userId` is the settings'
 * value, already checked (an invalid one in the file reads as empty).
 */
export function resolveApplication(userId: string, builtIn: string = BUILT_IN_CLIENT_ID): DiscordApplication {
  const yours = userId.trim();
  if (yours !== '') return { source: 'yours', id: yours };
  const shipped = builtIn.trim();
  if (shipped !== '') return { source: 'built-in', id: shipped };
  return { source: 'none', id: null };
}
