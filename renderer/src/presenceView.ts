import type { AppState, CodexSessionSnapshot, Settings, UsageSnapshot } from '../../src/contract/index.js';
import { visibleSessions } from '../../src/presence/activity.js';
import { matchesGlob } from '../../src/presence/privacy.js';
import { pickCurrent } from '../../src/usage/aggregate.js';
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
  const sessions = visibleSessions(snapshot, settings?.ignoreProjects ?? []);
  const id = pickCurrent(sessions);
  const session = sessions.find((s) => s.id === id);
  if (session === undefined) return null;
  // Past the idle delay Discord shows "Idle", not this session.
  const busy = session.status === 'working' || session.status === 'waiting';
  const idleAfter = (settings?.idle.afterMinutes ?? 10) * 60_000;
  if (!busy && session.lastActivityAt !== null && now - Date.parse(session.lastActivityAt) >= idleAfter) return null;
  return session.id;
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
