// A writer that behaves like Codex: it opens the rollout once for append and
// keeps it open, appending one line per request from stdin ("append <json>\n")
// and answering "appended <n>" after each write is done (not flushed to disk:
// Codex does not fsync either). On Windows Node opens with FILE_SHARE_READ |
// FILE_SHARE_WRITE | FILE_SHARE_DELETE, the sharing Rust's std::fs uses.
import { closeSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

const fd = openSync(process.argv[2], 'a');
let count = 0;
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'close') break;
  if (!line.startsWith('append ')) continue;
  writeSync(fd, `${line.slice('append '.length)}\n`);
  count += 1;
  process.stdout.write(`appended ${count}\n`);
}
closeSync(fd);
process.stdout.write('closed\n');
