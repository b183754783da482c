import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cut, LineCheck, MAX_ID_CHARS, MAX_PATH_CHARS, MAX_TEXT_CHARS } from '../../src/ranges/ranges.js';

const check = (): LineCheck => new LineCheck(Date.UTC(2026, 11, 7));

describe('string ranges (issue 21 §1)', () => {
  it('keeps a normal name as it is, and does not flag it', () => {
    const c = check();
    expect(c.text('gpt-5.5-codex')).toBe('gpt-5.5-codex');
    expect(c.id('codex_bengalfox')).toBe('codex_bengalfox');
    expect(c.path('/home/ada/skyline-web')).toBe('/home/ada/skyline-web');
    expect(c.version('0.171.0')).toBe('0.171.0');
    expect(c.version('0.172.0-alpha.3')).toBe('0.172.0-alpha.3');
    expect(c.suspicious).toBe(false);
  });

  it('cuts a 149,400-character model to a display length and flags the line', () => {
    const c = check();
    const model = c.text('m'.repeat(149_400));
    expect(model).toHaveLength(MAX_TEXT_CHARS);
    expect(c.suspicious).toBe(true);
    const id = check().id('x'.repeat(5000));
    expect(id).toHaveLength(MAX_ID_CHARS);
  });

  it('never cuts inside a surrogate pair, and mends lone surrogates and control characters', () => {
    const emoji = '😀'.repeat(MAX_TEXT_CHARS);
    const cutText = check().text(emoji) ?? '';
    expect(cutText.isWellFormed()).toBe(true);
    expect(cutText.length).toBe(MAX_TEXT_CHARS);
    const c = check();
    expect(c.text('gpt\ud800-5')).toBe('gpt\ufffd-5');
    expect(c.suspicious).toBe(true);
    expect(check().text('a\nb\u0007c')).toBe('a b c');
  });

  it('makes an impossible path or a junk version unknown', () => {
    const c = check();
    expect(c.path('/'.repeat(MAX_PATH_CHARS + 1))).toBeNull();
    expect(c.suspicious).toBe(true);
    expect(check().path('/a\u0000b')).toBeNull();
    for (const junk of ['💥', 'x'.repeat(100), '0.1.0\n', '<script>', 42]) {
      const v = check();
      expect(v.version(junk)).toBeNull();
      expect(v.suspicious).toBe(true);
    }
  });

  it('any string comes out well-formed, without control characters, within its bound', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), fc.integer({ min: 2, max: 600 }), (raw, max) => {
        const out = check().text(raw, max);
        if (raw === '') return out === null;
        return (
          out !== null &&
          out.length <= max &&
          out.isWellFormed() &&
          ![...out].some(
            (ch) =>
              (ch.codePointAt(0) ?? 0) < 0x20 || ((ch.codePointAt(0) ?? 0) >= 0x7f && (ch.codePointAt(0) ?? 0) <= 0x9f),
          ) &&
          raw.startsWith(cut(raw, max))
        );
      }),
    );
  });
});
