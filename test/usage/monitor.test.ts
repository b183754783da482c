import { appendFile, mkdir, rename, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageMonitor } from '../../src/usage/monitor.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { line, mainLimits, shown, TempCodexHome } from '../support/codexHome.js';

// Real files, real file-system events (chokidar over inotify/FSEvents/ReadDirectoryChangesW).
const iso = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString();

let home: TempCodexHome;
let monitor: UsageMonitor | null = null;
let snapshots: UsageSnapshot[];
const errors: Error[] = [];

beforeEach(async () => {
  home = await TempCodexHome.create();
  snapshots = [];
  errors.length = 0;
});
afterEach(async () => {
  await monitor?.stop();
  monitor = null;
  await home.remove();
});

async function startMonitor(): Promise<UsageSnapshot> {
  monitor = new UsageMonitor({ codexHome: home.home, onError: (e) => errors.push(e) });
  monitor.subscribe((s) => snapshots.push(s));
  return monitor.start();
}

/** Waits for a snapshot that satisfies `predicate` (event-driven; the suite timeout bounds it). */
function next(predicate: (s: UsageSnapshot) => boolean): Promise<UsageSnapshot> {
  const found = snapshots.find(predicate);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve) => {
    const off = monitor?.subscribe((s) => {
      if (predicate(s)) {
        off?.();
        resolve(s);
      }
    });
  });
}

const totalOf = (s: UsageSnapshot): number | undefined => s.sessions[0]?.tokens.total;

describe('UsageMonitor (live watching)', () => {
  it('sees every append to a live rollout as a new snapshot', async () => {
    const file = home.rolloutPath('2026-11-21', 'live');
    await home.writeRollout(file, `${line.meta(iso())}\n${line.turnContext(iso(), 'gpt-5.5')}\n`, new Date());
    const first = await startMonitor();
    expect(first.sessions).toHaveLength(1);
    expect(first.sessions[0]?.tokens.total).toBe(0);

    const reset = Math.floor(Date.now() / 1000) + 3600;
    await appendFile(file, `${line.taskStarted(iso())}\n`);
    expect((await next((s) => s.sessions[0]?.status === 'working')).sessions[0]?.activity).toBe('thinking');

    let total = 0;
    for (let i = 1; i <= 5; i += 1) {
      total += 1000 * i;
      await appendFile(
        file,
        `${line.tokenCount(iso(), total, 1000 * i, mainLimits(10 + i, 40, reset, reset + 86400))}\n`,
      );
      const snap = await next((s) => totalOf(s) === shown(total));
      expect(snap.sessions[0]?.tokens.delta).toBe(shown(total) - shown(total - 1000 * i));
      expect(snap.limits.primary?.usedPercent).toBe(10 + i);
    }
    await appendFile(file, `${line.taskComplete(iso())}\n`);
    const done = await next((s) => s.sessions[0]?.status === 'idle' && totalOf(s) === shown(15_000));
    // The turn's five requests, each in Codex's figure.
    const last = [1, 2, 3, 4, 5].reduce((sum, i) => sum + shown(1000 * i), 0);
    expect(done.sessions[0]?.tokens).toMatchObject({
      total: shown(15_000),
      last,
      delta: shown(15_000) - shown(10_000),
    });
    expect(errors).toEqual([]);
  });

  it('picks up a new session file in a new day folder', async () => {
    await mkdir(home.sessions, { recursive: true });
    await startMonitor();
    const file = home.rolloutPath('2026-11-22', 'fresh');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(
      file,
      `${line.meta(iso(), { id: 'fresh', cwd: '/tmp/fresh-project' })}\n${line.tokenCount(iso(), 321, 321)}\n`,
    );
    const snap = await next((s) => s.sessions.some((x) => x.id === 'fresh' && x.tokens.total === shown(321)));
    expect(snap.current).toBe('fresh');
    expect(snap.sessions[0]?.project).toBe('fresh-project');
  });

  it('handles truncation, rotation and deletion while watching', async () => {
    const file = home.rolloutPath('2026-11-21', 'rot');
    await home.writeRollout(
      file,
      `${line.meta(iso(), { id: 'rot' })}\n${line.tokenCount(iso(), 5000, 5000)}\n`,
      new Date(),
    );
    await startMonitor();
    await next((s) => totalOf(s) === shown(5000));

    await truncate(file, 0);
    await writeFile(file, `${line.meta(iso(), { id: 'rot' })}\n${line.tokenCount(iso(), 42, 42)}\n`);
    await next((s) => totalOf(s) === shown(42));

    const replacement = `${file}.tmp`;
    await writeFile(replacement, `${line.meta(iso(), { id: 'rot' })}\n${line.tokenCount(iso(), 77, 77)}\n`);
    await rename(replacement, file);
    await next((s) => totalOf(s) === shown(77));

    await unlink(file);
    const gone = await next((s) => s.sessions.length === 0);
    expect(gone.current).toBeNull();
  });

  it('a thread rename in session_index.jsonl updates the session name', async () => {
    const file = home.rolloutPath('2026-11-21', 'named');
    await home.writeRollout(file, `${line.meta(iso(), { id: 'named' })}\n`, new Date());
    await startMonitor();
    await appendFile(
      join(home.home, 'session_index.jsonl'),
      `${JSON.stringify({ id: 'named', thread_name: 'Ship it' })}\n`,
    );
    await next((s) => s.sessions[0]?.name === 'Ship it');
  });

  it('emits only when something changed, and coalesces a burst into a consistent result', async () => {
    const file = home.rolloutPath('2026-11-21', 'burst');
    await home.writeRollout(file, `${line.meta(iso(), { id: 'burst' })}\n`, new Date());
    await startMonitor();
    let total = 0;
    for (let i = 0; i < 100; i += 1) {
      total += 10;
      await appendFile(file, `${line.tokenCount(iso(), total, 10)}\n`);
    }
    const last = await next((s) => totalOf(s) === shown(1000));
    expect(last.sessions[0]?.tokens.delta).toBe(shown(1000) - shown(990));
    // No duplicates: consecutive snapshots always differ.
    for (let i = 1; i < snapshots.length; i += 1) {
      expect(JSON.stringify({ ...snapshots[i], generatedAt: 0, diagnostics: 0 })).not.toBe(
        JSON.stringify({ ...snapshots[i - 1], generatedAt: 0, diagnostics: 0 }),
      );
    }
  });

  it('a missing Codex home is reported, not thrown', async () => {
    await home.remove();
    const snap = await startMonitor();
    expect(snap.codexHome).toEqual({ path: home.home, found: false, sessionsDirFound: false });
    expect(snap.sessions).toEqual([]);
    expect(snap.limits.primary).toBeNull();
  });
});
