import type { AppState, DiscordApplicationInfo, Settings, UpdateState } from '../src/contract/index.js';
import { resolveApplication } from '../src/discord/application.js';
import { changedIn, type LockState, type PublisherState } from '../src/publisher/index.js';

export interface AppExtras {
  launchAtLogin: boolean;
  version: string;
  platform: string;
  update: UpdateState | null;
  /** The Discord application the settings resolve to (src/discord/application.ts); null before they are read. */
  application?: DiscordApplicationInfo | null;
}

/**
 * What the windows are told about the app: the publisher's state as the app
 * words it (paused; while a `codex` wrapper publishes, who does and until
 * when), plus what only the app knows. Null `publisher`: not started yet.
 */
export function appStateOf(publisher: PublisherState | null, extras: AppExtras): AppState {
  const base = publisher === null ? { state: 'connecting' as const } : shownDiscord(publisher);
  const paused = publisher?.paused ?? false;
  const discord = paused
    ? { state: base.state, reason: 'paused' }
    : {
        state: base.state,
        ...(base.reason === undefined ? {} : { reason: base.reason }),
        ...(base.kind === undefined ? {} : { kind: base.kind }),
      };
  return {
    discord,
    paused,
    published: publisher?.published ?? false,
    shownSessionId: publisher?.shownSessionId ?? null,
    today: publisher?.today ?? null,
    launchAtLogin: extras.launchAtLogin,
    version: extras.version,
    platform: extras.platform,
    ...(extras.update === null ? {} : { update: extras.update }),
    ...(extras.application === undefined || extras.application === null ? {} : { application: extras.application }),
  };
}

/** The application Settings → Discord names: the user's id, else the built-in one (one rule: src/discord/application.ts). */
export function applicationOf(settings: Settings): DiscordApplicationInfo {
  return resolveApplication(settings.discordClientId);
}

/** Did the publisher change anything the windows are told? */
export function appStateChanged(next: PublisherState, previous: PublisherState): boolean {
  return changedIn(next, previous, ['discord', 'paused', 'published', 'shownSessionId', 'lock', 'today']);
}

function shownDiscord(p: PublisherState): AppState['discord'] {
  if (p.lock.phase !== 'waiting') return p.discord;
  return {
    state: 'disabled',
    reason: `a codex wrapper (pid ${p.lock.owner.pid}) is publishing until its codex exits`,
  };
}

/** The app log's line for a step of the lock, or null. */
export function lockLogLine(lock: LockState): string | null {
  if (lock.phase === 'waiting') return `a codex wrapper (pid ${lock.owner.pid}) publishes; waiting for it to exit`;
  if (lock.phase !== 'takingOver') return null;
  const owner = lock.owner;
  return lock.result === null
    ? `taking over from ${owner.kind === 'gui' ? 'another app instance' : 'a headless run'} (pid ${owner.pid})`
    : `pid ${owner.pid}: ${lock.result}`;
}
