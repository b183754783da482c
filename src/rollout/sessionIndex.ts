import { isObject } from '../ranges/json.js';
import { LineCheck } from '../ranges/ranges.js';
import { LineSplitter, type LineSink } from './lines.js';
import { EventRead, type LinePipe } from './read.js';
import { plainSource } from './source/plain.js';
import type { RolloutEvent } from './types.js';

/** An index line is `{id, thread_name, updated_at}`: far less than this. */
const MAX_INDEX_LINE_BYTES = 64 * 1024;

/**
 * `session_index.jsonl`: one `{id, thread_name, updated_at}` line per rename,
 * append-only, last line wins. Read incrementally like a rollout, through the
 * same source and splitter; a name is ranged where it enters (LineCheck.text:
 * a display length, no control characters), and a line that needed it is
 * counted as suspicious.
 */
export class SessionIndex implements LineSink, LinePipe {
  private readonly names = new Map<string, string>();
  readonly lines: LineSplitter;
  readonly queue: RolloutEvent[] = [];
  readonly stats = { bytesRead: 0 };
  malformedLines = 0;
  suspiciousLines = 0;
  /** Why the index could not be read, when it is not a regular file (a directory, a FIFO…). */
  problem: string | null = null;
  private ino: number | null = null;
  private dirty = false;
  private readAt = 0;

  constructor(readonly path: string) {
    this.lines = new LineSplitter(this, 0, { maxLineBytes: MAX_INDEX_LINE_BYTES });
  }

  name(id: string | null): string | null {
    return id === null ? null : (this.names.get(id) ?? null);
  }

  /** Reads new lines; returns true when any name changed. */
  async refresh(): Promise<boolean> {
    this.dirty = false;
    const source = plainSource(this.path, {
      start: (file) => {
        if ((this.ino !== null && file.ino !== this.ino) || file.size < this.lines.position) {
          this.lines.reset(0);
          this.dirty = this.names.size > 0;
          this.names.clear();
        }
        this.ino = file.ino;
        return this.lines.position;
      },
    });
    const outcome = await new EventRead(source, this, { now: Date.now }).finish();
    this.problem = outcome.kind === 'special' ? outcome.reason : null;
    if (outcome.kind !== 'read' && this.names.size > 0) {
      this.names.clear();
      return true;
    }
    return this.dirty;
  }

  begin(readAt: number): void {
    this.readAt = readAt;
  }

  head(): boolean {
    return true;
  }

  line(line: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      this.malformedLines += 1;
      return;
    }
    if (!isObject(value)) return;
    const check = new LineCheck(this.readAt);
    const id = check.id(value.id);
    const name = check.text(value.thread_name);
    if (check.suspicious) this.suspiciousLines += 1;
    if (id === null) return;
    if (this.names.get(id) === (name ?? undefined)) return;
    this.dirty = true;
    if (name === null) this.names.delete(id);
    else this.names.set(id, name);
  }

  skipped(): void {
    return;
  }

  oversized(): void {
    this.malformedLines += 1;
  }
}
