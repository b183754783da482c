import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CodexPaths {
  home: string;
  sessions: string;
  sessionIndex: string;
}

export interface HomeSources {
  explicit?: string | null | undefined;
  env?: NodeJS.ProcessEnv;
  userHome?: string;
}

/** The Codex home: an explicit option, then `$CODEX_HOME`, then `~/.codex`. */
export function resolveCodexHome(sources: HomeSources = {}): string {
  const explicit = sources.explicit?.trim();
  if (explicit) return resolve(expandTilde(explicit, sources.userHome));
  const fromEnv = (sources.env ?? process.env).CODEX_HOME?.trim();
  if (fromEnv) return resolve(expandTilde(fromEnv, sources.userHome));
  return join(sources.userHome ?? homedir(), '.codex');
}

export function codexPaths(home: string): CodexPaths {
  return { home, sessions: join(home, 'sessions'), sessionIndex: join(home, 'session_index.jsonl') };
}

function expandTilde(path: string, userHome = homedir()): string {
  if (path === '~') return userHome;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(userHome, path.slice(2));
  return path;
}
