import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mayHold } from '../../src/rollout/decode/index.js';
import { FOLD_KINDS } from '../../src/history/fold.js';
import { PROPERTY_SEED } from '../support/property.js';

// The byte search that lets usage history step over most lines unread finds
// a kind's name exactly when a search for each name would (issue 23 §2: the
// search is anchored on underscores now, for speed).

const NAMES = ['"token_count"', '"turn_context"', '"token_usage_record"', '"session_meta"'];
const SNIFF_BYTES = 512;

/** The plain rule: one of the names lies whole in the first 512 bytes. */
const naive = (head: Buffer): boolean =>
  NAMES.some((n) => head.subarray(0, SNIFF_BYTES).indexOf(Buffer.from(n)) !== -1);

/** Heads built from the pieces that matter: names, near-names, underscores, quotes and filler, around 512 bytes. */
const piece = fc.oneof(
  fc.constantFrom(...NAMES, '"token_', 'count"', '"turn_id"', '"function_call"', '_', '"', '__', 'n_'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: 1, max: 300 }).map((n) => 'x'.repeat(n)),
);
const head = fc.array(piece, { maxLength: 40 }).map((parts) => Buffer.from(parts.join('')).subarray(0, 2048));

describe('history lines are found by a byte search of their head', () => {
  it('finds a name exactly when a search for each name does, the 512-byte edge included', () => {
    fc.assert(
      fc.property(head, (h) => {
        expect(mayHold(h, FOLD_KINDS)).toBe(naive(h));
      }),
      { seed: PROPERTY_SEED, numRuns: 3000 },
    );
  });

  it('a real token_count head, and one whose name ends past byte 512, as the plain rule says', () => {
    const real = Buffer.from(
      '{"timestamp":"2026-11-21T10:00:00.000Z","type":"event_msg","payload":{"type":"token_count"',
    );
    expect(mayHold(real, FOLD_KINDS)).toBe(true);
    const late = Buffer.from(`${'x'.repeat(500)}"token_count"`);
    expect(mayHold(late, FOLD_KINDS)).toBe(false);
    expect(naive(late)).toBe(false);
  });
});
