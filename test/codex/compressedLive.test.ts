import { execFileSync, spawnSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageMonitor } from '../../src/usage/monitor.js';
import type { UsageSnapshot } from '../../src/contract/index.js';
import { line } from '../support/codexHome.js';
import { snapshotWhere } from '../support/monitor.js';

/**
 * Issue 12 §4: Codex replaces a finished rollout by its `.jsonl.zst`
 * (compress, then delete the plain file). Against the real watcher, the
 * session must stay shown (read from the compressed copy), not end early.
 * LIVENESS_MS only turns "never" into a failure with a message.
 */
const HAS_ZSTD = spawnSync('zstd', ['--version']).status === 0;
if (!HAS_ZSTD) console.log('live compression test skipped: the zstd CLI is not installed');

const LIVENESS_MS = 10_000;
const iso = (agoMs = 0): string => new Date(Date.now() - agoMs).toISOString();

let root: string;
let monitor: UsageMonitor | null = null;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cdp-zst-'));
});
afterEach(async () => {
  await monitor?.stop();
  monitor = null;
  await rm(root, { recursive: true, force: true });
});

const until = (m: UsageMonitor, what: string, predicate: (s: UsageSnapshot) => boolean): Promise<UsageSnapshot> =>
  snapshotWhere(m, what, predicate, LIVENESS_MS);

describe.skipIf(!HAS_ZSTD)('a live rollout replaced by its .jsonl.zst', () => {
  it('stays the same session, read from the compressed copy, instead of ending with the plain file', async () => {
    const home = join(root, 'codex');
    const path = join(home, 'sessions', '2026', '11', '22', 'rollout-2026-11-22T10-00-00-zipped.jsonl');
    await mkdir(dirname(path), { recursive: true });
    const head = [
      line.meta(iso(60_000), { id: 'zipped', cwd: '/nonexistent/zipped' }),
      line.turnContext(iso(50_000), 'gpt-5.5'),
      line.taskStarted(iso(40_000)),
      line.tokenCount(iso(30_000), 5000, 5000),
    ];
    await writeFile(path, `${head.join('\n')}\n`);
    monitor = new UsageMonitor({ codexHome: home });
    const first = await monitor.start();
    expect(first.sessions.map((s) => [s.id, s.status])).toEqual([['zipped', 'working']]);
    const tokens = first.sessions[0]?.tokens;

    // Codex compresses the file. Its last request reaches the plain file too
    // (and is read: every event for the .zst has been handled by then); the
    // final line reaches only the compressed copy, as when compression lands
    // before our read. Then the plain file is deleted.
    const more = line.tokenCount(iso(2000), 7000, 2000);
    const full = `${[...head, more, line.taskComplete(iso(1000))].join('\n')}\n`;
    execFileSync('zstd', ['-q', '-f', '-o', `${path}.zst`], { input: full });
    await appendFile(path, `${more}\n`);
    await until(monitor, 'the last request', (s) => s.sessions[0]?.tokens.total !== tokens?.total);
    const grown = monitor.current().sessions[0]?.tokens;
    await unlink(path);

    const after = await until(monitor, 'the session read from its .zst', (s) =>
      s.sessions.some((x) => x.file === `${path}.zst`),
    );
    expect(after.sessions.map((s) => [s.id, s.status])).toEqual([['zipped', 'idle']]);
    expect(after.sessions[0]?.tokens).toEqual(grown);
    expect(after.current).toBe('zipped');
    expect(after.diagnostics.skippedEntries.count).toBe(0);
  });
});
