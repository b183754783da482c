import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The process table, read to find every process a child of ours started
 * (issue 21 §1). A process group is not enough: anything that calls
 * setsid(2) leaves it, and once its parent exits it is re-parented to init,
 * so parent links no longer lead to it. Two things still do:
 * - the environment: each child gets a variable with a random value
 *   (`CHILD_MARK=<nonce>`), which everything it starts inherits, setsid or
 *   not, re-parented or not;
 * - the parent links, for a descendant that cleared its environment, read
 *   while the chain is still alive.
 * Reading is synchronous: it also runs in an `exit` handler, where nothing
 * asynchronous happens any more.
 */
export const CHILD_MARK = 'CODEX_PRESENCE_CHILD';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** When it started, as the OS says (Linux: clock ticks since boot): tells a reused pid apart. */
  start: string | null;
  /** Its environment holds `CHILD_MARK=<nonce>` (null: it could not be read). */
  marked: boolean | null;
}

/**
 * Every process we can see, with whether it carries `name=value` in its
 * environment. Linux reads /proc; macOS and the BSDs ask `ps`, whose `-E`
 * appends the environment of our own processes to the command. Windows has
 * no such table here (`taskkill /T` walks the tree itself): empty.
 */
export function processTable(
  name: string,
  value: string,
  platform: NodeJS.Platform = process.platform,
): ProcessEntry[] {
  if (platform === 'win32') return [];
  if (platform === 'linux') return linuxTable(`${name}=${value}`);
  const ps = spawnSync('ps', ['-A', '-ww', '-E', '-o', 'pid=,ppid=,lstart=,command='], {
    encoding: 'utf8',
    timeout: 2000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return typeof ps.stdout === 'string' ? parsePsTable(ps.stdout, `${name}=${value}`) : [];
}

/** Pids of the processes below `root` by parent links, nearest first. */
export function descendantsOf(table: readonly ProcessEntry[], root: number): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const p of table) {
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p]);
    else list.push(p);
  }
  const out: ProcessEntry[] = [];
  const seen = new Set<number>([root]);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

function linuxTable(entry: string): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`\0${entry}\0`);
  const out: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(`/proc/${name}/stat`);
    if (stat === null) continue; // gone meanwhile
    const parsed = parseLinuxStat(stat.toString('latin1'));
    if (parsed === null) continue;
    // Another user's environment cannot be read (EACCES): not one of ours either way.
    const environ = readOrNull(`/proc/${name}/environ`);
    out.push({
      pid: Number(name),
      ...parsed,
      marked: environ === null ? null : Buffer.concat([Buffer.from([0]), environ]).includes(needle),
    });
  }
  return out;
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/**
 * `/proc/<pid>/stat` → its parent and start time. The second field, the
 * command in parentheses, may itself hold spaces and parentheses: fields are
 * counted from the last `)`. A zombie has exited: it holds nothing open.
 */
export function parseLinuxStat(text: string): { ppid: number; start: string } | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  const start = fields[19];
  if (fields[0] === 'Z' || fields[0] === 'X' || !Number.isInteger(ppid) || start === undefined) return null;
  return { ppid, start };
}

/**
 * `ps -A -ww -E -o pid=,ppid=,lstart=,command=` → the table. `lstart` is five
 * words (`Mon Nov 22 10:00:00 2026`); the environment follows the command,
 * `NAME=value` separated by spaces.
 */
export function parsePsTable(text: string, entry: string): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s?(.*)$/.exec(line);
    if (m === null) continue;
    const rest = m[4] ?? '';
    out.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      start: m[3] ?? null,
      marked: rest.endsWith(` ${entry}`) || rest.includes(` ${entry} `),
    });
  }
  return out;
}
