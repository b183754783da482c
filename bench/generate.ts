import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A synthetic Codex home in the shape of a heavy user's year: 10,000 rollouts
 * across 365 day folders (~2 GB), some of 50 MB with multi-megabyte
 * response_item lines, and 3 live sessions (one of them a 50 MB file).
 */
export interface BenchHome {
  home: string;
  active: string[];
  totalBytes: number;
  files: number;
}

const FILES = 10_000;
const DAYS = 365;
const BIG_FILES = 20;
const BIG_BYTES = 50 * 1024 * 1024;
const VERSION = 'v1';
const DAY_MS = 86_400_000;

const iso = (ms: number): string => new Date(ms).toISOString();

function meta(id: string, at: number, cwd: string): string {
  return JSON.stringify({
    timestamp: iso(at),
    type: 'session_meta',
    payload: {
      id,
      timestamp: iso(at),
      cwd,
      originator: 'codex_cli_rs',
      cli_version: '0.169.0',
      base_instructions: { text: 'x'.repeat(22_000) },
    },
  });
}

function turn(
  at: number,
  total: number,
  used: number,
  resetsAtSec: number,
  outputBytes: number,
  weeklyResetSec = resetsAtSec + 86400 * 5,
): string[] {
  const usage = (t: number) => ({
    input_tokens: t - 200,
    cached_input_tokens: 1000,
    output_tokens: 200,
    reasoning_output_tokens: 50,
    total_tokens: t,
  });
  return [
    JSON.stringify({
      timestamp: iso(at),
      type: 'event_msg',
      payload: { type: 'task_started', turn_id: `t${at}`, model_context_window: 258400 },
    }),
    JSON.stringify({
      timestamp: iso(at),
      type: 'turn_context',
      payload: { model: 'gpt-5.5', effort: 'medium', cwd: '/home/bench/project' },
    }),
    JSON.stringify({
      timestamp: iso(at + 1),
      type: 'response_item',
      payload: { type: 'function_call', name: 'shell', arguments: '{"cmd":"ls"}', call_id: 'c' },
    }),
    JSON.stringify({
      timestamp: iso(at + 2),
      type: 'response_item',
      payload: { type: 'function_call_output', call_id: 'c', output: 'o'.repeat(outputBytes) },
    }),
    JSON.stringify({
      timestamp: iso(at + 3),
      type: 'event_msg',
      payload: {
        type: 'token_count',
        info: { total_token_usage: usage(total), last_token_usage: usage(8000), model_context_window: 258400 },
        rate_limits: {
          limit_id: 'codex',
          primary: { used_percent: used, window_minutes: 300, resets_at: resetsAtSec },
          secondary: { used_percent: used / 3, window_minutes: 10080, resets_at: weeklyResetSec },
        },
      },
    }),
    JSON.stringify({
      timestamp: iso(at + 4),
      type: 'event_msg',
      payload: { type: 'task_complete', turn_id: `t${at}` },
    }),
  ];
}

/** A whole rollout: meta, then turns until `targetBytes`. */
function rollout(id: string, start: number, targetBytes: number, bigLines: boolean): string {
  const lines = [meta(id, start, '/home/bench/project')];
  let size = lines[0]?.length ?? 0;
  let total = 0;
  let t = start;
  const outputBytes = bigLines ? 4 * 1024 * 1024 : 6 * 1024;
  while (size < targetBytes) {
    total += 8000;
    t += 60_000;
    const part = turn(t, total, Math.min(99, (total / 8000) % 100), Math.floor(t / 1000) + 3600, outputBytes);
    lines.push(...part);
    size += part.reduce((n, l) => n + l.length + 1, 0);
  }
  return `${lines.join('\n')}\n`;
}

export async function generateBenchHome(root: string, now = Date.now()): Promise<BenchHome> {
  const home = join(root, `home-${VERSION}`);
  const marker = join(home, '.bench-complete');
  if (!existsSync(marker)) {
    process.stdout.write('generating the synthetic Codex home (~2 GB, once)…\n');
    const small = rollout('template', now - 400 * DAY_MS, 100 * 1024, false);
    const big = rollout('template-big', now - 400 * DAY_MS, BIG_BYTES, true);
    for (let i = 0; i < FILES; i += 1) {
      const dayAgo = 1 + (i % DAYS);
      const when = now - dayAgo * DAY_MS;
      const d = new Date(when);
      const dir = join(home, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
      await mkdir(dir, { recursive: true });
      const path = join(
        dir,
        `rollout-${d.toISOString().slice(0, 19).replace(/:/g, '-')}-${String(i).padStart(8, '0')}-0000-7000-8000-000000000000.jsonl`,
      );
      await writeFile(path, i % (FILES / BIG_FILES) === 0 ? big : small);
      await utimes(path, new Date(when), new Date(when));
    }
    await writeFile(marker, VERSION);
  }
  // The live sessions are rewritten every run so they are live now.
  const today = new Date(now);
  const dir = join(home, 'sessions', String(today.getFullYear()), pad(today.getMonth() + 1), pad(today.getDate()));
  await mkdir(dir, { recursive: true });
  const active: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    const path = join(dir, `rollout-live-${i}-0000-7000-8000-00000000000${i}.jsonl`);
    const start = now - 3_600_000;
    const body =
      i === 0 ? rollout(`live-${i}`, start, BIG_BYTES, true) : rollout(`live-${i}`, start, 100 * 1024, false);
    // Shift the turns so the last line was written seconds ago.
    await writeFile(path, retime(body, now - 5_000));
    active.push(path);
  }
  const totalBytes = await sizeOf(home);
  return { home, active, totalBytes, files: FILES + active.length };
}

/** Moves the timestamps of a generated rollout so its last line is at `lastAt`. */
function retime(body: string, lastAt: number): string {
  const stamps = [...body.matchAll(/"timestamp":"([^"]+)"/g)];
  const last = stamps.at(-1)?.[1];
  if (last === undefined) return body;
  const delta = lastAt - Date.parse(last);
  return body
    .replace(/"timestamp":"([^"]+)"/g, (_m, s: string) => `"timestamp":"${iso(Date.parse(s) + delta)}"`)
    .replace(/"resets_at":(\d+)/g, (_m, s: string) => `"resets_at":${Number(s) + Math.round(delta / 1000)}`);
}

/** Total size on disk, measured once with `du` and remembered next to the home. */
async function sizeOf(home: string): Promise<number> {
  const note = join(home, '.bench-size');
  if (existsSync(note)) return Number(await readFile(note, 'utf8'));
  const { execFileSync } = await import('node:child_process');
  const bytes = Number(
    execFileSync('du', ['-sb', join(home, 'sessions')])
      .toString()
      .split('\t')[0],
  );
  await writeFile(note, String(bytes));
  return bytes;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const RECENT_FILES = 3000;
const RECENT_DAYS = 50;
const RECENT_VERSION = 'v1';
/** Older than this, the recent home's sessions are regenerated: its point is that they are recent. */
const RECENT_MAX_AGE_MS = 3 * DAY_MS;
const FIVE_H_MS = 5 * 3_600_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * A home of recent sessions only (issue 24 §1): 3,000 rollouts over the last
 * 50 days, each limit reading naming the 5-hour and weekly windows it falls
 * in, as Codex's do (the reset stays put within a window). In the big home
 * every line is 400 days old, past the 60 days of windows history keeps, so
 * the split by window does no work there; here all of it does.
 */
export async function generateRecentHome(root: string, now = Date.now()): Promise<{ home: string; files: number }> {
  const home = join(root, `recent-${RECENT_VERSION}`);
  const marker = join(home, '.bench-complete');
  const made = existsSync(marker) ? Number(await readFile(marker, 'utf8')) : 0;
  if (now - made > RECENT_MAX_AGE_MS) {
    process.stdout.write('generating the recent-sessions Codex home (~150 MB)…\n');
    await rm(home, { recursive: true, force: true });
    for (let i = 0; i < RECENT_FILES; i += 1) {
      const start = now - (1 + (i % RECENT_DAYS)) * DAY_MS + (i % 24) * 3_600_000;
      const d = new Date(start);
      const dir = join(home, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
      await mkdir(dir, { recursive: true });
      const lines = [meta(`recent-${i}`, start, '/home/bench/project')];
      for (let k = 1; k <= 15; k += 1) {
        const t = start + k * 60_000;
        const fiveH = Math.ceil(t / FIVE_H_MS) * FIVE_H_MS;
        const week = Math.ceil(t / WEEK_MS) * WEEK_MS;
        lines.push(...turn(t, k * 8000, k, fiveH / 1000, 2 * 1024, week / 1000));
      }
      const path = join(
        dir,
        `rollout-${iso(start).slice(0, 19).replace(/:/g, '-')}-recent-${String(i).padStart(6, '0')}.jsonl`,
      );
      await writeFile(path, `${lines.join('\n')}\n`);
      await utimes(path, new Date(start + 16 * 60_000), new Date(start + 16 * 60_000));
    }
    await writeFile(marker, String(now));
  }
  return { home, files: RECENT_FILES };
}
