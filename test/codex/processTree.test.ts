import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf, parseLinuxStat, parsePsTable, processTable } from '../../src/codex/processTree.js';
import { isRunning } from '../support/codexShim.js';

// The process table the child cleanup reads (issue 21 §1): a real process in
// its own session, found by the mark in its environment and by parent links.

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe.skipIf(process.platform === 'win32')('the process table', () => {
  it('finds a process in its own session by its mark and by its parent, and no longer once it is gone', async () => {
    const mark = `mark-${process.pid}-${Date.now()}`;
    const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { ...process.env, CDP_T: mark } });
    const pid = child.pid as number;
    started.push(pid);
    await new Promise((resolve) => child.once('spawn', resolve));
    const table = processTable('CDP_T', mark);
    expect(table.find((p) => p.pid === pid)).toMatchObject({ ppid: process.pid, marked: true });
    expect(table.filter((p) => p.marked === true).map((p) => p.pid)).toEqual([pid]);
    expect(descendantsOf(table, process.pid).map((p) => p.pid)).toContain(pid);
    // A similar value is not the mark.
    expect(processTable('CDP_T', mark.slice(0, -1)).some((p) => p.marked === true)).toBe(false);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    await exited;
    expect(isRunning(pid)).toBe(false);
    expect(processTable('CDP_T', mark).some((p) => p.pid === pid)).toBe(false);
  });
});

describe('reading the table', () => {
  it('reads a Linux stat line whose command holds spaces and parentheses; a zombie is gone', () => {
    const line = '4242 (a (b) c) S 17 4242 4242 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 1 2';
    expect(parseLinuxStat(line)).toEqual({ ppid: 17, start: '987654' });
    expect(parseLinuxStat(line.replace(') S ', ') Z '))).toBeNull();
    expect(parseLinuxStat('garbage')).toBeNull();
  });

  it('reads macOS `ps -E` output: pid, ppid, a five-word start time, the command and its environment', () => {
    const out = [
      '    1     0 Mon Nov 22 10:00:00 2026     /sbin/launchd',
      '  501     1 Mon Nov 22 10:00:05 2026     sleep 300 HOME=/Users/dev CODEX_PRESENCE_CHILD=abc',
      '  502   501 Mon Nov 22 10:00:06 2026     node x.js CODEX_PRESENCE_CHILD=abcd PATH=/bin',
      'not a line',
    ].join('\n');
    expect(parsePsTable(out, 'CODEX_PRESENCE_CHILD=abc')).toEqual([
      { pid: 1, ppid: 0, start: 'Mon Nov 22 10:00:00 2026', marked: false },
      { pid: 501, ppid: 1, start: 'Mon Nov 22 10:00:05 2026', marked: true },
      { pid: 502, ppid: 501, start: 'Mon Nov 22 10:00:06 2026', marked: false },
    ]);
    const table = parsePsTable(out, 'x=y');
    expect(descendantsOf(table, 1).map((p) => p.pid)).toEqual([501, 502]);
  });
});
