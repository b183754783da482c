import type { SaveResult, Settings } from '../src/contract/index.js';
import { tidySettings, validateSettings } from '../src/settings/settings.js';
import { ConfigFileError, type LoadedConfig, type WriteResult } from '../src/config/store.js';
import type { ElectronEdges } from './edges.js';
import { CATALOG_ONLY, costConfig, type CostConfig } from '../src/cost/pricing.js';

/** The config file as the app uses it: `settingsFile()` from src/config/settingsFile.ts. */
export interface ConfigPort {
  /** The config path, for messages. */
  readonly path: string;
  /** Reads only: problems are reported, not written back, until Settings is saved (issue 11). */
  load(): Promise<LoadedConfig>;
  /** Writes what the settings window changed; resolves to what the file now holds. */
  save(config: Settings): Promise<WriteResult>;
}

/** The app's config: read once at start (saying what is wrong with the file), written only by Save. */
export class AppConfig {
  private config: Settings | null = null;
  private costKeys: CostConfig = CATALOG_ONLY;

  constructor(
    private readonly port: ConfigPort,
    private readonly edges: ElectronEdges,
  ) {}

  get path(): string {
    return this.port.path;
  }

  /** The config in use; null before `load`. */
  get current(): Settings | null {
    return this.config;
  }

  /** The file's `pricing` and `openai_plan` as read at start (not owned by Settings: a save keeps their bytes). */
  get cost(): CostConfig {
    return this.costKeys;
  }

  get settings(): Settings | null {
    return this.config === null ? null : structuredClone(this.config);
  }

  /** Reads the file; a file that cannot be used, or invalid values, are logged and said in a notice. */
  async load(): Promise<Settings> {
    const loaded = await this.port.load();
    this.config = loaded.config;
    const path = this.port.path;
    const { problems: pricing, ...cost } = costConfig(loaded.raw);
    this.costKeys = cost;
    if (pricing.length > 0) this.edges.log.warn(`config ${path}: ${pricing.join('; ')}`);
    if (loaded.fileError !== null) {
      this.edges.log.warn(`config ${path} not used: ${loaded.fileError}`);
      this.edges.notify({
        title: 'Settings file not used',
        body: `${path}: ${loaded.fileError}. Defaults are used and the file is left as it is; saving Settings replaces it (a copy is kept).`,
      });
    } else if (loaded.problems.length > 0) {
      this.edges.log.warn(`config ${path}: ${loaded.problems.join('; ')}`);
      this.edges.notify({
        title: 'Some settings are invalid',
        body: `Defaults are used for them; the file is not changed until you save Settings (a copy of the original is kept). ${loaded.problems.join('; ')}`,
      });
    }
    return loaded.config;
  }

  /** Validates and writes what the settings window sent; the saved config, or why nothing was saved. */
  async save(settings: Settings): Promise<Extract<SaveResult, { ok: false }> | { ok: true; config: Settings }> {
    const errors = validateSettings(settings);
    if (Object.keys(errors).length > 0 || this.config === null) return { ok: false, errors };
    try {
      this.config = (await this.port.save(tidySettings(settings))).config;
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      return { ok: false, errors: { _form: error.message } };
    }
    return { ok: true, config: this.config };
  }
}
