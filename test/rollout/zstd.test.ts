import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolloutReader } from '../../src/rollout/reader.js';
import { FrameWalker, MAX_WINDOW_BYTES, planFrames } from '../../src/rollout/source/frames.js';
import { decompressPieces, nodeZstd, type ZstdBackend } from '../../src/rollout/source/zstd.js';
import type { RolloutEvent } from '../../src/rollout/types.js';
import { line, mainLimits } from '../support/codexHome.js';

/** Real zstd data comes from the zstd CLI; the tests skip with one line without it. */
const HAS_ZSTD = spawnSync('zstd', ['--version']).status === 0;
if (!HAS_ZSTD) console.log('zstd decoder tests skipped: the zstd CLI is not installed');
const zstd = (input: Buffer | string, ...args: string[]): Buffer =>
  execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 30 });

async function inflate(data: Buffer, backend: ZstdBackend): Promise<Buffer> {
  const plan = planFrames(data);
  if (!plan.ok) throw new Error(plan.reason);
  const out: Buffer[] = [];
  for await (const chunk of decompressPieces(plan.pieces, backend)) out.push(Buffer.from(chunk));
  return Buffer.concat(out);
}

describe.skipIf(!HAS_ZSTD)('the zstd decoder', () => {
  const text = Buffer.from(
    Array.from({ length: 20_000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 90)}"}\n`).join(''),
  );

  it('decompresses real zstd output with fzstd, one frame or several, with a skippable frame between', async () => {
    expect((await inflate(zstd(text), 'fzstd')).equals(text)).toBe(true);
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const two = Buffer.concat([zstd(text), skippable, zstd('tail\n')]);
    expect((await inflate(two, 'fzstd')).toString()).toBe(`${text.toString()}tail\n`);
  });

  it.skipIf(nodeZstd() === null)("gives the same bytes with Node's own zstd", async () => {
    expect((await inflate(zstd(text), 'node')).equals(await inflate(zstd(text), 'fzstd'))).toBe(true);
  });

  it('refuses what would make a decoder allocate or emit without bound, before decompressing', () => {
    const reason = (b: Buffer) => {
      const plan = planFrames(b);
      return plan.ok ? null : plan.reason;
    };
    // Window descriptor 0xa8: 2^31 bytes.
    expect(reason(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 1, 0, 0]))).toMatch(/window/);
    // Single segment, 8-byte content size of 2^40: the content is the window.
    expect(reason(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]))).toMatch(/window/);
    // An RLE block claiming 1 MB (zstd's limit is 128 KB).
    const rle = 1024 * 1024 * 8 + (1 << 1) + 1;
    expect(
      reason(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, rle & 255, (rle >> 8) & 255, (rle >> 16) & 255, 0])),
    ).toBe('a block over 128 KB');
    expect(reason(zstd(text).subarray(0, 100))).toBe('a truncated frame');
    expect(reason(Buffer.from('{"not":"zstd"}\n'))).toBe('not zstd data');
    expect(reason(Buffer.alloc(0))).toBe('an empty file');
    // zstd's highest regular level (19) asks for 8 MB; Codex's level 3 for 2 MB. --ultra and --long ask for 128 MB:
    // a 22 KB file of those cost 185–315 MB to decode (issue 21 §1), so they are refused.
    expect(MAX_WINDOW_BYTES).toBe(8 * 1024 * 1024);
    expect(planFrames(zstd(text, '-19')).ok).toBe(true);
    expect(planFrames(zstd(text, '-3')).ok).toBe(true);
    expect(reason(zstd(text, '--long=27'))).toBe('a frame asking for a 128 MB window');
    expect(reason(zstd(text, '--ultra', '-22'))).toBe('a frame asking for a 128 MB window');
  });

  it('walks the same frames however the bytes are cut, and refuses a truncated end', async () => {
    const data = Buffer.concat([
      zstd(text),
      Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]),
      zstd('tail\n'),
    ]);
    for (const step of [1, 7, 4096]) {
      const walker = new FrameWalker();
      const pieces: Buffer[] = [];
      for (let at = 0; at < data.length; at += step) pieces.push(...walker.push(data.subarray(at, at + step)));
      walker.end();
      const out: Buffer[] = [];
      for await (const chunk of decompressPieces(pieces, 'fzstd')) out.push(Buffer.from(chunk));
      expect(Buffer.concat(out).toString()).toBe(`${text.toString()}tail\n`);
    }
    const cut = new FrameWalker();
    cut.push(data.subarray(0, data.length - 3));
    expect(() => cut.end()).toThrow('a truncated frame');
  });

  it('feeds the decoder in pieces that each expand to about 1 MB at most', async () => {
    const zeros = zstd(Buffer.alloc(40 * 1024 * 1024), '-19');
    const plan = planFrames(zeros);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    // Every piece but the last covers at least 1 MB of output and at most 1 MB + one block.
    expect(plan.pieces.length).toBeGreaterThanOrEqual(35);
    expect(plan.pieces.length).toBeLessThanOrEqual(41);
    let largest = 0;
    for await (const chunk of decompressPieces(plan.pieces, 'fzstd')) largest = Math.max(largest, chunk.length);
    expect(largest).toBeLessThanOrEqual(1024 * 1024 + 128 * 1024);
  });
});

describe.skipIf(!HAS_ZSTD)('RolloutReader.compressed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cdp-zstd-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads lines exactly as the plain reader does: CRLF, junk, a missing last newline, an oversized line', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const content = [
      line.meta(at, { id: 'same' }),
      `${line.turnContext(at, 'gpt-5.5')}\r`,
      'not json {"trunc',
      line.tokenCount(at, 100, 100, mainLimits(10, 20, reset, reset + 86400)),
      // 17 MB: over the 16 MB line cap, and parsed (a token_count), so counted as oversized.
      `{"timestamp":"${at}","type":"event_msg","payload":{"type":"token_count","pad":"${'x'.repeat(17 * 1024 * 1024)}"}}`,
      '',
      line.taskComplete(at),
    ].join('\n');
    const plainPath = join(dir, 'rollout-a.jsonl');
    await writeFile(`${plainPath}.zst`, zstd(`${content}\n`));
    await writeFile(plainPath, `${content}\n`);
    const plain = new RolloutReader(plainPath);
    const fromPlain: RolloutEvent[] = [];
    for await (const e of plain.tail()) fromPlain.push(e);

    // Without its last newline too: a compressed file is finished, so its last line is whole.
    await writeFile(`${plainPath}.zst`, zstd(content));
    const compressed = new RolloutReader(`${plainPath}.zst`);
    const read = compressed.compressed();
    const events: RolloutEvent[] = [];
    for await (const e of read) events.push(e);
    expect(read.outcome?.kind).toBe('read');
    expect(events).toEqual(fromPlain);
    expect({ ...compressed.stats, bytesRead: 0 }).toEqual({ ...plain.stats, bytesRead: 0 });
    expect(compressed.stats.malformedLines).toBe(1);
    expect(compressed.stats.oversizedLines).toBe(1);
  });
});
