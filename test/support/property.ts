import fc from 'fast-check';

/**
 * The seed of every property test: fixed, so `npm test` is repeatable, and
 * overridable to explore (`FC_SEED=123 npx vitest run test/...`). On failure
 * fast-check's message starts with `Property failed after N tests` and gives
 * `{ seed, path }`: rerun with that seed (and `path`) to replay the case.
 */
export const PROPERTY_SEED = Number.parseInt(process.env.FC_SEED ?? '', 10) || 20261122;

/**
 * Strings of any length (issue 21 §1): short ones of any code units (lone
 * surrogates and control characters included), and long runs up to 200,000
 * characters, the size that once stalled the publisher.
 */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 200_000 }))
    .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)),
);
