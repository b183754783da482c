import type { AppState, CodexSessionSnapshot, Settings, UsageSnapshot } from '../../src/contract/index.js';
import { sessionShownOnDiscord } from '../../src/presence/activity.js';
import { matchesGlob } from '../../src/settings/glob.js';
import { visibleFor } from './privacyView.js';

/**
 * The session Discord shows right now, or null: only while the activity is
 * really published, and picked the way the publisher picks it (ignored
 * projects skipped).
 */
export function sessionOnDiscord(
  snapshot: UsageSnapshot,
  app: AppState,
  settings: Settings | null,
  now: number,
): string | null {
  if (!app.published) return null;
  return sessionShownOnDiscord(snapshot, settings?.ignoreProjects ?? [], settings?.idle.afterMinutes ?? 10, now);
}

/**
 * Why a session's project name does not go to Discord, or null when it does.
 * The popover always shows the name (it is the user's own screen); this only
 * marks what is kept off Discord.
 */
export function notSharedReason(session: CodexSessionSnapshot, settings: Settings | null): string | null {
  if (settings === null || session.project === null) return null;
  if (settings.ignoreProjects.some((g) => matchesGlob(session.project ?? '', g)))
    return 'Not on Discord: this project is in your “Never show” list';
  if (!visibleFor(settings).project) return 'Not on Discord: your privacy settings keep project names private';
  return null;
}
