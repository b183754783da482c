import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

const PRELOAD = join(ROOT, 'test', 'support', 'peakRss.mjs');

/**
 * The environment that makes a CLI child record its own peak RSS (VmHWM
 * from /proc/self/status, as bench/ does) into `file` when it exits, and a
 * reader of it in MB (null where /proc is not there).
 */
export function peakRss(file: string): { env: NodeJS.ProcessEnv; mb: () => number | null } {
  return {
    env: { NODE_OPTIONS: `--import "${PRELOAD}"`, CDP_PEAK_RSS_FILE: file },
    mb: () => (existsSync(file) ? Number(readFileSync(file, 'utf8')) / 1024 : null),
  };
}
