import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineSink } from '../../src/rollout/lines.js';
import { PROPERTY_SEED } from '../support/property.js';

/** A sink that records what it was told; it collects lines whose head starts with `{` (a tiny head of 8 bytes). */
function recorder(): { sink: LineSink; calls: string[] } {
  const calls: string[] = [];
  const sink: LineSink = {
    head: (head, first) => {
      calls.push(`head ${first ? 'first ' : ''}${head.toString('latin1')}`);
      return head[0] === 0x7b;
    },
    line: (line) => calls.push(`line ${line.toString('latin1')}`),
    skipped: (last) => calls.push(`skipped ${last}`),
    oversized: () => calls.push('oversized'),
  };
  return { sink, calls };
}

const OPTS = { headBytes: 8, maxLineBytes: 24 };

function split(data: Buffer, cuts: number[]): { calls: string[]; lineStart: number } {
  const { sink, calls } = recorder();
  const lines = new LineSplitter(sink, 0, OPTS);
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < data.length)].sort((a, b) => a - b)) {
    lines.push(data.subarray(at, cut));
    at = cut;
  }
  lines.push(data.subarray(at));
  return { calls, lineStart: lines.lineStart };
}

describe('the line splitter', () => {
  it('tells the sink the same, however the bytes are cut (property)', () => {
    const bytes = fc.array(fc.constantFrom(...'{}ab\r\n\n x'.split('').map((c) => c.charCodeAt(0))), {
      maxLength: 120,
    });
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(120), { maxLength: 12 }), (raw, cuts) => {
        const data = Buffer.from(raw);
        expect(split(data, cuts)).toEqual(split(data, []));
      }),
      { seed: PROPERTY_SEED, numRuns: 2000 },
    );
  });

  it('strips a CR, keeps a partial last line for later, and drops a collected line past the cap', () => {
    const { calls, lineStart } = split(Buffer.from(`{"a":1}\r\nnot\n{${'x'.repeat(30)}}\n{"b"`), [3, 20]);
    expect(calls).toEqual([
      // A head is the first 8 bytes as they are; the whole line loses its CR.
      'head first {"a":1}\r',
      'line {"a":1}',
      'head not',
      'skipped 116',
      'head {xxxxxxx',
      'oversized',
      'skipped 125',
    ]);
    expect(lineStart).toBe(`{"a":1}\r\nnot\n{${'x'.repeat(30)}}\n`.length);
  });

  it('steps over a run of 50 MB of empty lines at once, and a skipped line can be jumped', () => {
    const { sink, calls } = recorder();
    const lines = new LineSplitter(sink, 0, OPTS);
    lines.push(Buffer.alloc(50 * 1024 * 1024, 10));
    expect(calls).toEqual([]);
    expect(lines.lineStart).toBe(50 * 1024 * 1024);
    lines.push(Buffer.from('abcdefghij'));
    expect(lines.skipping).toBe(true);
    lines.skip(1000, 0x7d);
    lines.push(Buffer.from('\n'));
    expect(calls).toEqual(['head abcdefgh', 'skipped 125']);
    expect(lines.lineStart).toBe(50 * 1024 * 1024 + 10 + 1000 + 1);
  });
});
