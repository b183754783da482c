import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shiftTimes } from '../test/support/codexHome.js';

/**
 * A home for the cost peer check (issue 24 §1): the real rollouts in
 * test/fixtures/codex, each copied onto each of the last `days` days (its
 * times moved there, a session id of its own), so both tools see many days
 * of real Codex lines. The bench home's 10,000 rollouts are one template
 * written 400 days before the home was made: older than history keeps, so
 * only its live sessions fall on days both tools count.
 */
export async function peerHome(root: string, now: number, days = 30): Promise<string> {
  const home = join(root, 'peer-home');
  await rm(home, { recursive: true, force: true });
  const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'codex');
  const samples = readdirSync(fixtures).filter((f) => f.endsWith('.jsonl'));
  for (let d = 1; d <= days; d += 1) {
    // Noon, d days ago: every line of a sample falls on that local day.
    const day = new Date(now - d * 86_400_000);
    day.setHours(12, 0, 0, 0);
    const folder = join(home, 'sessions', String(day.getFullYear()), pad(day.getMonth() + 1), pad(day.getDate()));
    await mkdir(folder, { recursive: true });
    for (const [i, sample] of samples.entries()) {
      const content = readFileSync(join(fixtures, sample), 'utf8');
      const first = /"timestamp":"([^"]+)"/.exec(content)?.[1];
      const shifted = shiftTimes(content, day.getTime() - Date.parse(first ?? ''));
      const id = `01a20045-0000-7000-8000-${String(d * 10 + i).padStart(12, '0')}`;
      const body = shifted.replace(/01a20045-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, id);
      const path = join(folder, `rollout-${day.toISOString().slice(0, 19).replace(/:/g, '-')}-${id}.jsonl`);
      await writeFile(path, body);
      await utimes(path, day, day);
    }
  }
  return home;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
