import type { CodexSessionSnapshot, CostInfo } from '../../../src/contract/index.js';
import { costPhrase, pricesAsOfText, unpricedText } from '../../../src/format/cost.js';
import { compactNumber, durationShort, tokenTriplet } from '../../../src/format/numbers.js';
import {
  agentsSummary,
  agentsText,
  contextLeftText,
  levelFor,
  SESSION_STATUS_TEXT,
  subagentText,
} from '../../../src/format/presentation.js';
import { NotSharedIcon, OnDiscordIcon } from './Icons.js';

export const STATUS_TEXT = SESSION_STATUS_TEXT;

/**
 * One session in two lines: status, project and branch, its sub-agents
 * ("+2 agents · 5.2k", their tokens apart), marks, the context left, time;
 * then model, state and the token triplet (`Δ 1.2k | last 3.4k | total
 * 120k`, the product's headline figure, never only in a tooltip). The project name is what identifies a row,
 * so it shrinks last: the branch gives way first, then the model (styles.css).
 * The marks are icons named for screen readers. A row opens nothing, so it is
 * not a tab stop; its accessible name says all of it. Its cost (issue 24 §1)
 * is in the figures' tooltip and the accessible name only: the row has no
 * room for it at 360 px, and a ChatGPT plan's figure is a value, not a bill.
 */
export function SessionRow({
  session: s,
  onDiscord,
  notShared,
  now,
  cost,
}: {
  session: CodexSessionSnapshot;
  onDiscord: boolean;
  notShared: string | null;
  now: number;
  /** How the snapshot's costs read: the basis names the figure, the date says what prices. */
  cost: CostInfo;
}) {
  const elapsed = s.startedAt === null ? null : durationShort(now - s.startedAt);
  const ctx = s.context.percentLeft;
  const project = s.project ?? 'unknown project';
  const agents = agentsText(s.agents);
  const agentsLong = agentsSummary(s.agents);
  const subagent = s.subagent === null ? null : subagentText(s.subagent);
  const triplet = tokenTriplet(s.tokens);
  const costSaid = costPhrase(s.cost, cost.basis);
  const unpriced = unpricedText(s.cost);
  const summary = [
    project,
    subagent,
    s.branch === null ? null : `branch ${s.branch}`,
    STATUS_TEXT[s.status],
    s.model,
    `tokens ${triplet}`,
    agentsLong,
    // The session's own tokens' figure (sub-agents are priced in their own rows), after the agents, so the
    // triplet and its agents read together.
    costSaid,
    unpriced,
    ctx === null ? null : contextLeftText(ctx),
    elapsed === null ? null : `for ${elapsed}`,
    onDiscord ? 'shown on Discord' : null,
    notShared,
  ]
    .filter((x) => x !== null)
    .join(', ');
  return (
    <li
      className={`session${onDiscord ? ' on-discord' : ''}`}
      data-testid="session"
      aria-label={summary}
      aria-current={onDiscord ? 'true' : undefined}
    >
      <div className="session-line">
        <span className={`dot status-${s.status}`} aria-hidden="true" title={STATUS_TEXT[s.status]} />
        <span className="project selectable" data-testid="project" title={project}>
          {project}
        </span>
        {s.branch !== null && (
          <span className="branch" data-testid="branch" title={s.branch}>
            {s.branch}
          </span>
        )}
        {agents !== null && (
          <span className="agents selectable" data-testid="agents" title={agentsLong ?? undefined}>
            {agents} · {compactNumber(s.agents.tokens)}
          </span>
        )}
        {subagent !== null && (
          <span className="badge subagent-badge" data-testid="subagent" title={subagent}>
            sub-agent
          </span>
        )}
        {notShared !== null && (
          <span className="mark not-shared" title={notShared} data-testid="not-shared">
            <NotSharedIcon label={notShared} />
          </span>
        )}
        {onDiscord && (
          <span className="mark on-discord-mark" data-testid="on-discord" title="This session is on Discord now">
            <OnDiscordIcon label="On Discord" />
          </span>
        )}
        {ctx !== null && (
          <span className={`context tone-${levelFor(ctx)}`} title={contextLeftText(ctx)}>
            <span
              className="bar gauge"
              role="progressbar"
              aria-label="Context left"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={ctx}
              aria-valuetext={contextLeftText(ctx)}
            >
              <span className="fill" style={{ width: `${ctx}%` }} />
            </span>
            <span className="context-text">{ctx}%</span>
          </span>
        )}
        {elapsed !== null && (
          <span className="elapsed" data-testid="elapsed">
            {elapsed}
          </span>
        )}
      </div>
      <div className="session-line meta">
        <span className="model" data-testid="model" title={s.model ?? undefined}>
          {s.model ?? 'model unknown'}
        </span>
        <span className="sep" aria-hidden="true">
          ·
        </span>
        <span className={`state status-${s.status}`}>{STATUS_TEXT[s.status]}</span>
        <span
          className="tokens selectable"
          data-testid="tokens"
          title={`Tokens: this request | last turn | session total\n${costSaid}${unpriced === null ? '' : ` (${unpriced})`} at ${pricesAsOfText(cost.pricesAsOf)}`}
        >
          {triplet}
        </span>
      </div>
    </li>
  );
}
