import type { AccountInfo } from '../codex/accountLimits.js';
import type { LoadedConfig } from '../config/store.js';
import type { InstanceInfo } from '../instance/instanceFile.js';
import type { UsageWindow } from '../contract/index.js';

/**
 * Everything `doctor` looks at, gathered at the edge (gather.ts) so that
 * every check is a pure function of it (checks are tested with plain values,
 * and the app and the CLI run the same ones).
 */
export interface DoctorInputs {
  now: number;
  /** The user's home folder: a suggested command names paths in it as `~/…`. */
  userHome: string;
  codexHome: { path: string; state: 'ok' | 'unreadable' | 'notAFolder' | 'missing' };
  /** The rollouts under `sessions/`, newest first (none when the home cannot be listed). */
  files: { count: number; compressed: number; newest: { path: string; mtimeMs: number } | null };
  /** The most recent files, read whole; null when there are none. */
  recent: RecentFiles | null;
  /** Rollouts this user may not read, newest first; null when there are none to try. */
  unreadable: { count: number; newest: string | null } | null;
  config: LoadedConfig;
  /** The Discord application id this build ships (src/discord/application.ts), or ''. */
  builtInClientId: string;
  discord: DiscordFacts;
  /** From reading the home as the engine does; null when the home is not readable. */
  engine: EngineFacts | null;
  launchAtLogin: { kind: 'desktopEntry'; file: string; enabled: boolean | null } | { kind: 'loginItems' };
  /** The live publisher, if any. */
  publisher: InstanceInfo | null;
}

export interface RecentFiles {
  /** How many were read (at most RECENT_FILES). */
  read: number;
  /** Codex CLI versions and how many files each wrote, in the order first seen. */
  versions: Array<{ version: string; files: number }>;
  /** Lines skipped as malformed, invalid UTF-8 or oversized, and in how many files. */
  badLines: number;
  badFiles: number;
  /** Lines with values out of range. */
  suspiciousLines: number;
  /** Compressed rollouts that were refused, each with the reason. */
  skippedCompressed: string[];
}

export interface DiscordFacts {
  /** Every endpoint tried (Flatpak and Snap folders included). */
  candidates: readonly string[];
  /** Sockets of this user that exist (or pipes that accept, on Windows). */
  found: string[];
  /** Sockets that belong to another user: never used. */
  untrusted: Array<{ path: string; detail: string }>;
  /** The handshake with the id used (the user's or the built-in one); null when not tried (no id, or no socket). */
  handshake: { ok: true; path: string } | { ok: false; message: string } | null;
}

export interface EngineFacts {
  skippedEntries: { count: number; entries: ReadonlyArray<{ path: string; reason: string }> };
  primary: UsageWindow | null;
  account: AccountFacts;
}

export type AccountFacts =
  | { asked: false }
  | {
      asked: true;
      codexMissing: boolean;
      /** Why the ask failed, as the snapshot says it. */
      error: string | null;
      /** What `account/read` said (undefined: no answer; null: nobody logged in). */
      login: AccountInfo | null | undefined;
      /** The main windows that came from the account. */
      windows: Array<Pick<UsageWindow, 'label' | 'remainingPercent'>>;
      suspiciousAnswers: number;
    };

/** How many of the most recent rollouts doctor reads whole. */
export const RECENT_FILES = 20;
