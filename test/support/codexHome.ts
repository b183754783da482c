import { mkdtemp, mkdir, readFile, rm, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'codex');

export const SAMPLES = {
  basic: 'codex-0.169.0-basic-resume-shell.jsonl',
  interrupted: 'codex-0.169.0-interrupted.jsonl',
  nearLimit: 'codex-0.169.0-near-limit-multi.jsonl',
  noHeaders: 'codex-0.169.0-no-ratelimit-headers.jsonl',
} as const;

/** A throwaway Codex home on real disk. */
export class TempCodexHome {
  private constructor(readonly home: string) {}

  static async create(): Promise<TempCodexHome> {
    return new TempCodexHome(await mkdtemp(join(tmpdir(), 'cdp-home-')));
  }

  get sessions(): string {
    return join(this.home, 'sessions');
  }

  rolloutPath(day: string, name: string): string {
    const [y, m, d] = day.split('-');
    return join(this.sessions, y ?? '2026', m ?? '01', d ?? '01', `rollout-${day}T10-00-00-${name}.jsonl`);
  }

  /** Writes a rollout and sets its mtime (default: its last line's timestamp). */
  async writeRollout(path: string, content: string, mtime?: Date): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    const when = mtime ?? lastTimestamp(content);
    if (when !== null) await utimes(path, when, when);
    return path;
  }

  async copySample(sample: string, day = '2026-11-21', mtime?: Date): Promise<string> {
    const content = await readFile(join(FIXTURES, sample), 'utf8');
    return this.writeRollout(this.rolloutPath(day, sample.replace(/\.jsonl$/, '')), content, mtime);
  }

  /**
   * Writes a real sample as a live session: every time in it moved so its last
   * line was written `agoMs` ago (its mtime follows).
   */
  async writeLiveSample(sample: string, name = 'live', agoMs = 30_000): Promise<string> {
    const content = await readSample(sample);
    const last = lastTimestamp(content)?.getTime() ?? 0;
    return this.writeRollout(this.rolloutPath('2026-11-21', name), shiftTimes(content, Date.now() - agoMs - last));
  }

  async append(path: string, content: string): Promise<void> {
    await appendFile(path, content);
  }

  async remove(): Promise<void> {
    await rm(this.home, { recursive: true, force: true });
  }
}

export async function readSample(sample: string): Promise<string> {
  return readFile(join(FIXTURES, sample), 'utf8');
}

export function lastTimestamp(content: string): Date | null {
  const lines = content.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const m = /"timestamp":"([^"]+)"/.exec(lines[i] ?? '');
    if (m?.[1] !== undefined) return new Date(m[1]);
  }
  return null;
}

/** Builders for synthetic rollout lines in every historical shape. */
export const line = {
  meta: (at: string, fields: Record<string, unknown> = {}): string =>
    JSON.stringify({
      timestamp: at,
      type: 'session_meta',
      payload: {
        id: 'sess-1',
        timestamp: at,
        cwd: '/work/demo',
        originator: 'codex_cli_rs',
        cli_version: '0.99.0',
        ...fields,
      },
    }),
  turnContext: (at: string, model: string, effort: string | null = null): string =>
    JSON.stringify({ timestamp: at, type: 'turn_context', payload: { model, effort, cwd: '/work/demo' } }),
  event: (at: string, payload: Record<string, unknown>): string =>
    JSON.stringify({ timestamp: at, type: 'event_msg', payload }),
  taskStarted: (at: string, window = 258400): string =>
    line.event(at, { type: 'task_started', turn_id: 't', model_context_window: window }),
  taskComplete: (at: string): string => line.event(at, { type: 'task_complete', turn_id: 't' }),
  userMessage: (at: string): string => line.event(at, { type: 'user_message', message: 'secret prompt text' }),
  tokenCount: (at: string, total: number, last: number, rateLimits?: unknown, window = 258400): string =>
    line.event(at, {
      type: 'token_count',
      info: {
        total_token_usage: usage(total),
        last_token_usage: usage(last),
        model_context_window: window,
      },
      ...(rateLimits === undefined ? {} : { rate_limits: rateLimits }),
    }),
  responseItem: (at: string, payload: Record<string, unknown>): string =>
    JSON.stringify({ timestamp: at, type: 'response_item', payload }),
};

/** A TokenUsage whose parts add up: 80 % input (a quarter cached), 20 % output. */
export function usage(total: number): Record<string, number> {
  const input = Math.round(total * 0.8);
  return {
    input_tokens: input,
    cached_input_tokens: Math.round(input / 4),
    output_tokens: total - input,
    reasoning_output_tokens: 0,
    total_tokens: total,
  };
}

/**
 * Codex's display figure for `usage(total)`, from its raw fields: non-cached
 * input plus output (`TokenUsage::blended_total`, SCHEMA.md §9).
 */
export function shown(total: number): number {
  const u = usage(total);
  return Math.max(0, (u.input_tokens ?? 0) - (u.cached_input_tokens ?? 0)) + (u.output_tokens ?? 0);
}

export function mainLimits(primaryUsed: number, secondaryUsed: number, resetsAtSec: number, weeklyResetSec: number) {
  return {
    limit_id: 'codex',
    primary: { used_percent: primaryUsed, window_minutes: 300, resets_at: resetsAtSec },
    secondary: { used_percent: secondaryUsed, window_minutes: 10080, resets_at: weeklyResetSec },
  };
}

/**
 * Moves every time in a real rollout by `deltaMs` (ISO timestamps and the
 * epoch-second fields), so a sample recorded on one day reads as live today.
 */
export function shiftTimes(content: string, deltaMs: number): string {
  return content
    .replace(
      /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)"/g,
      (_m, iso: string) => `"${new Date(Date.parse(iso) + deltaMs).toISOString()}"`,
    )
    .replace(
      /"(resets_at|started_at|completed_at)":(\d{9,11})\b/g,
      (_m, key: string, sec: string) => `"${key}":${Number(sec) + Math.round(deltaMs / 1000)}`,
    )
    .replace(
      /"(started_at_ms|completed_at_ms)":(\d{12,14})\b/g,
      (_m, key: string, ms: string) => `"${key}":${Number(ms) + deltaMs}`,
    );
}
