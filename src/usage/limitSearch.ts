import { MAIN_LIMIT_ID } from '../rollout/decode/rateLimits.js';
import { plainPath, type RolloutFile } from '../rollout/files.js';
import { RolloutReader, type ReaderOptions } from '../rollout/reader.js';
import type { RateLimitObservation, RolloutEvent } from '../rollout/types.js';
import { LimitStore } from './limitStore.js';
import type { ReadLedger } from './readLedger.js';

/**
 * How far before a file's newest main observation the limit search still
 * looks for other families: one 5-hour window. A family written beside the
 * main limits (Codex sends both on one response) is found; a file is not
 * read to its start for families that may not exist.
 */
export const FAMILY_LOOKBACK_MS = 5 * 60 * 60 * 1000;

/**
 * At most this much of one file's end is read by the limit search. Codex
 * writes the limits on every usage line of a ChatGPT login, so the newest
 * main observation is in a file's last turn; the lookback for other families
 * (a 50 MB rollout of minute-long turns holds 8 MB in 5 hours) is cut here
 * rather than spending the whole search on one file.
 */
export const LIMIT_SEARCH_FILE_BYTES = 2 * 1024 * 1024;

export interface LimitSearch {
  files: ReadonlyArray<RolloutFile>;
  limits: LimitStore;
  /** Files already read as live sessions. */
  live: (plainPath: string) => boolean;
  maxFiles: number;
  maxBytes: number;
  reader: ReaderOptions;
  ledger: ReadLedger;
}

/**
 * Limits belong to the account: with no live session (or none that saw
 * limits) walk back through recently written files until the freshest main
 * observation is found. A file written before that observation cannot hold
 * a fresher one, which bounds the search; so do the file and byte budgets.
 * Every family is taken from the files read, not only the main one (issue
 * 12 §2): past a file's newest main observation, its lines are read back
 * FAMILY_LOOKBACK_MS further for the other families Codex wrote beside it.
 */
export async function searchLimits(s: LimitSearch): Promise<void> {
  let bytes = 0;
  let searched = 0;
  for (const f of s.files) {
    if (searched >= s.maxFiles || bytes >= s.maxBytes) break;
    const freshest = s.limits.freshestMainAt;
    if (freshest !== null && f.mtimeMs < freshest) break;
    // Read already, or refused already (a compressed file read as a live session that could not be).
    if (s.live(plainPath(f.path)) || s.ledger.special.has(f.path)) continue;
    searched += 1;
    const reader = new RolloutReader(f.path, s.reader);
    if (f.compressed) await searchCompressed(reader, f, s);
    else await searchPlain(reader, f, Math.min(LIMIT_SEARCH_FILE_BYTES, Math.max(64 * 1024, s.maxBytes - bytes)), s);
    bytes += reader.stats.bytesRead;
    s.ledger.retire(reader.stats);
  }
}

async function searchPlain(reader: RolloutReader, f: RolloutFile, budget: number, s: LimitSearch): Promise<void> {
  const scan = new LimitScan();
  const read = reader.recent(budget).events;
  const found: RateLimitObservation[] = [];
  for await (const e of read) {
    if (e.kind === 'tokenCount' && e.rateLimits !== null) found.push(e.rateLimits);
    if (scan.enough(e)) break;
  }
  // Refused, not gone: limits written there are newer than what is shown.
  if (read.outcome?.kind === 'unreadable') s.ledger.unreadable.set(f.path, f.mtimeMs);
  if (read.outcome?.kind !== 'read') return;
  // Oldest first, as a forward read would have added them.
  for (const obs of found.reverse()) if (scan.keeps(obs)) s.limits.add(obs);
}

/**
 * The limit search through a compressed rollout: read whole as it
 * decompresses (its end cannot be reached any other way), bounded by the
 * decompressed-size cap. Its observations count only once it was read whole.
 */
async function searchCompressed(reader: RolloutReader, f: RolloutFile, s: LimitSearch): Promise<void> {
  const limits = new LimitStore();
  const read = reader.compressed();
  for await (const e of read) if (e.kind === 'tokenCount' && e.rateLimits !== null) limits.add(e.rateLimits);
  const outcome = read.outcome;
  if (outcome?.kind === 'special') s.ledger.special.set(reader.path, outcome.reason);
  if (outcome?.kind === 'unreadable') s.ledger.unreadable.set(f.path, f.mtimeMs);
  if (outcome?.kind === 'read') s.limits.absorb(limits);
}

/** One file of the limit search, read newest-first: where its newest main observation is, and when to stop. */
class LimitScan {
  private mainAt: number | null = null;

  /** Enough once the lines are older than the lookback before the newest main observation. */
  readonly enough = (e: RolloutEvent): boolean => {
    if (e.kind !== 'tokenCount') return false;
    if (this.mainAt !== null) return e.at !== null && e.at < this.mainAt - FAMILY_LOOKBACK_MS;
    const r = e.rateLimits;
    if (r !== null && r.limitId === MAIN_LIMIT_ID && (r.primary !== null || r.secondary !== null))
      this.mainAt = r.observedAt;
    return false;
  };

  /** The line that ended the scan is read too: another family's observation is kept only within the lookback. */
  keeps(obs: RateLimitObservation): boolean {
    return obs.limitId === MAIN_LIMIT_ID || this.mainAt === null || obs.observedAt >= this.mainAt - FAMILY_LOOKBACK_MS;
  }
}
