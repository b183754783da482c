import { quotedJson } from '../format/quoted.js';

/**
 * `details` / `state` templates: `{activity} · {project}`. Only these
 * placeholders exist; anything else is a validation error, so a typo never
 * reaches Discord as literal braces.
 */
export const PLACEHOLDERS = [
  'activity',
  'project',
  'branch',
  'model',
  'status',
  'tokens.total',
  'tokens.last',
  'tokens.delta',
  'limits.primary.remaining',
  'limits.secondary.remaining',
  'limits.primary.resetsIn',
  'sessions',
  // The shown session's cost, only when exact and privacy.showCost is on (src/presence/activity.ts).
  'cost',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The longest template: a line is at most 128 characters, and this bounds the cost of rendering one. */
export const MAX_TEMPLATE_CHARS = 256;

const TOKEN_RE = /\{([^{}]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set(PLACEHOLDERS);

/** True only for the names in PLACEHOLDERS: never `constructor`, `__proto__` or anything inherited. */
export function isPlaceholder(name: string): name is Placeholder {
  return KNOWN.has(name);
}

/** Null when valid; otherwise a message naming the problem and the placeholders that exist. */
export function validateTemplate(template: string): string | null {
  if (template.length > MAX_TEMPLATE_CHARS) return `Templates are at most ${MAX_TEMPLATE_CHARS} characters.`;
  const stripped = template.replace(TOKEN_RE, '');
  if (stripped.includes('{') || stripped.includes('}')) return 'Unbalanced { or }.';
  for (const m of template.matchAll(TOKEN_RE)) {
    const name = m[1] ?? '';
    if (!isPlaceholder(name)) {
      return `Unknown placeholder {${name}}. Use one of: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`;
    }
  }
  return null;
}

/**
 * A template read from the config file, checked like one saved from the
 * settings window. An invalid one is not used: the default (empty, meaning
 * the built-in line) takes its place, and `problem` says why, naming the
 * key, so the warning (and `doctor`) can point at it.
 */
export function loadedTemplate(key: string, template: string): { template: string; problem: string | null } {
  const problem = validateTemplate(template);
  if (problem === null) return { template, problem: null };
  const shown = template.length > 60 ? `${template.slice(0, 60)}…` : template;
  return { template: '', problem: `${key} ${quotedJson(shown)} is not used: ${problem}` };
}
