import { FIELDS as SETTING_FIELDS } from '../../../src/settings/fields.js';
import type { SettingsTabId } from '../../../src/contract/index.js';
import { rows } from '../../../src/settings/paths.js';

/** The settings window's tabs (src/contract SETTINGS_TABS): one per group of settings, and History. */
export type TabId = SettingsTabId;

export const TABS: Array<[TabId, string]> = [
  ['discord', 'Discord'],
  ['privacy', 'Privacy & card'],
  ['limits', 'Limits'],
  ['general', 'General'],
  ['history', 'History'],
];

/** The tab a location hash asks for: main opens the window at `#history` when a sparkline is activated. */
export function tabForHash(hash: string): TabId | null {
  const id = hash.replace(/^#/, '');
  return TABS.some(([t]) => t === id) ? (id as TabId) : null;
}

/** [error path (prefix for lists), control id, tab], in on-screen order: from the settings table's controls. */
const FIELDS: Array<[string, string, TabId]> = rows(SETTING_FIELDS)
  .flatMap(([path, field]) => (field.control === undefined ? [] : [{ path, ...field.control }]))
  .sort((a, b) => tabIndex(a.tab) - tabIndex(b.tab) || a.row - b.row)
  .map((c) => [c.path, c.id, c.tab]);

function tabIndex(tab: TabId): number {
  return TABS.findIndex(([t]) => t === tab);
}

const BUTTONS = FIELDS.findIndex(([path]) => path === 'buttons');

/** The control and tab for an error path (`buttons.1.url` → `button-1-url`). */
export function locate(path: string): { id: string; tab: TabId; order: number } | null {
  const button = /^buttons\.(\d+)\.(label|url)$/.exec(path);
  if (button !== null) return { id: `button-${button[1]}-${button[2]}`, tab: 'discord', order: BUTTONS };
  for (let i = 0; i < FIELDS.length; i += 1) {
    const [prefix, id, tab] = FIELDS[i] ?? ['', '', 'discord'];
    if (path === prefix || path.startsWith(`${prefix}.`)) return { id, tab, order: i };
  }
  return null;
}

/** The first invalid field on screen, tabs in order. */
export function firstInvalid(paths: readonly string[]): { id: string; tab: TabId } | null {
  let best: { id: string; tab: TabId; order: number } | null = null;
  for (const p of paths) {
    const at = locate(p);
    if (at !== null && (best === null || at.order < best.order)) best = at;
  }
  return best === null ? null : { id: best.id, tab: best.tab };
}
