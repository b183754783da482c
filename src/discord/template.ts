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
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const TOKEN_RE = /\{([^{}]*)\}/g;

/** Null when valid; otherwise a message naming the problem and the placeholders that exist. */
export function validateTemplate(template: string): string | null {
  if (template.length > 256) return 'Templates are at most 256 characters.';
  const stripped = template.replace(TOKEN_RE, '');
  if (stripped.includes('{') || stripped.includes('}')) return 'Unbalanced { or }.';
  for (const m of template.matchAll(TOKEN_RE)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      return `Unknown placeholder {${name}}. Use one of: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`;
    }
  }
  return null;
}

const TRAILING_SEP = /[\s·•|,:-]+$/;
const LEADING_SEP = /^[\s·•|,:-]+/;

/**
 * Fills a template. A placeholder whose value is hidden (empty) disappears
 * together with one separator next to it: `{activity} · {project}` with the
 * project hidden reads `Running a command`, and `{a} · {b} · {c}` without b
 * reads `A · C`.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  let out = '';
  let pending = '';
  let dropLeading = false;
  for (const part of template.split(/(\{[^{}]*\})/g)) {
    const m = /^\{([^{}]*)\}$/.exec(part);
    if (m === null) {
      pending += dropLeading ? part.replace(LEADING_SEP, '') : part;
      dropLeading = dropLeading && pending === '';
      continue;
    }
    const value = values[m[1] as Placeholder] ?? '';
    if (value !== '') {
      out += pending + value;
      pending = '';
      dropLeading = false;
    } else if (out === '') {
      dropLeading = true; // nothing before it: take the separator after it
    } else {
      pending = pending.replace(TRAILING_SEP, ''); // take the separator before it
    }
  }
  return (out + pending).trim();
}
