import type { EpochMs } from '../contract/index.js';

/*
 * Times as the contract carries them (epoch ms), used where the engine's
 * state becomes the snapshot (`toWire`, aggregate.ts) and the history view.
 * A line time capped at a file's mtime can carry a fraction of a millisecond:
 * it is dropped here, as a Date drops it (and as the ISO strings of old did).
 */

/** A time the engine always has (now, an observation's time), as a Date holds it. */
export function wireTime(ms: number): EpochMs {
  return new Date(ms).getTime();
}

/**
 * A time that may be unknown, or null for one no Date can hold. The parser
 * keeps times in range (ranges/ranges.ts); this keeps a snapshot from ever
 * carrying one that a consumer's `toISOString` would throw on ("Invalid time
 * value", issue #10 §1).
 */
export function wireTimeOrNull(ms: number | null): EpochMs | null {
  if (ms === null) return null;
  const whole = wireTime(ms);
  return Number.isNaN(whole) ? null : whole;
}
