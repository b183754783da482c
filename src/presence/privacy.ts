import type { PrivacyConfig } from '../config/schema.js';

export interface Visible {
  project: boolean;
  branch: boolean;
  model: boolean;
  tokens: boolean;
  limits: boolean;
  activity: boolean;
  /** Only `Coding with Codex`. */
  minimal: boolean;
}

const PRESETS: Record<'minimal' | 'standard' | 'detailed', Omit<Visible, 'minimal'>> = {
  minimal: { project: false, branch: false, model: false, tokens: false, limits: false, activity: false },
  standard: { project: false, branch: false, model: true, tokens: true, limits: true, activity: true },
  detailed: { project: true, branch: true, model: true, tokens: true, limits: true, activity: true },
};

/** The preset, then per-field overrides. The Rust tool's privacy mode (`enabled`) forces minimal. */
export function resolvePrivacy(p: PrivacyConfig): Visible {
  const preset = p.enabled ? 'minimal' : p.preset;
  const base = PRESETS[preset];
  const pick = (override: boolean | null, fallback: boolean): boolean => (p.enabled ? false : (override ?? fallback));
  const v = {
    project: pick(p.show_project_name, base.project),
    branch: pick(p.show_git_branch, base.branch),
    model: pick(p.show_model, base.model),
    tokens: pick(p.show_tokens, base.tokens),
    limits: pick(p.show_limits, base.limits),
    activity: pick(p.show_activity, base.activity),
  };
  return { ...v, minimal: Object.values(v).every((x) => !x) };
}
