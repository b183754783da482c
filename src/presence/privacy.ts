import type { Settings } from '../contract/index.js';

export interface Visible {
  project: boolean;
  branch: boolean;
  model: boolean;
  tokens: boolean;
  limits: boolean;
  activity: boolean;
  /** The session's cost, through `{cost}` (off unless `privacy.showCost` says true). */
  cost: boolean;
  /** Only `Coding with Codex`. */
  minimal: boolean;
}

const PRESETS: Record<'minimal' | 'standard' | 'detailed', Omit<Visible, 'minimal'>> = {
  minimal: { project: false, branch: false, model: false, tokens: false, limits: false, activity: false, cost: false },
  standard: { project: false, branch: false, model: true, tokens: true, limits: true, activity: true, cost: false },
  detailed: { project: true, branch: true, model: true, tokens: true, limits: true, activity: true, cost: false },
};

/**
 * The preset, then per-field overrides. (The Rust tool's privacy mode reads
 * as the minimal preset with no override: src/settings/fromFile.ts.)
 */
export function resolvePrivacy(p: Settings['privacy']): Visible {
  const base = PRESETS[p.preset];
  const v = {
    project: p.showProjectName ?? base.project,
    branch: p.showGitBranch ?? base.branch,
    model: p.showModel ?? base.model,
    tokens: p.showTokens ?? base.tokens,
    limits: p.showLimits ?? base.limits,
    activity: p.showActivity ?? base.activity,
    cost: p.showCost ?? base.cost,
  };
  return { ...v, minimal: Object.values(v).every((x) => !x) };
}
