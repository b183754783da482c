import type { CodexSessionSnapshot, Settings } from '../../src/contract/index.js';
import type { Visible } from '../../src/presence/privacy.js';
import { matchesGlob } from '../../src/settings/glob.js';
import { visibleFor } from './privacyView.js';

/**
 * Why this session's project never reaches Discord, or null. Only the
 * "Never show" list is a fact about one session; what the privacy preset
 * leaves out holds for every session and is said once (`cardLeavesOut`).
 */
export function notSharedReason(session: CodexSessionSnapshot, settings: Settings | null): string | null {
  if (settings === null || session.project === null) return null;
  if (settings.ignoreProjects.some((g) => matchesGlob(session.project ?? '', g)))
    return 'Not on Discord: this project is in your “Never show” list';
  return null;
}

/** The parts of a session row, in row order, that a privacy setting can keep off the card. */
const ROW_PARTS: Array<[keyof Visible, string]> = [
  ['project', 'project names'],
  ['branch', 'branches'],
  ['model', 'the model'],
  ['tokens', 'token counts'],
];

/**
 * One neutral sentence for the popover: what the Discord card leaves out of
 * what the rows show ("Your Discord card leaves out project names and
 * branches."), or null when it shows all of it. The default (Standard) is a
 * choice, not a problem: no warning colour, said once, not on every row.
 */
export function cardLeavesOut(settings: Settings | null): string | null {
  if (settings === null) return null;
  const visible = visibleFor(settings);
  if (visible.minimal) return 'Your Discord card shows only “Coding with Codex”.';
  const hidden = ROW_PARTS.filter(([key]) => !visible[key]).map(([, words]) => words);
  if (hidden.length === 0) return null;
  const list = hidden.length === 1 ? hidden[0] : `${hidden.slice(0, -1).join(', ')} and ${hidden.at(-1)}`;
  return `Your Discord card leaves out ${list}.`;
}
