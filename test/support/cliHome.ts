import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { cliChildren } from './cli.js';
import { TempCodexHome } from './codexHome.js';

/**
 * For a test file that runs the real CLI: a fresh Codex home and scratch
 * folder per test, and every CLI started through `start` killed after it.
 */
export function useCliHome(prefix: string): {
  home: () => TempCodexHome;
  work: () => string;
  start: ReturnType<typeof cliChildren>['start'];
} {
  let home: TempCodexHome | null = null;
  let work: string | null = null;
  const children = cliChildren();
  beforeEach(async () => {
    home = await TempCodexHome.create();
    work = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    children.killAll();
    await home?.remove();
    if (work !== null) await rm(work, { recursive: true, force: true });
  });
  const need = <T>(value: T | null): T => {
    if (value === null) throw new Error('useCliHome: used outside a test');
    return value;
  };
  return { home: () => need(home), work: () => need(work), start: children.start };
}
