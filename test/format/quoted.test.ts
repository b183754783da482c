import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUOTED_CHARS, quoted, quotedJson } from '../../src/format/quoted.js';
import { PROPERTY_SEED } from '../support/property.js';

// Issue 21 §6: errors echoed a 100 KB argument, or a path with raw newlines, to the terminal.
describe('quoted', () => {
  it('leaves ordinary text, Windows paths and non-Latin names as they are', () => {
    for (const text of [
      'status',
      '/home/dev/.codex/discord-presence-config.json',
      'C:\\Users\\dev\\.codex',
      'café 日本 👍🏽',
    ]) {
      expect(quoted(text)).toBe(text);
    }
  });

  it('escapes line breaks, terminal escapes, C1 controls, bidi overrides and lone surrogates', () => {
    expect(quoted('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(quoted('\u001b[2J\u001b]0;title\u0007')).toBe('\\x1b[2J\\x1b]0;title\\x07');
    expect(quoted('x\u009by\u007f')).toBe('x\\x9by\\x7f');
    expect(quoted('evil\u202etxt.exe\u2028')).toBe('evil\\u202etxt.exe\\u2028');
    expect(quoted('a\ud800b\udc00')).toBe('a\\ud800b\\udc00');
  });

  it('cuts a 100 KB argument to its start and end, saying how long it was', () => {
    const long = `${'a'.repeat(50_000)}MIDDLE${'z'.repeat(50_000)}.json`;
    const out = quoted(long);
    expect(out.length).toBeLessThan(QUOTED_CHARS + 40);
    expect(out).toMatch(/^a+…z+\.json \(100011 characters\)$/);
    expect(out).not.toContain('MIDDLE');
  });

  it('never splits a surrogate pair at either end of a cut', () => {
    const emoji = '😀'.repeat(200);
    const out = quoted(emoji);
    expect(out.isWellFormed()).toBe(true);
    expect(out).not.toContain('\\ud');
  });

  it('holds for any text: bounded, well-formed, and free of anything a terminal acts on', () => {
    // Any UTF-16 unit (lone surrogates included) and any code point, mixed.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 2000 }), (text) => {
        const out = quoted(text);
        // Each kept character becomes at most a six-character escape.
        expect(out.length).toBeLessThanOrEqual(QUOTED_CHARS * 6 + 40);
        expect(out.isWellFormed()).toBe(true);
        // eslint-disable-next-line no-control-regex -- the point of the test
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      }),
      { seed: PROPERTY_SEED, numRuns: 500 },
    );
  });

  it('quotedJson shows a value as JSON, cut and escaped the same way', () => {
    expect(quotedJson('Minimal')).toBe('"Minimal"');
    expect(quotedJson([1, 2])).toBe('[1,2]');
    expect(quotedJson('x'.repeat(10_000))).toMatch(/^"x+…x+" \(10002 characters\)$/);
  });
});
