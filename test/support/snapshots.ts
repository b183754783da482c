import type { CodexSessionSnapshot, UsageSnapshot, UsageWindow } from '../../src/contract/index.js';

export const T0 = Date.parse('2026-11-21T14:00:00Z');

export function session(over: Partial<CodexSessionSnapshot> = {}): CodexSessionSnapshot {
  return {
    id: 'sess-a',
    file: '/home/dev/.codex/sessions/2026/11/21/rollout-secret-path.jsonl',
    cwd: '/home/dev/code/orbit-api',
    project: 'orbit-api',
    branch: 'feature/login',
    model: 'gpt-5.5',
    effort: 'high',
    cliVersion: '0.169.0',
    originator: 'codex_cli_rs',
    name: 'Fix the secret login bug',
    status: 'working',
    activity: 'running',
    startedAt: T0 - 45 * 60_000,
    lastActivityAt: T0 - 5_000,
    tokens: {
      total: 120_000,
      own: 120_000,
      last: 3400,
      delta: 1234,
      input: 100_000,
      cachedInput: 20_000,
      output: 20_000,
      reasoningOutput: 5000,
      processed: 120_000,
    },
    byModel: [{ model: 'gpt-5.5', input: 80_000, cachedInput: 20_000, output: 20_000 }],
    // gpt-5.5 at $5 / $0.50 / $30 per million.
    cost: { usd: 1.01, status: 'exact', unpriced: [] },
    context: { window: 258400, used: 40_000, percentLeft: 89 },
    turns: 7,
    forkedFrom: null,
    partial: false,
    subagent: null,
    agents: { count: 0, live: 0, working: 0, tokens: 0, threads: [] },
    ...over,
  };
}

export function window(remaining: number, over: Partial<UsageWindow> = {}): UsageWindow {
  return {
    label: '5h',
    usedPercent: 100 - remaining,
    remainingPercent: remaining,
    windowMinutes: 300,
    resetsAt: T0 + (2 * 60 + 13) * 60_000,
    observedAt: T0 - 60_000,
    stale: false,
    rolledOver: false,
    pace: null,
    source: 'log',
    ...over,
  };
}

export function snapshot(
  sessions: CodexSessionSnapshot[] = [session()],
  over: Partial<UsageSnapshot> = {},
): UsageSnapshot {
  return {
    generatedAt: T0,
    codexHome: { path: '/home/dev/.codex', found: true, sessionsDirFound: true },
    sessions,
    current: sessions[0]?.id ?? null,
    limits: {
      primary: window(72),
      secondary: window(40, {
        label: 'weekly',
        windowMinutes: 10080,
        resetsAt: T0 + 3 * 86_400_000,
      }),
      others: [],
      credits: null,
      planType: null,
      accountError: null,
    },
    cost: { basis: 'api', pricesAsOf: '2026-09-23' },
    diagnostics: {
      filesRead: 1,
      bytesRead: 100,
      malformedLines: 0,
      invalidUtf8Lines: 0,
      oversizedLines: 0,
      suspiciousLines: 0,
      skippedEntries: { count: 0, entries: [] },
      unreadable: { count: 0, newest: null },
      familiesDropped: 0,
      suspiciousAnswers: 0,
    },
    ...over,
  };
}
