import { CODEX_MISSING_HINT } from '../codex/findCodex.js';
import { durationShort } from '../format/numbers.js';
import { sourceText } from '../format/presentation.js';
import type { AccountFacts, EngineFacts } from './inputs.js';
import type { Check } from './report.js';

export function limitsCheck({ primary: p }: EngineFacts, now: number): Check {
  const base = { id: 'limits', title: 'Limit data' } as const;
  if (p === null)
    return {
      ...base,
      status: 'warn',
      detail: 'none seen yet',
      fix: 'Limits arrive with Codex answers from a ChatGPT login; API-key sessions report none.',
    };
  if (p.stale)
    return {
      ...base,
      status: 'warn',
      detail: `last seen ${durationShort(now - p.observedAt)} ago, ${sourceText(p)} (stale after 15 min)`,
      fix: 'Start a Codex turn to refresh, or let the app ask Codex for your account (see account-limits).',
    };
  return {
    ...base,
    status: 'ok',
    detail: `fresh: ${durationShort(now - p.observedAt)} old, ${sourceText(p)}`,
  };
}

/** What asking `codex app-server` once gave (issue 12 §3). */
export function accountCheck(account: AccountFacts): Check {
  const base = { id: 'account-limits', title: 'Limits from your account' } as const;
  if (!account.asked)
    return {
      ...base,
      status: 'ok',
      detail: 'not asked: limits.ask_codex is off in the config, so only session logs count',
    };
  const { login, error } = account;
  if (account.codexMissing)
    return {
      ...base,
      status: 'warn',
      detail: error ?? 'codex not found',
      fix: `${CODEX_MISSING_HINT[0]?.toUpperCase() ?? ''}${CODEX_MISSING_HINT.slice(1)} (CODEX_BIN=/path/to/codex).`,
    };
  if (login != null && login.type !== 'chatgpt')
    return {
      ...base,
      status: 'ok',
      detail: `Codex is logged in with an ${login.type === 'apikey' ? 'API key' : `${login.type} login`}: it has no ChatGPT rate limits to show, so none are asked for (the login is checked again hourly)`,
    };
  if (error !== null)
    return {
      ...base,
      status: 'warn',
      detail: error,
      fix:
        login === null
          ? 'Run `codex login` to see your limits without a session.'
          : 'Check that `codex` runs and is logged in (`codex login`); session logs are used meanwhile.',
    };
  const shown = account.windows;
  const detail = `ChatGPT login${login?.planType ? ` (${login.planType})` : ''}: ${
    shown.length === 0
      ? 'Codex reported no limit windows'
      : shown.map((w) => `${w.label} ${w.remainingPercent}% left`).join(', ')
  }`;
  if (account.suspiciousAnswers > 0)
    return {
      ...base,
      status: 'warn',
      detail: `${detail}; its answer held values out of range (a window length ≤ 0, a balance of "Infinity", text too long), shown as unknown or cut`,
      fix: 'Update Codex; the rest of its answer is used meanwhile.',
    };
  return { ...base, status: 'ok', detail };
}
