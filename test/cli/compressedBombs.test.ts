import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTANCE_FILE } from '../../src/instance/instanceFile.js';
import type { SnapshotJson } from '../../src/cli/jsonDates.js';
import { runCli, type startCli } from '../support/cli.js';
import { useCliHome } from '../support/cliHome.js';
import { line, mainLimits } from '../support/codexHome.js';
import { peakRss } from '../support/peakRss.js';

/**
 * Issue 21 §1: compressed bombs, made with the real zstd CLI and read by the
 * real CLI. Memory is the child's own peak (VmHWM); time is bounded only by
 * timeouts that fail the test.
 */
const HAS_ZSTD = spawnSync('zstd', ['--version']).status === 0;
const LINUX = process.platform === 'linux';
if (!HAS_ZSTD) console.log('compressed bomb tests skipped: the zstd CLI is not installed');

const fx = useCliHome('cdp-bomb-');

const HOUR = 3600_000;
const DAY = '2026-12-07';

/** `shell` piped into zstd, written as a compressed rollout with mtime `at`. */
async function bomb(name: string, shell: string, zstdArgs: string, at: Date): Promise<string> {
  const path = `${fx.home().rolloutPath(DAY, name)}.zst`;
  await mkdir(dirname(path), { recursive: true });
  execFileSync('sh', ['-c', `${shell} | zstd -q ${zstdArgs} -f -o '${path}'`]);
  await utimes(path, at, at);
  return path;
}

const newlines = (name: string, at: Date): Promise<string> =>
  bomb(name, "head -c 250000000 /dev/zero | tr '\\0' '\\n'", '-19', at);

/** 300 MB of one token_count line (with limits), as Codex compresses (level 3). */
function tokenBomb(name: string, at: Date): Promise<string> {
  const reset = Math.floor(Date.now() / 1000) + 3600;
  const tc = line.tokenCount(new Date(Date.now() - HOUR).toISOString(), 1000, 1000, mainLimits(10, 5, reset, reset));
  return bomb(name, `yes '${tc}' | head -c 300000000`, '-3', at);
}

async function status(extraEnv: NodeJS.ProcessEnv = {}): Promise<SnapshotJson> {
  const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', fx.home().home], extraEnv);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as SnapshotJson;
}

/** Resolves when `cli` exits, or fails the test `ms` after the call. */
function exitWithin(cli: ReturnType<typeof startCli>, ms: number): Promise<{ code: number | null }> {
  return Promise.race([
    cli.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit ${ms} ms after SIGTERM`)), ms)),
  ]);
}

/** Resolves once `path` holds `text` (the state a test waits for, never a fixed delay). */
async function fileHolds(path: string, text: string): Promise<void> {
  for (;;) {
    if (existsSync(path) && (await readFile(path, 'utf8')).includes(text)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!HAS_ZSTD)('compressed bombs', () => {
  it('a frame asking for a 128 MB window is refused before decoding; memory stays flat', async () => {
    // 20 MB of one letter under --long=27: a few KB on disk, a 128 MB window declared.
    await bomb('window', 'yes x | head -c 20000000', '--long=27', new Date(Date.now() - HOUR));
    const rss = peakRss(join(fx.work(), 'rss'));
    const snap = await status(rss.env);
    expect(snap.diagnostics.skippedEntries.entries.map((e) => e.reason)).toEqual([
      'a corrupt compressed rollout (a frame asking for a 128 MB window)',
    ]);
    // It cost 185–315 MB when the decoder allocated the window; the CLI alone is about 60 MB.
    if (LINUX) expect(rss.mb()).toBeLessThan(150);
  }, 60_000);

  it('300 MB of token_count lines: read as a stream, given up past the cap, never held whole', async () => {
    await tokenBomb('tokens', new Date());
    const rss = peakRss(join(fx.work(), 'rss'));
    const snap = await status(rss.env);
    expect(snap.diagnostics.skippedEntries.entries.map((e) => e.reason)).toEqual([
      'a compressed rollout that expands past 256 MB (not read)',
    ]);
    // A file that was not read whole gives nothing: not even the limits of its first 256 MB.
    expect(snap.limits.primary).toBeNull();
    // Every decoded event used to be kept until the cap: 426 MB.
    if (LINUX) expect(rss.mb()).toBeLessThan(200);
  }, 120_000);

  it('run stops within a bound of SIGTERM while its start-up reads bombs', async () => {
    for (let i = 0; i < 3; i += 1) await newlines(`nl${i}`, new Date());
    const state = join(fx.work(), 'state');
    const cli = fx.start(['run', '--codex-home', fx.home().home], {
      CODEX_PRESENCE_STATE_DIR: state,
      CODEX_PRESENCE_DATA_DIR: join(fx.work(), 'data'),
      XDG_RUNTIME_DIR: fx.work(),
    });
    // The lock and its Discord state are written just before the engine's first read.
    await fileHolds(join(state, INSTANCE_FILE), '"discord"');
    cli.child.kill('SIGTERM');
    expect((await exitWithin(cli, 3000)).code).toBe(0);
    expect(cli.output().stdout).toMatch(/stopped \(SIGTERM\)/);
  }, 60_000);

  it('run stops within a bound of SIGTERM while history reads bombs', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const at = (ago: number): string => new Date(Date.now() - ago).toISOString();
    // A live session with limits: the limit search stops there, so only history reads the (older) bombs.
    await fx
      .home()
      .writeRollout(
        fx.home().rolloutPath(DAY, 'live'),
        [line.meta(at(60_000)), line.tokenCount(at(30_000), 5000, 5000, mainLimits(30, 20, reset, reset)), ''].join(
          '\n',
        ),
      );
    // Oldest first in the backfill: each of these takes seconds to read through.
    for (let i = 0; i < 3; i += 1) await tokenBomb(`tc${i}`, new Date(Date.now() - 3 * 24 * HOUR));
    for (let i = 0; i < 2; i += 1) await newlines(`nl${i}`, new Date(Date.now() - 2 * 24 * HOUR));
    const data = join(fx.work(), 'data');
    const cli = fx.start(['run', '--codex-home', fx.home().home], {
      CODEX_PRESENCE_STATE_DIR: join(fx.work(), 'state'),
      CODEX_PRESENCE_DATA_DIR: data,
      XDG_RUNTIME_DIR: fx.work(),
    });
    await cli.printed('session');
    await fileHolds(join(data, 'history.jsonl'), '"phase":"running"');
    cli.child.kill('SIGTERM');
    expect((await exitWithin(cli, 2000)).code).toBe(0);
    expect(cli.output().stdout).toMatch(/stopped \(SIGTERM\)/);
  }, 60_000);
});
