import type { IdleBehaviour, PresenceButton, PrivacyPreset, StateLineMode, Theme } from '../contract/index.js';
import { quotedJson } from '../format/quoted.js';
import { globProblem } from './glob.js';
import {
  bool,
  choice,
  isObject,
  isText,
  isWhole,
  list,
  optionalWholeNumber,
  text,
  tristate,
  wholeNumber,
  type Field,
  type Problem,
  type Reading,
} from './kinds.js';
import type { SettingsTable } from './paths.js';
import { DEFAULT_IMAGES } from './images.js';
import { buttonLabelProblem, buttonUrlProblem, clientIdProblem, imageKeyProblem } from './rules.js';
import { loadedTemplate, validateTemplate } from './template.js';

/**
 * Every setting, once: its path in code (the key of this table, the shape of
 * `Settings` in src/contract), where the config file keeps it (snake_case:
 * the file and its keys are the earlier Rust tool's, unchanged), its
 * default, its kind and rule, the message the settings window shows, whether
 * privacy fails closed for it, and where the window shows it. In the order
 * the file is written. The file normaliser (fromFile.ts), the validator and
 * the IPC guard (validate.ts), the renderer's field list and the file
 * serialiser's owned keys (src/config/serialize.ts) are all derived from it.
 */

const PRESETS: readonly PrivacyPreset[] = ['minimal', 'standard', 'detailed'];
const STATE_LINES: readonly StateLineMode[] = ['limits', 'tokens', 'combined'];
const IDLE: readonly IdleBehaviour[] = ['clear', 'show'];
const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
const MINUTES = 'Between 1 and 1440 minutes.';

/** A privacy override (null follows the preset): an invalid one in the file hides its field. */
const override = (key: string): Field<boolean | null> =>
  tristate(key, { closed: { value: false, expected: ', not true, false or null' }, absentWhenNull: true });

/** A `details` / `state` template: one with an unknown placeholder, in the file too, is not used (issue #10 §2). */
const template = (key: string, row: number, id: string): Field<string> =>
  text(key, '', {
    check: validateTemplate,
    control: { tab: 'privacy', row, id },
    read: (value, reading, plain) => {
      if (typeof value !== 'string') return plain();
      const checked = loadedTemplate(key, value);
      if (checked.problem !== null) reading.problems.push(checked.problem);
      return checked.template;
    },
  });

const isButton = (v: unknown): v is PresenceButton => isObject(v) && isText(v.label) && isText(v.url);

function buttonProblems(buttons: PresenceButton[]): Problem[] {
  const out: Problem[] = buttons.length > 2 ? [['', 'Discord shows at most 2 buttons.']] : [];
  buttons.forEach((b, i) => {
    const label = buttonLabelProblem(b.label);
    if (label !== null) out.push([`${i}.label`, label]);
    const url = buttonUrlProblem(b.url);
    if (url !== null) out.push([`${i}.url`, url]);
  });
  return out;
}

function patternProblems(patterns: string[]): Problem[] {
  return patterns.flatMap((g, i): Problem[] => {
    const problem = globProblem(g);
    return problem === null ? [] : [[`${i}`, problem]];
  });
}

/**
 * Each bad entry is dropped on its own: the others keep hiding their
 * projects. Replacing the whole list would publish every project the user
 * meant to hide because of one typo.
 */
function readPatterns(value: unknown, reading: Reading, plain: () => string[]): string[] {
  if (!Array.isArray(value)) return plain();
  return (value as unknown[]).filter((g): g is string => {
    const shown = typeof g === 'string' && g.length > 40 ? `${g.slice(0, 40)}…` : g;
    const problem =
      typeof g !== 'string' ? 'a pattern must be text' : g.trim() === '' ? 'the pattern is empty' : globProblem(g);
    if (problem !== null) reading.problems.push(`ignore_projects ${quotedJson(shown)} is not used: ${problem}`);
    return problem === null;
  });
}

const thresholdsValid = (t: number[]): boolean => t.every((v) => v >= 1 && v <= 99) && new Set(t).size === t.length;

export const FIELDS: SettingsTable = {
  discordClientId: text('discord_client_id', '', {
    check: clientIdProblem,
    trim: true,
    control: { tab: 'discord', row: 1, id: 'discordClientId' },
  }),
  discordEnabled: bool('discord_enabled', true),
  'privacy.preset': choice('privacy.preset', PRESETS, 'standard', 'Choose minimal, standard or detailed.', {
    closed: { value: 'minimal', expected: '; it is one of "minimal", "standard", "detailed" (lower case)' },
    control: { tab: 'privacy', row: 1, id: 'preset-standard' },
  }),
  'privacy.showProjectName': override('privacy.show_project_name'),
  'privacy.showGitBranch': override('privacy.show_git_branch'),
  'privacy.showModel': override('privacy.show_model'),
  'privacy.showTokens': override('privacy.show_tokens'),
  'privacy.showLimits': override('privacy.show_limits'),
  'privacy.showActivity': override('privacy.show_activity'),
  // The Rust tool's key. No preset shows cost: only this, set to true, and a {cost} in a template do.
  'privacy.showCost': override('privacy.show_cost'),
  'display.largeImageKey': text('display.large_image_key', DEFAULT_IMAGES.large, {
    check: imageKeyProblem,
    trim: true,
    control: { tab: 'discord', row: 2, id: 'largeImageKey' },
  }),
  'display.largeText': text('display.large_text', ''),
  'display.smallImageKey': text('display.small_image_key', DEFAULT_IMAGES.small, {
    check: imageKeyProblem,
    trim: true,
    control: { tab: 'discord', row: 3, id: 'smallImageKey' },
  }),
  'display.smallText': text('display.small_text', ''),
  'display.detailsTemplate': template('display.details_template', 2, 'detailsTemplate'),
  'display.stateTemplate': template('display.state_template', 3, 'stateTemplate'),
  'display.stateLine': choice('display.state_line', STATE_LINES, 'limits', 'Choose limits, tokens or combined.', {
    control: { tab: 'privacy', row: 4, id: 'stateLine' },
  }),
  'display.countdownBelowPercent': optionalWholeNumber(
    'display.countdown_below_percent',
    { min: 1, max: 100 },
    'A whole percentage from 1 to 100, or off.',
    { control: { tab: 'limits', row: 2, id: 'countdown' } },
  ),
  'idle.afterMinutes': wholeNumber('idle.after_minutes', { min: 1, max: 1440, default: 10 }, MINUTES, {
    control: { tab: 'discord', row: 4, id: 'idleAfter' },
  }),
  'idle.behaviour': choice('idle.behaviour', IDLE, 'show', 'Choose clear or show.', {
    control: { tab: 'discord', row: 5, id: 'idleBehaviour' },
  }),
  buttons: list('buttons', { item: isButton, maxItems: 10 }, buttonProblems, {
    tidy: (buttons) => buttons.map((b) => ({ label: b.label.trim(), url: b.url.trim() })),
    control: { tab: 'discord', row: 6, id: 'button-0-label' },
  }),
  ignoreProjects: list('ignore_projects', { item: isText, maxItems: 200 }, patternProblems, {
    tidy: (patterns) => patterns.map((g) => g.trim()),
    read: readPatterns,
    control: { tab: 'privacy', row: 5, id: 'ignoreProjects' },
  }),
  'notifications.thresholds': list(
    'notifications.thresholds',
    { item: isWhole, maxItems: 20, default: [25, 10, 5] },
    (t) => (thresholdsValid(t) ? [] : [['', 'Whole, different percentages from 1 to 99.']]),
    { tidy: (t) => [...t].sort((a, b) => b - a), control: { tab: 'limits', row: 1, id: 'thresholds' } },
  ),
  'notifications.onReset': bool('notifications.on_reset', false),
  'general.codexHome': text('general.codex_home', '', {
    trim: true,
    control: { tab: 'general', row: 1, id: 'codexHome' },
  }),
  'general.theme': choice('general.theme', THEMES, 'system', 'Choose system, light or dark.', {
    control: { tab: 'general', row: 2, id: 'theme' },
  }),
  'general.staleMinutes': wholeNumber('general.stale_minutes', { min: 1, max: 1440, default: 30 }, MINUTES, {
    control: { tab: 'general', row: 3, id: 'staleMinutes' },
  }),
  'general.trayTitle': bool('general.tray_title', false),
  /** The tray app checks GitHub Releases for updates (at start and every 6 h). */
  'general.checkUpdates': bool('general.check_updates', true),
  /** Ask `codex app-server` for the account's limits (at start, every 10 min, on popover open). */
  'limits.askCodex': bool('limits.ask_codex', true),
};
