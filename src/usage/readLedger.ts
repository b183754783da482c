import type { SessionIndex } from '../rollout/sessionIndex.js';
import type { ReadStats } from '../rollout/types.js';
import type { ReadDiagnostics } from '../contract/index.js';

/** `skippedEntries.entries` lists this many; `count` has them all. */
const MAX_SKIPPED_LISTED = 8;

/** The line and byte counters of ReadDiagnostics, summed over readers. */
type ReadStatsTotal = Pick<
  ReadDiagnostics,
  'filesRead' | 'bytesRead' | 'malformedLines' | 'invalidUtf8Lines' | 'oversizedLines' | 'suspiciousLines'
>;

/**
 * What the engine's reads found that was not a session: counters of readers
 * no longer tracked, entries that are not regular files or could not be
 * decompressed (`skippedEntries`), and files that may not be read.
 */
export class ReadLedger {
  private retired: ReadStatsTotal = emptyTotals();
  /** Entries named like rollouts that are not regular files, by path (from the last listing and later reads). */
  readonly special = new Map<string, string>();
  /** Files and folders that exist but could not be read, with their mtimes (newest is reported). */
  readonly unreadable = new Map<string, number>();

  /** A reader done with: its counters stay in the totals. */
  retire(stats: ReadStats): void {
    addStats(this.retired, stats);
  }

  /** Bytes read by a probe that is not a file of its own (a fork's first usage line). */
  addBytes(bytes: number): void {
    this.retired.bytesRead += bytes;
  }

  /** A path read fine: whatever was said of it before is over. */
  readOk(path: string): void {
    this.special.delete(path);
    this.unreadable.delete(path);
  }

  diagnostics(
    live: Iterable<ReadStats>,
    index: SessionIndex,
    familiesDropped: number,
    suspiciousAnswers: number,
  ): ReadDiagnostics {
    const d = { ...this.retired };
    for (const stats of live) addStats(d, stats);
    d.suspiciousLines += index.suspiciousLines;
    const skipped = [...this.special].map(([path, reason]) => ({ path, reason }));
    if (index.problem !== null) skipped.push({ path: index.path, reason: index.problem });
    let newest: string | null = null;
    let newestAt = -Infinity;
    for (const [path, at] of this.unreadable) {
      if (at > newestAt) {
        newest = path;
        newestAt = at;
      }
    }
    return {
      ...d,
      skippedEntries: { count: skipped.length, entries: skipped.slice(0, MAX_SKIPPED_LISTED) },
      unreadable: { count: this.unreadable.size, newest },
      familiesDropped,
      suspiciousAnswers,
    };
  }
}

function emptyTotals(): ReadStatsTotal {
  return { filesRead: 0, bytesRead: 0, malformedLines: 0, invalidUtf8Lines: 0, oversizedLines: 0, suspiciousLines: 0 };
}

function addStats(d: ReadStatsTotal, stats: ReadStats): void {
  d.filesRead += 1;
  d.bytesRead += stats.bytesRead;
  d.malformedLines += stats.malformedLines;
  d.invalidUtf8Lines += stats.invalidUtf8Lines;
  d.oversizedLines += stats.oversizedLines;
  d.suspiciousLines += stats.suspiciousLines;
}
