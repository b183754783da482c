import { LineCheck } from '../ranges/ranges.js';
import type { HistoryRecord } from './records.js';
import { rangeRecord } from './schema.js';

/**
 * A record's line. `record` must be one `rangeRecord` returned, or built from
 * the state (which holds nothing else): then it reads back as itself.
 */
export function encodeRecord(record: HistoryRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** A line of the file, read: the record it holds. */
export interface DecodedLine {
  record: HistoryRecord;
  /** A value was out of range and was cut, clamped or left out; the rest of the line is kept. */
  adjusted: boolean;
}

/** Null when the line holds no record: it is skipped and counted. */
export function decodeRecord(line: string): DecodedLine | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  const check = new LineCheck(0);
  const record = rangeRecord(v, check);
  return record === null ? null : { record, adjusted: check.suspicious };
}
