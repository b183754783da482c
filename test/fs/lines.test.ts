import { open, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFromHandle } from '../../src/fs/copyHandle.js';
import { readLines } from '../../src/fs/lines.js';
import { PROPERTY_SEED } from '../support/property.js';

const dir = mkdtempSync(join(tmpdir(), 'cdp-lines-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The lines of `bytes` as splitting the whole buffer gives them, long ones as null. */
function expected(bytes: Buffer, max: number): { lines: Array<string | null>; rest: string; restOversized: boolean } {
  const parts: Buffer[] = [];
  let from = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, from)) {
    parts.push(bytes.subarray(from, nl));
    from = nl + 1;
  }
  const rest = bytes.subarray(from);
  return {
    lines: parts.map((p) => (p.length > max ? null : p.toString('latin1'))),
    rest: rest.length > max ? '' : rest.toString('latin1'),
    restOversized: rest.length > max,
  };
}

describe('readLines', () => {
  it('gives the lines a whole-buffer split gives, whatever the chunk size and line bound', async () => {
    const file = join(dir, 'lines');
    const byte = fc.oneof(fc.constant(0x0a), fc.integer({ min: 0, max: 255 }));
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        fc.array(byte, { maxLength: 40 }).map((b) => Buffer.from(b)),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 40 }),
        async (noise, lines, chunkBytes, maxLineBytes) => {
          const bytes = Buffer.concat([noise, lines]);
          await writeFile(file, bytes);
          const handle = await open(file, 'r');
          try {
            const seen: Array<string | null> = [];
            const read = await readLines(handle, { end: bytes.length, chunkBytes, maxLineBytes }, (l) =>
              seen.push(l === null ? null : l.toString('latin1')),
            );
            const want = expected(bytes, maxLineBytes);
            expect(seen).toEqual(want.lines);
            expect([read.rest.toString('latin1'), read.restOversized, read.bytes]).toEqual([
              want.rest,
              want.restOversized,
              bytes.length,
            ]);
          } finally {
            await handle.close();
          }
        },
      ),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
  });

  it('starts where it is told and stops at its end, however long the file', async () => {
    const file = join(dir, 'range');
    await writeFile(file, 'aa\nbb\ncc\ndd\n');
    const handle = await open(file, 'r');
    try {
      const seen: string[] = [];
      const read = await readLines(handle, { start: 4, end: 10, maxLineBytes: 10 }, (l) => seen.push(String(l)));
      expect([seen, read.rest.toString()]).toEqual([['b', 'cc'], 'd']);
    } finally {
      await handle.close();
    }
  });
});

describe('copyFromHandle', () => {
  it('copies the bytes of the open file, never over an existing file', async () => {
    const source = join(dir, 'source');
    await writeFile(source, Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a));
    const handle = await open(source, 'r');
    try {
      await copyFromHandle(handle, 1024 * 1024 + 3, join(dir, 'copy'));
      const copy = await open(join(dir, 'copy'), 'r');
      expect((await copy.stat()).size).toBe(1024 * 1024 + 3);
      await copy.close();
      await expect(copyFromHandle(handle, 10, join(dir, 'copy'))).rejects.toThrow(/EEXIST/);
      const again = await open(join(dir, 'copy'), 'r');
      expect((await again.stat()).size).toBe(1024 * 1024 + 3);
      await again.close();
    } finally {
      await handle.close();
    }
  });
});
