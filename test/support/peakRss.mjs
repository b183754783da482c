// Preloaded into a CLI child (NODE_OPTIONS=--import): at exit, writes the
// process's peak resident memory (VmHWM, as bench/ measures it) to the file
// named by CDP_PEAK_RSS_FILE. Linux only; elsewhere nothing is written.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.CDP_PEAK_RSS_FILE;
if (out !== undefined && out !== '') {
  process.on('exit', () => {
    try {
      const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      if (kb !== undefined) writeFileSync(out, kb);
    } catch {
      // not Linux
    }
  });
}
