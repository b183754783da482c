import type { Theme } from '../../src/contract/index.js';

/** Follows `prefers-color-scheme` unless the user chose light or dark. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
