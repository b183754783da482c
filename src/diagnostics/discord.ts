import type { DiscordFacts } from './inputs.js';
import type { Check } from './report.js';

export function ipcCheck({ candidates, found, untrusted }: DiscordFacts): Check {
  const base = { id: 'ipc', title: 'Discord IPC' } as const;
  // A socket another user owns is never used (issue 11 §5), so it is not "found" either.
  const skipped = untrusted.map((u) => `skipped ${u.path}, ${u.detail}`).join('; ');
  if (found.length > 0)
    return {
      ...base,
      status: 'ok',
      detail: `found ${found.join(', ')} (of ${candidates.length} paths tried, Flatpak and Snap included)${skipped === '' ? '' : `; ${skipped}`}`,
    };
  if (untrusted.length > 0)
    return {
      ...base,
      status: 'fail',
      detail: `no socket of this user among ${candidates.length} paths: ${skipped}`,
      fix: 'Another user (or a process running as another user) is listening where Discord would; it is never sent anything. Start the Discord desktop app as yourself.',
    };
  return {
    ...base,
    status: 'fail',
    detail: `no socket among ${candidates.length} paths (${describeRoots(candidates)})`,
    fix: 'Start the Discord desktop app: the browser version has no local IPC. Flatpak and Snap builds of Discord (and Vesktop) are found in their own folders.',
  };
}

export function handshakeCheck({ handshake }: DiscordFacts): Check | null {
  if (handshake === null) return null;
  const base = { id: 'handshake', title: 'Discord handshake' } as const;
  if (handshake.ok) return { ...base, status: 'ok', detail: `READY from ${handshake.path}` };
  return {
    ...base,
    status: 'fail',
    detail: handshake.message,
    fix: 'Check the application id; restart Discord if it is not responding.',
  };
}

function describeRoots(paths: readonly string[]): string {
  const roots = new Set(paths.map((p) => p.replace(/\/(app\/[^/]+|snap\.[^/]+)?\/?discord-ipc-\d$/, '')));
  return `under ${[...roots].join(', ')}`;
}
