import type { CodexSessionSnapshot, Settings } from '../../src/contract/index.js';
import { matchesGlob } from '../../src/settings/glob.js';
import { visibleFor } from './privacyView.js';

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
