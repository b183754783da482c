import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';

// Issue 11: "A repair racing a user's save lost the user's save in 3 of 30 trials,
// and it was in no backup." Real processes: `config migrate` (the repair) and a
// second process saving the file the way editors do, started together.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-race-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function exited(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

// Saves like an editor: in place (truncate and write: VS Code, nano) or a temporary file renamed over it
// (vim, most others). It saves while the repair is writing: once the repair's lock exists, after a short,
// varying spin, so that the save lands at every point of the repair's read-compare-replace.
const EDITOR = `
const fs = require('node:fs');
const [path, text, style, spin, before] = process.argv.slice(1);
// Until the repair holds its lock, or has already finished (the file changed).
const read = () => { try { return fs.readFileSync(path, 'utf8'); } catch { return ''; } };
// Bounded: a repair that exits without locking or changing the file must fail the trial with its
// own output, not leave this spinning until the test times out.
const giveUp = Date.now() + 30_000;
while (!fs.existsSync(path + '.lock') && read() === before) {
  if (Date.now() > giveUp) { process.stderr.write('the repair never locked or changed the file'); process.exit(3); }
}
const until = process.hrtime.bigint() + BigInt(Math.round(Number(spin) * 1e6));
while (process.hrtime.bigint() < until) {}
if (style === 'in-place') fs.writeFileSync(path, text);
else { fs.writeFileSync(path + '.swp', text); fs.renameSync(path + '.swp', path); }
`;

const TRIALS = 20;

describe('a repair racing a user’s save', () => {
  it(`never loses the save: it is in the file or in a backup, in ${TRIALS} of ${TRIALS} trials`, async () => {
    let inFile = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const path = join(dir, `trial-${trial}.json`);
      // A file the repair wants to rewrite: an invalid value and the Rust tool's keys.
      const original = {
        schema_version: 13,
        presence_schema_version: 7,
        discord_client_id: '112233445566778899',
        idle: { after_minutes: -4 },
        pricing: { aliases: { a: 'b' } },
      };
      const before = JSON.stringify(original, null, 2);
      await writeFile(path, before);
      const marker = `user-save-${trial}`;
      // The user's save still holds the invalid value: they changed one thing only.
      const saved = JSON.stringify({ ...original, ignore_projects: [marker] }, null, 2);
      const style = trial % 2 === 0 ? 'in-place' : 'rename';
      const spin = String(((trial >> 1) % 12) * 0.25); // 0 to 2.75 ms into the repair's write

      const [repair, editor] = await Promise.all([
        exited([CLI, 'config', 'migrate', '--config', path]),
        exited(['-e', EDITOR, path, saved, style, spin, before]),
      ]);
      expect(editor.code, `${editor.stderr}; repair exited ${repair.code}: ${repair.stderr}`).toBe(0);
      // The repair either wrote, or found nothing to do, or (reading a half-written save) refused to touch it.
      expect([0, 1], repair.stderr).toContain(repair.code);
      if (repair.code === 1) expect(repair.stderr).toMatch(/is not used and not overwritten/);

      const final = await readFile(path, 'utf8');
      const backups = (await readdir(dir)).filter((f) => f.startsWith(`trial-${trial}.json.`) && f.endsWith('.bak'));
      const kept = [final, ...(await Promise.all(backups.map((b) => readFile(join(dir, b), 'utf8'))))];
      expect(
        kept.some((text) => text.includes(marker)),
        `trial ${trial} (${style}): the user's save is gone`,
      ).toBe(true);
      if (final.includes(marker)) inFile++;
      // The Rust tool's keys survive whoever wrote last.
      expect(JSON.parse(final)).toMatchObject({ schema_version: 13, pricing: { aliases: { a: 'b' } } });
      // No temporary, moved-aside or lock file is left behind.
      expect((await readdir(dir)).filter((f) => /\.(tmp|aside|lock|swp)$/.test(f))).toEqual([]);
    }
    // The save is a later edit than the repair's read: it normally ends in the file itself.
    expect(inFile).toBeGreaterThan(0);
    // 40 Node processes, one of each pair spinning: slow on a loaded 2-core runner.
  }, 400_000);
});
