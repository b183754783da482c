import type { LoadedConfig } from './store.js';

/** What is wrong with the file, or what a write would change, one line each; empty when nothing. */
export function configIssues(config: LoadedConfig): string[] {
  if (config.fileError !== null) return [`not used: ${config.fileError}; defaults are used`];
  const lines: string[] = [];
  if (config.migratedFrom !== null) {
    lines.push(`written by the earlier Rust tool (schema_version ${config.migratedFrom}); a write migrates it`);
  }
  lines.push(...config.problems);
  return lines;
}
