import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Popover } from './components/Popover.js';
import { connectAppStore, useAppStore } from './stores/appStore.js';
import { connectHistory } from './stores/historyStore.js';
import { applyTheme } from './theme.js';
import './styles.css';

const api = window.codexPresence;
// The theme follows the saved settings live: a save in the settings window reaches this page at once.
useAppStore.subscribe((s, prev) => {
  if (s.settings !== null && s.settings !== prev.settings) applyTheme(s.settings.general.theme);
  // macOS vibrancy and Windows Mica show through the page a little (styles.css).
  if (s.app !== null && s.app !== prev.app) document.documentElement.dataset.platform = s.app.platform;
});
void connectAppStore(api);
// Sparklines need only the current windows: one day of token usage keeps the answer small.
connectHistory(api, { days: 1 });
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <Popover api={api} />
    </StrictMode>,
  );
}
