import { isPlaceholder, type Placeholder } from '../settings/template.js';

/** What each placeholder of a `details` / `state` template (src/settings/template.ts) stands for. */
export type TemplateValues = Record<Placeholder, string>;

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
    // Own properties of the fixed table only: `{constructor}` or `{toString}` never reach Discord.
    const name = m[1] ?? '';
    const value = isPlaceholder(name) && Object.hasOwn(values, name) ? values[name] : '';
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
