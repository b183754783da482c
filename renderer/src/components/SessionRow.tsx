import type { CodexSessionSnapshot } from '../../../src/contract/index.js';
import { compactNumber, durationShort } from '../../../src/format/numbers.js';

const STATUS_TEXT: Record<CodexSessionSnapshot['status'], string> = {
  working: 'working',
  waiting: 'waiting for approval',
  idle: 'idle',
  ended: 'ended',
};

export function SessionRow({
  session: s,
  current,
  now,
  projectHidden,
}: {
  session: CodexSessionSnapshot;
  current: boolean;
  now: number;
  projectHidden: boolean;
}) {
  const elapsed = s.startedAt === null ? null : durationShort(now - Date.parse(s.startedAt));
  const ctx = s.context.percentLeft;
  return (
    <li
      className={`session${current ? ' current' : ''}`}
      data-testid="session"
      aria-current={current ? 'true' : undefined}
    >
      <div className="session-head">
        <span
          className={`dot status-${s.status}`}
          role="img"
          aria-label={STATUS_TEXT[s.status]}
          title={STATUS_TEXT[s.status]}
        />
        <span className="project selectable">{projectHidden ? 'hidden' : (s.project ?? 'unknown project')}</span>
        {!projectHidden && s.branch !== null && <span className="branch">{s.branch}</span>}
        {current && (
          <span className="badge current-badge" title="Shown on Discord">
            on Discord
          </span>
        )}
        <span className="elapsed">{elapsed}</span>
      </div>
      <div className="session-meta">
        <span>{s.model ?? 'model unknown'}</span>
        <span className="sep">·</span>
        <span>{STATUS_TEXT[s.status]}</span>
      </div>
      <div className="tokens selectable" data-testid="tokens">
        Δ {compactNumber(s.tokens.delta)} | last {compactNumber(s.tokens.last)} | total {compactNumber(s.tokens.total)}
      </div>
      {ctx !== null && (
        <div className="context">
          <div
            className="bar thin"
            role="progressbar"
            aria-label="Context left"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={ctx}
          >
            <div className="fill" style={{ width: `${ctx}%` }} />
          </div>
          <span className="context-text">{ctx}% context left</span>
        </div>
      )}
    </li>
  );
}
