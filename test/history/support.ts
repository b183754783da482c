import { afterEach, beforeEach } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { HistoryRecorder } from '../../src/history/recorder.js';
import { HistoryStore } from '../../src/history/store.js';
import type { Bounds } from '../../src/history/bounds.js';
import type { FileRecord, HeaderRecord, LimitRecord } from '../../src/history/records.js';
import { historyPath } from '../../src/history/location.js';
import { TempCodexHome } from '../support/codexHome.js';

/** The local day of an ISO time, computed without the code under test. */
export function dayOf(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleDateString('sv-SE', timeZone === undefined ? {} : { timeZone });
}

const blended = (u: Record<string, number>): number =>
  Math.max(0, (u.input_tokens ?? 0) - (u.cached_input_tokens ?? 0)) + (u.output_tokens ?? 0);

/**
 * Daily totals by project for a set of rollouts, computed independently: every
 * line JSON-parsed, the growth of Codex's blended total per token_count line,
 * a fork's first line counted as its own request.
 */
export async function expectedDaily(
  paths: string[],
  timeZone?: string,
): Promise<Map<string, Map<string, { tokens: number; cached: number }>>> {
  const out = new Map<string, Map<string, { tokens: number; cached: number }>>();
  for (const path of paths) {
    let project = '';
    let fork = false;
    let metaSeen = false;
    let prev: Record<string, number> | null = null;
    for (const text of (await readFile(path, 'utf8')).split('\n')) {
      if (text.trim() === '') continue;
      const v = JSON.parse(text) as { timestamp: string; type: string; payload: Record<string, unknown> };
      if (v.type === 'session_meta' && !metaSeen) {
        metaSeen = true;
        project = basename(String(v.payload.cwd));
        fork = typeof v.payload.forked_from_id === 'string';
      }
      if (v.type !== 'event_msg' || v.payload.type !== 'token_count') continue;
      const info = v.payload.info as {
        total_token_usage?: Record<string, number>;
        last_token_usage?: Record<string, number>;
      } | null;
      const total = info?.total_token_usage;
      if (total === undefined) continue;
      const last = info?.last_token_usage ?? {};
      let tokens: number;
      let cached: number;
      if (prev === null) {
        const own = fork ? last : total;
        tokens = blended(own);
        cached = own.cached_input_tokens ?? 0;
      } else if ((total.total_tokens ?? 0) < (prev.total_tokens ?? 0)) {
        tokens = blended(last);
        cached = last.cached_input_tokens ?? 0;
      } else {
        tokens = blended(total) - blended(prev);
        cached = (total.cached_input_tokens ?? 0) - (prev.cached_input_tokens ?? 0);
      }
      prev = total;
      if (tokens === 0 && cached === 0) continue;
      const day = dayOf(v.timestamp, timeZone);
      const days = out.get(day) ?? new Map<string, { tokens: number; cached: number }>();
      const cell = days.get(project) ?? { tokens: 0, cached: 0 };
      cell.tokens += tokens;
      cell.cached += cached;
      days.set(project, cell);
      out.set(day, days);
    }
  }
  return out;
}

/**
 * A fresh Codex home and data folder for each test of a file, removed after
 * it: `t.home`, `t.data` (registers its own beforeEach and afterEach).
 */
export function homeAndDataPerTest(): { home: TempCodexHome; data: TempDataDir } {
  const t = {} as { home: TempCodexHome; data: TempDataDir };
  beforeEach(async () => {
    t.home = await TempCodexHome.create();
    t.data = await TempDataDir.create();
  });
  afterEach(async () => {
    await t.home.remove();
    await t.data.remove();
  });
  return t;
}

export class TempDataDir {
  private constructor(readonly dir: string) {}
  static async create(): Promise<TempDataDir> {
    return new TempDataDir(await mkdtemp(join(tmpdir(), 'cdp-data-')));
  }
  get file(): string {
    return historyPath(this.dir);
  }
  async files(): Promise<string[]> {
    return (await readdir(this.dir)).sort();
  }
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A store and recorder on real disk; `backfilled()` resolves when the catch-up is over. */
export async function recorderFor(
  data: TempDataDir,
  codexHome: string,
  opts: { now?: () => number; ignore?: string[]; bounds?: Bounds } = {},
): Promise<{ store: HistoryStore; recorder: HistoryRecorder; backfilled: () => Promise<void> }> {
  const now = opts.now ?? Date.now;
  const store = await HistoryStore.open(data.file, { now, ...(opts.bounds ? { bounds: opts.bounds } : {}) });
  const recorder = new HistoryRecorder({ store, codexHome, now, ignore: () => opts.ignore ?? [] });
  recorder.start();
  const backfilled = async (): Promise<void> => {
    for (let i = 0; i < 500 && recorder.backfill.phase !== 'done'; i += 1) await new Promise((r) => setTimeout(r, 10));
    await recorder.idle();
    await store.flush();
  };
  return { store, recorder, backfilled };
}

/** A rollout's cursor line: read to offset 100 a minute before `at`, with `add` its tokens per day. */
export const fileRecord = (
  path: string,
  at: number,
  add: FileRecord['add'],
  over: Partial<FileRecord> = {},
): FileRecord => ({
  k: 'file',
  path,
  ino: 7,
  offset: 100,
  lastAt: at - 60_000,
  session: 's',
  project: 'alpha',
  model: 'gpt-5.5',
  fork: false,
  ignored: false,
  meta: true,
  prev: null,
  after: null,
  add,
  ...over,
});

/** A history file's first line, as this version writes it: window usage counted from the first line. */
export const headerRecord = (createdAt: number): HeaderRecord => ({
  ...legacyHeaderRecord(createdAt),
  windowsSince: null,
});

/** The first line of a file written before window usage: no `windowsSince`. */
export const legacyHeaderRecord = (createdAt: number): HeaderRecord => ({
  k: 'header',
  format: 'codex-discord-presence/history',
  version: 1,
  createdAt,
  clearedAt: null,
});

/** A reading of the main 5h window, resetting an hour after it. */
export const limitRecord = (at: number, used: number): LimitRecord => ({
  k: 'limit',
  at,
  id: 'codex',
  name: null,
  kind: 'primary',
  minutes: 300,
  used,
  reset: at + 3_600_000,
  src: 'log',
});
