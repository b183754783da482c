import { LineTail } from './lineTail.js';
import { isObject, str } from './json.js';

/**
 * `session_index.jsonl`: one `{id, thread_name, updated_at}` line per rename,
 * append-only, last line wins. Read incrementally like a rollout.
 */
export class SessionIndex {
  private readonly names = new Map<string, string>();
  private readonly tail: LineTail;
  malformedLines = 0;
  /** Why the index could not be read, when it is not a regular file (a directory, a FIFO…). */
  problem: string | null = null;

  constructor(readonly path: string) {
    this.tail = new LineTail(
      path,
      {
        head: () => 'collect',
        line: (line) => this.onLine(line),
        skipped: () => undefined,
        oversized: () => {
          this.malformedLines += 1;
        },
      },
      { maxLineBytes: 64 * 1024 },
    );
  }

  name(id: string | null): string | null {
    return id === null ? null : (this.names.get(id) ?? null);
  }

  /** Reads new lines; returns true when any name changed. */
  async refresh(): Promise<boolean> {
    this.dirty = false;
    const result = await this.tail.read(() => {
      this.dirty = this.names.size > 0;
      this.names.clear();
    });
    this.problem = result.kind === 'special' ? result.reason : null;
    if (result.kind !== 'read' && this.names.size > 0) {
      this.names.clear();
      return true;
    }
    return this.dirty;
  }

  private dirty = false;

  private onLine(line: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      this.malformedLines += 1;
      return;
    }
    if (!isObject(value)) return;
    const id = str(value.id);
    const name = str(value.thread_name);
    if (id === null) return;
    if (this.names.get(id) === (name ?? undefined)) return;
    this.dirty = true;
    if (name === null) this.names.delete(id);
    else this.names.set(id, name);
  }
}
