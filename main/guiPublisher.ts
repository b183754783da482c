import type { Settings } from '../src/contract/index.js';
import type { CostConfig } from '../src/cost/pricing.js';
import { presenceDataDir } from '../src/history/location.js';
import type { PublisherOptions } from '../src/publisher/index.js';
import { codexHomeOf } from './codexHome.js';
import type { ElectronEdges } from './edges.js';

/**
 * What the tray app's publisher is started with: kind `gui`, the edges' env,
 * clock and log, the lock's folder (`stateDir`) and history's.
 */
export function guiPublisherOptions(
  edges: ElectronEdges,
  config: Settings,
  stateDir: string,
  cost: CostConfig,
): PublisherOptions {
  return {
    kind: 'gui',
    version: edges.app.getVersion(),
    env: edges.env,
    config,
    codexHome: codexHomeOf(config, edges.env),
    stateDir,
    // Where usage history lives (survives logout, unlike the lock's folder).
    dataDir: presenceDataDir(edges.env, edges.platform, edges.env.HOME?.trim() || undefined),
    log: { watch: (m) => edges.log.warn(m), history: (m) => edges.log.warn(m) },
    now: () => edges.now(),
    cost,
  };
}
