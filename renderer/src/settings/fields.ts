/** Where each setting lives: its tab and the id of its control, in the order they appear. */
export type TabId = 'discord' | 'privacy' | 'limits' | 'general' | 'history';

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

/** [error path (prefix for lists), control id, tab], in on-screen order. */
const FIELDS: Array<[string, string, TabId]> = [
  ['discordClientId', 'discordClientId', 'discord'],
  ['display.largeImageKey', 'largeImageKey', 'discord'],
  ['display.smallImageKey', 'smallImageKey', 'discord'],
  ['idle.afterMinutes', 'idleAfter', 'discord'],
  ['idle.behaviour', 'idleBehaviour', 'discord'],
  ['buttons', 'button-0-label', 'discord'],
  ['privacy.preset', 'preset-standard', 'privacy'],
  ['display.detailsTemplate', 'detailsTemplate', 'privacy'],
  ['display.stateTemplate', 'stateTemplate', 'privacy'],
  ['display.stateLine', 'stateLine', 'privacy'],
  ['ignoreProjects', 'ignoreProjects', 'privacy'],
  ['notifications.thresholds', 'thresholds', 'limits'],
  ['display.countdownBelowPercent', 'countdown', 'limits'],
  ['general.codexHome', 'codexHome', 'general'],
  ['general.theme', 'theme', 'general'],
  ['general.staleMinutes', 'staleMinutes', 'general'],
];

/** The control and tab for an error path (`buttons.1.url` → `button-1-url`). */
export function locate(path: string): { id: string; tab: TabId; order: number } | null {
  const button = /^buttons\.(\d+)\.(label|url)$/.exec(path);
  if (button !== null) return { id: `button-${button[1]}-${button[2]}`, tab: 'discord', order: 5 };
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
