import { compactNumber, durationShort, tokenTriplet } from '../../format/numbers.js';
import { costText } from '../../format/cost.js';
import { agentsText, contextLeftText, SESSION_STATUS_TEXT } from '../../format/presentation.js';
import type { CodexSessionSnapshot, SessionStatus } from '../../contract/index.js';
import type { Layout } from './layout.js';
import { levelTone } from './limits.js';
import { seg, toned, type Line } from './line.js';
import type { Tone } from './style.js';

const STATUS_TONE: Record<SessionStatus, Tone> = {
  working: 'ok',
  waiting: 'warning',
  idle: 'dim',
  ended: 'dim',
};

export interface SessionRowInput {
  session: CodexSessionSnapshot;
  /** Short marks after the project, such as `on Discord`; `sub-agent` is added for a sub-agent's own row. */
  tags: readonly string[];
  /** Adds the session's cost (`status`; docs/cost.md) after its tokens, on a full-width line. */
  cost?: boolean;
}

/**
 * One session in the popover's two lines (SessionRow.tsx): status dot,
 * project and branch, tags, time; then model, state, tokens and the context
 * left. The project name is shown: this is the user's own terminal.
 */
export function sessionRow(
  { session: s, tags, cost = false }: SessionRowInput,
  now: number,
  layout: Layout,
): [Line, Line] {
  const statusTone = STATUS_TONE[s.status];
  const head: Line = [seg('●', statusTone), seg(' '), seg(s.project ?? 'unknown project', 'strong')];
  if (s.branch !== null) head.push(seg(` (${s.branch})`));
  // A sub-agent whose parent is not live has a row of its own, marked as in the popover.
  const marks = s.subagent === null ? tags : ['sub-agent', ...tags];
  for (const tag of marks) head.push(seg(' · '), seg(tag, 'accent'));
  if (s.startedAt !== null) head.push(seg(` · ${durationShort(now - s.startedAt)}`, 'dim'));

  const indent = layout.kind === 'minimal' ? '  ' : '    ';
  const meta: Line = [seg(indent)];
  if (layout.kind !== 'minimal') meta.push(seg(s.model ?? 'model unknown'), seg(' · '));
  meta.push(seg(SESSION_STATUS_TEXT[s.status], statusTone));
  meta.push(
    seg(layout.kind === 'full' ? ` · ${tokenTriplet(s.tokens)}` : ` · ${compactNumber(s.tokens.total)} tokens`),
  );
  // Folded sub-agents, apart from the session's own tokens (the popover's `+2 agents · 5.2k`).
  const agents = agentsText(s.agents);
  if (agents !== null && layout.kind !== 'minimal') meta.push(seg(` · ${agents} · ${compactNumber(s.agents.tokens)}`));
  const ctx = s.context.percentLeft;
  if (ctx !== null) {
    meta.push(seg(' · '), seg(layout.kind === 'minimal' ? `ctx ${ctx}%` : contextLeftText(ctx), levelTone(ctx)));
  }
  if (cost && layout.kind === 'full') meta.push(seg(` · ${costText(s.cost)}`));
  // An ended session is history: dimmed as a whole.
  return s.status === 'ended' ? [toned(head, 'dim'), toned(meta, 'dim')] : [head, meta];
}
