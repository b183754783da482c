/**
 * The seed of every property test: fixed, so `npm test` is repeatable, and
 * overridable to explore (`FC_SEED=123 npx vitest run test/...`). On failure
 * fast-check's message starts with `Property failed after N tests` and gives
 * `{ seed, path }`: rerun with that seed (and `path`) to replay the case.
 */
export const PROPERTY_SEED = Number.parseInt(process.env.FC_SEED ?? '', 10) || 20261122;
