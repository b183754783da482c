import type { UsageMonitor } from '../../src/usage/monitor.js';
import type { UsageSnapshot } from '../../src/contract/index.js';

/**
 * Resolves with the monitor's first snapshot, current or later, that
 * satisfies `predicate`. After `boundMs` it rejects, naming `what` and the
 * last snapshot (as `shown` prints it): the bound only turns "never" into a
 * failure with a message, it measures no speed.
 */
export function snapshotWhere(
  m: UsageMonitor,
  what: string,
  predicate: (s: UsageSnapshot) => boolean,
  boundMs: number,
  shown: (s: UsageSnapshot) => unknown = (s) => s.sessions,
): Promise<UsageSnapshot> {
  const now = m.current();
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`never saw ${what} within ${boundMs} ms; last snapshot: ${JSON.stringify(shown(m.current()))}`));
    }, boundMs);
    const off = m.subscribe((s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}
