/**
 * One presentation vocabulary (issue #13): the words, thresholds and number
 * formats that the popover, the tray, and the terminal view all use, so a
 * limit reads the same on every surface. Pure functions, no DOM, no colour.
 */
import type {
  CodexSessionSnapshot,
  Credits,
  EpochMs,
  SessionAgents,
  SessionStatus,
  SubagentInfo,
  UsageWindow,
} from '../contract/index.js';
import { clockTime, compactNumber, durationShort, wholePercent } from './numbers.js';

/** Below this share left a limit is a warning (amber), below CRITICAL_BELOW critical (red). */
export const WARNING_BELOW = 20;
export const CRITICAL_BELOW = 5;

export type Level = 'normal' | 'warning' | 'critical';

export function levelFor(percentLeft: number): Level {
  if (percentLeft < CRITICAL_BELOW) return 'critical';
  if (percentLeft < WARNING_BELOW) return 'warning';
  return 'normal';
}

/** `72% left` */
export function percentLeftText(percentLeft: number): string {
  return `${wholePercent(percentLeft)}% left`;
}

/**
 * `Resets in 2h 13m · 14:05`; after a rollover, `Reset at 13:00` (what is
 * left is already in the big number: never said twice). Null with no reset time.
 */
export function resetText(w: UsageWindow, now: number): string | null {
  if (w.resetsAt === null) return null;
  const at = new Date(w.resetsAt);
  const clock = clockTime(at, new Date(now));
  if (w.rolledOver || at.getTime() <= now) return `Reset at ${clock}`;
  return `Resets in ${durationShort(at.getTime() - now)} · ${clock}`;
}

/** No pace in the first 3 % of a window: too little has happened to say anything. */
const PACE_GRACE = 0.03;

export interface PaceView {
  tone: 'ok' | 'deficit' | 'reserve';
  text: string;
}

/**
 * Pace in words people read right: `On pace`, `12% in deficit · runs out in
 * 1h 40m`, `8% in reserve · lasts until reset`. Null when there is nothing
 * honest to say (no pace, rolled over, or the window has barely started).
 */
export function paceText(w: UsageWindow, now: number): PaceView | null {
  if (w.pace === null || w.rolledOver) return null;
  if (w.windowMinutes !== null && w.resetsAt !== null) {
    const total = w.windowMinutes * 60_000;
    const elapsed = total - (w.resetsAt - now);
    if (elapsed < total * PACE_GRACE) return null;
  }
  const reserve = wholePercent(w.pace.reservePercent);
  if (reserve < 0) {
    const runsOut =
      w.pace.runsOutAt === null ? null : `runs out in ${durationShort(Math.max(0, w.pace.runsOutAt - now))}`;
    return { tone: 'deficit', text: [`${-reserve}% in deficit`, runsOut].filter((x) => x !== null).join(' · ') };
  }
  if (w.pace.runsOutAt !== null) {
    // Under an even burn overall, but the recent rate empties it before the reset.
    return { tone: 'deficit', text: `runs out in ${durationShort(Math.max(0, w.pace.runsOutAt - now))}` };
  }
  if (reserve === 0) return { tone: 'ok', text: 'On pace' };
  return { tone: 'reserve', text: `${reserve}% in reserve · lasts until reset` };
}

/** `updated 23 min ago`, `updated 2h 5m ago`, `updated just now`. */
/** Where a limit reading came from, said the same way on every surface (issue 12 §3). */
export function sourceText(w: Pick<UsageWindow, 'source'>): string {
  return w.source === 'account' ? 'from your account' : 'from your last session';
}

export function updatedAgo(observedAt: EpochMs, now: number): string {
  const ms = now - observedAt;
  if (ms < 60_000) return 'updated just now';
  if (ms < 3_600_000) return `updated ${Math.floor(ms / 60_000)} min ago`;
  return `updated ${durationShort(ms)} ago`;
}

/** Credits with their unit, rounded as Codex shows them: `18 credits`, `Unlimited credits`, `No credits`. */
export function creditsText(c: Credits): string {
  if (c.unlimited) return 'Unlimited credits';
  if (!c.hasCredits) return 'No credits';
  if (c.balance === null || c.balance.trim() === '') return 'Credits available';
  const n = Number(c.balance);
  if (!Number.isFinite(n)) return `${c.balance} credits`;
  const rounded = Math.round(n);
  return `${rounded} credit${rounded === 1 ? '' : 's'}`;
}

/** `72% of context left` */
export function contextLeftText(percentLeft: number): string {
  return `${wholePercent(percentLeft)}% of context left`;
}

/** The short tray/terminal line for one window: `5h 72% left · resets 14:05`. */
export function windowLine(w: UsageWindow, now: number): string {
  const left = `${w.label} ${percentLeftText(w.remainingPercent)}`;
  if (w.resetsAt === null) return left;
  const at = new Date(w.resetsAt);
  if (w.rolledOver || at.getTime() <= now) return `${left} · reset ${clockTime(at, new Date(now))}`;
  return `${left} · resets ${clockTime(at, new Date(now))}`;
}

/** A limit family's label: its name, or its id when Codex gave none. */
export function familyName(f: { limitId: string; limitName: string | null }): string {
  return f.limitName !== null && f.limitName.trim() !== '' ? f.limitName : f.limitId;
}

/** `+2 agents`: the sub-agent threads folded under a session (issue 12 §4); null when it has none. */
export function agentsText(a: Pick<SessionAgents, 'count'>): string | null {
  if (a.count <= 0) return null;
  return `+${a.count} agent${a.count === 1 ? '' : 's'}`;
}

/**
 * `+2 agents · 1 working · 5.2K tokens`: the long form, for a title, a screen
 * reader or the terminal. The tokens are the agents' own, never in the
 * session's total. Null when the session has no agents.
 */
export function agentsSummary(a: SessionAgents): string | null {
  const head = agentsText(a);
  if (head === null) return null;
  const working = a.working > 0 ? `${a.working} working` : null;
  return [head, working, `${compactNumber(a.tokens)} tokens`].filter((x) => x !== null).join(' · ');
}

/** `sub-agent Euclid (explorer)`: a sub-agent shown on its own row, its parent not being live. */
export function subagentText(info: SubagentInfo): string {
  const who = [info.nickname, info.role === null ? null : `(${info.role})`].filter((x) => x !== null).join(' ');
  return who === '' ? 'sub-agent' : `sub-agent ${who}`;
}

/** A session's state in words, the same in the popover and the terminal. */
export const SESSION_STATUS_TEXT: Record<SessionStatus, string> = {
  working: 'working',
  waiting: 'needs approval',
  idle: 'idle',
  ended: 'ended',
};

/**
 * `1 needs you · 3 live, 1 working`: a session waiting for an approval is
 * counted apart and said first (it is the one that needs the user), then
 * every live session and how many are working. `No live session` when there is none.
 */
export function liveSessionsText(sessions: readonly Pick<CodexSessionSnapshot, 'status'>[]): string {
  const live = sessions.length;
  if (live === 0) return 'No live session';
  const waiting = sessions.filter((s) => s.status === 'waiting').length;
  const working = sessions.filter((s) => s.status === 'working').length;
  const count = working > 0 ? `${live} live, ${working} working` : `${live} live`;
  return waiting > 0 ? `${waiting} need${waiting === 1 ? 's' : ''} you · ${count}` : count;
}
