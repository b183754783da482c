import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_LIMIT, ACTIVITY_WINDOW_MS, SlidingWindow } from '../../src/discord/throttle.js';

// The throttle's pure bookkeeping over made-up times: no clock, no waiting.
describe('SlidingWindow', () => {
  it('keeps 500 ms of margin on Discord’s 5 updates per 20 s', () => {
    expect(ACTIVITY_LIMIT).toBe(5);
    expect(ACTIVITY_WINDOW_MS - 20_000).toBe(500);
  });

  it('whatever the request times, any six sends span at least the window, and waiting always allows one', () => {
    const gaps = fc.array(fc.integer({ min: 0, max: 12_000 }), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(gaps, (steps) => {
        const window = new SlidingWindow();
        const sent: number[] = [];
        let now = 0;
        let waitingUntil: number | null = null;
        for (const step of steps) {
          // A client that wants to send at every step, and otherwise waits for the allowed time.
          const target = now + step;
          if (waitingUntil !== null && waitingUntil <= target) {
            now = waitingUntil;
            expect(window.nextAllowedAt(now)).toBe(now); // the promised time really is allowed
            window.record(now);
            sent.push(now);
            waitingUntil = null;
          }
          now = target;
          const allowed = window.nextAllowedAt(now);
          expect(allowed).toBeGreaterThanOrEqual(now);
          if (allowed === now) {
            window.record(now);
            sent.push(now);
          } else {
            waitingUntil = allowed;
          }
        }
        for (let i = 0; i + ACTIVITY_LIMIT < sent.length; i += 1) {
          expect((sent[i + ACTIVITY_LIMIT] ?? 0) - (sent[i] ?? 0)).toBeGreaterThanOrEqual(ACTIVITY_WINDOW_MS);
        }
      }),
    );
  });
});
