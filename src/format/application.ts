import type { DiscordApplicationInfo } from '../contract/index.js';

/** The built-in application's name in Discord's developer portal. */
export const BUILT_IN_NAME = 'Codex';

/**
 * "built-in (Codex)", "yours (1234…)" or "none": how doctor, status, `run`
 * and Settings → Discord name the application used (issue 23 §1). Which one
 * is used is src/discord/application.ts's rule; this is only its words, kept
 * here (pure, type-only imports) so the renderer says them too.
 */
export function applicationLabel(app: DiscordApplicationInfo): string {
  if (app.source === 'built-in') return `built-in (${BUILT_IN_NAME})`;
  if (app.source === 'yours' && app.id !== null) return `yours (${app.id.slice(0, 4)}…)`;
  return 'none';
}
