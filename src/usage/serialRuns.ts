/**
 * One run at a time per key, coalesced: a call while a run for its key is
 * under way asks for one more run after it and shares its promise, so a burst
 * of changes to one file costs at most two reads.
 */
export class SerialRuns {
  private readonly inflight = new Map<string, { run: Promise<void>; again: boolean }>();

  run(key: string, body: () => Promise<void>): Promise<void> {
    const running = this.inflight.get(key);
    if (running !== undefined) {
      running.again = true;
      return running.run;
    }
    const entry = { run: Promise.resolve(), again: false };
    entry.run = (async () => {
      try {
        do {
          entry.again = false;
          await body();
        } while (entry.again);
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, entry);
    return entry.run;
  }
}
