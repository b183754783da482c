import type { CodexSessionSnapshot } from '../../../src/contract/index.js';
import { compactNumber, durationShort, tokenTriplet } from '../../../src/format/numbers.js';
import {
  agentsSummary,
  agentsText,
  contextLeftText,
  levelFor,
  SESSION_STATUS_TEXT,
  subagentText,
} from '../../../src/format/presentation.js';
import { ContextIcon, NotSharedIcon, TokensIcon } from './Icons.js';

export const STATUS_TEXT = SESSION_STATUS_TEXT;

/**
 * One session in two lines: status, project and branch, time; then model,
 * state, tokens (its sub-agents' apart, "+2 agents · 5.2K") and a small
 * context gauge. The project name is always shown
 * here (it is the user's own screen); `notShared` marks it when it is kept off
 * Discord. Focusable, so every session is reachable by keyboard.
 */
export function SessionRow({
  session: s,
  onDiscord,
  notShared,
  now,
}: {
  session: CodexSessionSnapshot;
  onDiscord: boolean;
  notShared: string | null;
  now: number;
}) {
  const elapsed = s.startedAt === null ? null : durationShort(now - s.startedAt);
  const ctx = s.context.percentLeft;
  const project = s.project ?? 'unknown project';
  const agents = agentsText(s.agents);
  const agentsLong = agentsSummary(s.agents);
  const subagent = s.subagent === null ? null : subagentText(s.subagent);
  const summary = [
    project,
    subagent,
    s.branch === null ? null : `branch ${s.branch}`,
    STATUS_TEXT[s.status],
    s.model,
    `${compactNumber(s.tokens.total)} tokens`,
    agentsLong,
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
      tabIndex={0}
      aria-label={summary}
      aria-current={onDiscord ? 'true' : undefined}
    >
      <div className="session-line">
        <span className={`dot status-${s.status}`} aria-hidden="true" title={STATUS_TEXT[s.status]} />
        <span className="project selectable" data-testid="project" title={project}>
          {project}
        </span>
        {s.branch !== null && (
          <span className="branch" title={s.branch}>
            {s.branch}
          </span>
        )}
        {subagent !== null && (
          <span className="badge subagent-badge" data-testid="subagent" title={subagent}>
            sub-agent
          </span>
        )}
        {notShared !== null && (
          <span className="not-shared" title={notShared} data-testid="not-shared">
            <NotSharedIcon label={notShared} />
          </span>
        )}
        {onDiscord && (
          <span className="badge on-discord-badge" data-testid="on-discord" title="This session is on Discord now">
            on Discord
          </span>
        )}
        {elapsed !== null && <span className="elapsed">{elapsed}</span>}
      </div>
      <div className="session-line meta">
        <span className="model">{s.model ?? 'model unknown'}</span>
        <span className="sep" aria-hidden="true">
          ·
        </span>
        <span className={`state status-${s.status}`}>{STATUS_TEXT[s.status]}</span>
        <span className="tokens selectable" data-testid="tokens" title={tokenTriplet(s.tokens)}>
          <TokensIcon />
          {compactNumber(s.tokens.total)}
        </span>
        {agents !== null && (
          <span className="agents selectable" data-testid="agents" title={agentsLong ?? undefined}>
            {agents} · {compactNumber(s.agents.tokens)}
          </span>
        )}
        {ctx !== null && (
          <span className={`context tone-${levelFor(ctx)}`} title={contextLeftText(ctx)}>
            <ContextIcon />
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
      </div>
    </li>
  );
}
