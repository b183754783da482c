import { stat } from 'node:fs/promises';
import { quoted } from '../format/quoted.js';

/**
 * A Codex home that exists but is not a folder is a mistake nothing can wait
 * out (unlike a missing one, which the first `codex` run creates): the message
 * names it and says how to fix it. Null when the home is a folder or missing.
 */
export async function homeNotAFolder(home: string): Promise<string | null> {
  const s = await stat(home).catch(() => null);
  if (s === null || s.isDirectory()) return null;
  return (
    `the Codex home ${quoted(home)} is not a directory.\n` +
    'Move that file away (Codex creates the folder on its first run), or point to your Codex home with --codex-home DIR or CODEX_HOME.'
  );
}
