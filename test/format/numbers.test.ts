import { describe, expect, it } from 'vitest';
import {
  clockTime,
  compactNumber,
  durationShort,
  tokenTriplet,
  unicodeBar,
  wholePercent,
} from '../../src/format/numbers.js';

describe('compactNumber', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1k'],
    [1234, '1.2k'],
    [9_960, '10k'],
    [12_345, '12k'],
    [120_000, '120k'],
    [999_499, '999k'],
    [999_950, '1M'],
    [1_234_567, '1.2M'],
    [12_300_000, '12M'],
    [-5, '0'],
  ])('%i → %s', (n, text) => expect(compactNumber(n)).toBe(text));
});

describe('wholePercent matches Rust {:.0} (half to even)', () => {
  it.each([
    [87.5, 88],
    [12.5, 12],
    [5.5, 6],
    [68.5, 68],
    [72.4, 72],
    [72.6, 73],
  ])('%f → %i', (v, n) => expect(wholePercent(v)).toBe(n));
});

describe('durations and clock times', () => {
  it('durationShort', () => {
    expect(durationShort(30_000)).toBe('<1m');
    expect(durationShort(45 * 60_000)).toBe('45m');
    expect(durationShort((2 * 60 + 13) * 60_000)).toBe('2h 13m');
    expect(durationShort(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
  it('clockTime is HH:MM today, with the date otherwise', () => {
    const now = new Date(2026, 11, 3, 9, 0);
    expect(clockTime(new Date(2026, 11, 3, 14, 5), now)).toBe('14:05');
    expect(clockTime(new Date(2026, 11, 4, 9, 25), now)).toBe('4 Dec 09:25');
  });
  it('token triplet and bars', () => {
    expect(tokenTriplet({ delta: 1234, last: 3400, total: 120_000 })).toBe('Δ 1.2k | last 3.4k | total 120k');
    expect(unicodeBar(55)).toBe('███████████░░░░░░░░░');
    expect(unicodeBar(0)).toBe('░'.repeat(20));
  });
});
