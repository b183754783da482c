import type { Settings } from '../contract/index.js';
import { defaultSettings, mergeSettings } from '../settings/settings.js';
import { loadConfig, writeConfig, type LoadedConfig, type WriteResult } from './store.js';

export interface SettingsFile {
  readonly path: string;
  load(): Promise<LoadedConfig>;
  save(config: Settings): Promise<WriteResult>;
}

/**
 * The config as the settings window uses it. Loading never writes. A save
 * merges: what the window changed since it loaded wins, everything else is
 * what the file holds at that moment (edits by hand or by `run` meanwhile),
 * and keys this app does not own are never touched. It is the one writer
 * that may replace a file that is not a JSON object, after copying its bytes
 * (never one that is not a regular file). A symlinked config is saved
 * through to its target (`writeConfig`).
 */
export function settingsFile(path: string): SettingsFile {
  let base: Settings | null = null;
  return {
    path,
    async load() {
      const loaded = await loadConfig(path);
      // A copy: the caller may change what it got, and the merge must see what the file held.
      base = structuredClone(loaded.config);
      return loaded;
    },
    async save(config) {
      const from = base ?? defaultSettings();
      const written = await writeConfig(path, (current) => mergeSettings(from, config, current.config), {
        replaceUnusable: true,
        createFolder: true,
      });
      base = structuredClone(written.config);
      return written;
    },
  };
}
