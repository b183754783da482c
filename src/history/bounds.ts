/** How large the history file may grow, and when it is compacted or summarised. Pure rules. */

export interface Bounds {
  /** Local days kept, today included. */
  maxDays: number;
  /** Largest file, in bytes, appends included: a compaction drops the oldest days to stay under it. */
  maxBytes: number;
}

export const DEFAULT_BOUNDS: Bounds = { maxDays: 400, maxBytes: 50 * 1024 * 1024 };

/**
 * What is appended between two compactions, at most: a compaction leaves the
 * file this far under `maxBytes`, so the appends after it keep it under the
 * cap (issue 21 §4: the cap is a cap).
 */
export function appendRoom(bounds: Bounds): number {
  return Math.max(1, Math.floor(bounds.maxBytes / 16));
}

/**
 * True when appending `next` more bytes should compact first: past the
 * append room, and for a file under 16 times the room, once the appends reach
 * a quarter of it (at least 256 KB): a compaction costs what the file holds,
 * so this keeps it cheap per byte appended.
 */
export function compactionDue(baseBytes: number, appended: number, next: number, bounds: Bounds): boolean {
  const room = appendRoom(bounds);
  return appended + next > Math.min(room, Math.max(256 * 1024, baseBytes / 4));
}

/**
 * Appended bytes between two `recent` lines, at most: a summary follows the
 * write that passes this, so `status` finds one in the file's last
 * summaryEvery + MAX_RECENT_BYTES bytes.
 */
export function summaryEvery(bounds: Bounds): number {
  return Math.max(1, Math.min(256 * 1024, Math.floor(appendRoom(bounds) / 4)));
}

/** Days the `recent` line holds: the Tokens row's seven, and one for a reader whose day is a zone behind. */
export const RECENT_DAYS = 8;

/** A `recent` line larger than this (thousands of projects) is left out: readers then fold the whole file. */
export const MAX_RECENT_BYTES = 256 * 1024;
