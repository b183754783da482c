import { cut, LineCheck, MAX_TEXT_CHARS } from '../ranges/ranges.js';
import type { Settings } from '../contract/index.js';
import type { DiscordActivity } from '../discord/payload.js';
import { ACTIVITY_TEXT, shortWindowLabel } from './activityText.js';
import { fitLabel, fitText } from './limits.js';
import { renderTemplate, type TemplateValues } from './template.js';
import { MAX_TEMPLATE_CHARS } from '../settings/template.js';
import { compactNumber, durationShort, tokenTriplet, wholePercent } from '../format/numbers.js';
import { pickCurrent } from '../usage/aggregate.js';
import type { CodexSessionSnapshot, CostFigure, UsageSnapshot, UsageWindow } from '../contract/index.js';
import { usdText } from '../format/cost.js';
import { resolvePrivacy, type Visible } from './privacy.js';
import { matchesGlob } from '../settings/glob.js';

export interface BuildInput {
  snapshot: UsageSnapshot;
  config: Settings;
  now: number;
  /** When a shown session was last working or waiting (from the publisher); null if never. */
  lastBusyAt: number | null;
}

export const MINIMAL_DETAILS = 'Coding with Codex';

/** Sessions whose project matches the ignore list are never shown, not even as the current one. */
export function visibleSessions(snapshot: UsageSnapshot, ignore: readonly string[]): CodexSessionSnapshot[] {
  if (ignore.length === 0) return snapshot.sessions;
  return snapshot.sessions.filter((s) => s.project === null || !ignore.some((g) => matchesGlob(s.project ?? '', g)));
}

/** What a presence is about: the session it shows, and whether it went idle past the delay. */
export interface PresenceFocus {
  /** The sessions it may show (ignored projects skipped). */
  sessions: CodexSessionSnapshot[];
  session: CodexSessionSnapshot | null;
  /** Past the idle delay Discord shows "Idle" (or nothing) rather than the session. */
  idle: boolean;
}

/** The session the activity is about, picked once for the activity and for the "on Discord" marks. */
export function presenceFocus(input: BuildInput): PresenceFocus {
  const { snapshot, config, now } = input;
  const sessions = visibleSessions(snapshot, config.ignoreProjects);
  const currentId = pickCurrent(sessions);
  const session = sessions.find((s) => s.id === currentId) ?? null;
  const busy = session !== null && (session.status === 'working' || session.status === 'waiting');
  const idleFor = busy ? 0 : now - (input.lastBusyAt ?? session?.lastActivityAt ?? 0);
  return { sessions, session, idle: !busy && idleFor >= config.idle.afterMinutes * 60_000 };
}

/** The activity, and the session it shows (null when it shows none: cleared, idle, or no session). */
export interface Presence {
  activity: DiscordActivity | null;
  shownSessionId: string | null;
}

/** Nothing on Discord (cleared, paused, switched off). */
export const NO_PRESENCE: Presence = { activity: null, shownSessionId: null };

/**
 * Turns a snapshot and the config into the Discord activity, or null to
 * clear it, and says which session it shows. Pure: the same input always
 * gives the same activity. Prompts, paths, commands and thread names are
 * never read here; project and branch only when privacy allows.
 */
export function buildPresence(input: BuildInput): Presence {
  const { snapshot, config, now } = input;
  const visible = resolvePrivacy(config.privacy);
  const { sessions, session, idle } = presenceFocus(input);
  if ((session === null || idle) && config.idle.behaviour === 'clear') return NO_PRESENCE;
  if (session === null && snapshot.limits.primary === null && snapshot.limits.secondary === null) return NO_PRESENCE;

  const values = templateValues(session, sessions.length, snapshot, visible, now);
  const details = session === null || idle ? idleDetails(visible) : detailsLine(config, values, visible);
  const state = stateLine(config, values, snapshot, session, visible);

  const activity: DiscordActivity = { details: fitText(details) };
  if (state !== '') activity.state = fitText(state);
  if (session !== null && !idle && session.startedAt !== null) {
    activity.timestamps = { start: session.startedAt };
    const end = countdownEnd(config, snapshot.limits.primary, visible, now);
    if (end !== null) activity.timestamps.end = end;
  }
  activity.assets = assets(config, session, visible);
  const buttons = config.buttons
    .slice(0, 2)
    .filter((b) => verbatim(b.url) !== null)
    .map((b) => ({ label: fitLabel(b.label), url: b.url }));
  if (buttons.length > 0) activity.buttons = buttons;
  return { activity, shownSessionId: session === null || idle ? null : session.id };
}

/** The activity alone (the settings window's card preview). */
export function buildActivity(input: BuildInput): DiscordActivity | null {
  return buildPresence(input).activity;
}

function templateValues(
  session: CodexSessionSnapshot | null,
  count: number,
  snapshot: UsageSnapshot,
  v: Visible,
  now: number,
): TemplateValues {
  const primary = snapshot.limits.primary;
  const secondary = snapshot.limits.secondary;
  const left = (w: UsageWindow | null) => (w === null || !v.limits ? '' : `${wholePercent(w.remainingPercent)}%`);
  const resetsIn =
    primary?.resetsAt == null || !v.limits || primary.rolledOver ? '' : durationShort(primary.resetsAt - now);
  return {
    activity: session === null || !v.activity ? '' : activityText(session),
    project: session !== null && v.project ? shown(session.project) : '',
    branch: session !== null && v.branch ? shown(session.branch) : '',
    model: session !== null && v.model ? shown(session.model) : '',
    status: session === null ? '' : session.status,
    'tokens.total': session !== null && v.tokens ? compactNumber(session.tokens.total) : '',
    'tokens.last': session !== null && v.tokens ? compactNumber(session.tokens.last) : '',
    'tokens.delta': session !== null && v.tokens ? compactNumber(session.tokens.delta) : '',
    'limits.primary.remaining': left(primary),
    'limits.secondary.remaining': left(secondary),
    'limits.primary.resetsIn': resetsIn,
    sessions: count === 0 ? '' : `${count} session${count === 1 ? '' : 's'}`,
    cost: session !== null && v.cost ? discordCost(session.cost) : '',
  };
}

/**
 * A cost Discord may show: an exact one only. A partial figure is a lower
 * bound that would read as the cost, and an unavailable one has no number
 * (issue 24 §1); both render empty, so `{cost}` and its separator go.
 */
function discordCost(cost: CostFigure): string {
  return cost.status === 'exact' && cost.usd !== null ? usdText(cost.usd) : '';
}

function activityText(s: CodexSessionSnapshot): string {
  if (s.status === 'waiting') return ACTIVITY_TEXT.waiting;
  if (s.status === 'idle') return ACTIVITY_TEXT.idle;
  return ACTIVITY_TEXT[s.activity];
}

/** The details line when the user set none (the settings window names it too). */
export const DEFAULT_DETAILS_TEMPLATE = '{activity} · {project}';

function detailsLine(config: Settings, values: TemplateValues, v: Visible): string {
  if (v.minimal) return MINIMAL_DETAILS;
  const template = usable(config.display.detailsTemplate).trim() || DEFAULT_DETAILS_TEMPLATE;
  const text = renderTemplate(template, values);
  return text === '' ? MINIMAL_DETAILS : text;
}

function idleDetails(v: Visible): string {
  return v.minimal ? MINIMAL_DETAILS : 'Idle';
}

function stateLine(
  config: Settings,
  values: TemplateValues,
  snapshot: UsageSnapshot,
  session: CodexSessionSnapshot | null,
  v: Visible,
): string {
  if (v.minimal) return '';
  const template = usable(config.display.stateTemplate);
  if (template.trim() !== '') return renderTemplate(template, values);
  const limits = v.limits ? limitsText(snapshot) : '';
  const tokens = v.tokens && session !== null ? tokenTriplet(session.tokens) : '';
  switch (config.display.stateLine) {
    case 'tokens':
      return tokens || limits;
    case 'combined': {
      const both = [limits, tokens].filter(Boolean).join(' · ');
      return both.length <= 128 ? both : limits || tokens;
    }
    default:
      return limits || tokens;
  }
}

function limitsText(snapshot: UsageSnapshot): string {
  return [snapshot.limits.primary, snapshot.limits.secondary]
    .filter((w): w is UsageWindow => w !== null)
    .map((w) => `${shortWindowLabel(w.label)} ${wholePercent(w.remainingPercent)}% left`)
    .join(' · ');
}

function countdownEnd(config: Settings, primary: UsageWindow | null, v: Visible, now: number): number | null {
  const threshold = config.display.countdownBelowPercent;
  if (threshold === null || primary === null || !v.limits || primary.rolledOver || primary.resetsAt === null)
    return null;
  const end = primary.resetsAt;
  return primary.remainingPercent < threshold && end > now ? end : null;
}

function assets(config: Settings, session: CodexSessionSnapshot | null, v: Visible): DiscordActivity['assets'] {
  const out: NonNullable<DiscordActivity['assets']> = {};
  const large = verbatim(config.display.largeImageKey.trim());
  if (large !== null) {
    out.large_image = large;
    // Minimal is only "Coding with Codex": the CLI version is a detail of the session, so it is not sent (issue 11).
    // Only a version that looks like one (`0.171.0`): a rollout can say anything (issue 21 §6).
    const version = v.minimal ? null : new LineCheck(0).version(session?.cliVersion);
    out.large_text = fitText(config.display.largeText.trim() || (version ? `Codex CLI ${version}` : 'Codex CLI'));
  }
  const small = verbatim(config.display.smallImageKey.trim());
  if (small !== null && !v.minimal) {
    out.small_image = small;
    const model = v.model ? session?.model : null;
    out.small_text = fitText(config.display.smallText.trim() || model || 'OpenAI');
  }
  return out;
}

/**
 * A value sent as it is (an image key, a button's link), or null when it is
 * empty, not well-formed or holds a control character: fitted text is cleaned
 * by fitText, but these cannot be changed without breaking them.
 */
function verbatim(text: string): string | null {
  return new LineCheck(0).text(text, text.length) === text ? text : null;
}

/**
 * A name from a rollout as a template value: no more than a display string
 * keeps (the edge's bound, applied again here), so a template that repeats
 * it renders in time linear in the template (issue 21 §1).
 */
function shown(name: string | null): string {
  return name === null ? '' : cut(name, MAX_TEXT_CHARS);
}

/** A template longer than any valid one is not used, as when the config is loaded (loadedTemplate). */
function usable(template: string): string {
  return template.length > MAX_TEMPLATE_CHARS ? '' : template;
}
