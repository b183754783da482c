import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SettingsApp } from './settings/SettingsApp.js';
import { connectAppStore, useAppStore } from './stores/appStore.js';
import { loadSettings } from './stores/settingsStore.js';
import { prefetchHistory, pullHistoryEarly, useHistoryStore } from './stores/historyStore.js';
import { tabForHash } from './settings/fields.js';
import { applyTheme } from './theme.js';
import './styles.css';

const api = window.codexPresence;
// The saved theme (main broadcasts every save to every window).
useAppStore.subscribe((s, prev) => {
  if (s.settings !== null && s.settings !== prev.settings) applyTheme(s.settings.general.theme);
});
void connectAppStore(api);
void loadSettings(api);
// Opened from a popover sparkline (#history): fetch history alongside the settings, not after them.
// Opened on another tab: fetch it once the window is idle, so that History, when chosen, draws at once.
if (tabForHash(window.location.hash) === 'history') pullHistoryEarly(api, useHistoryStore.getState().query);
else requestIdleCallback(() => prefetchHistory(api));
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <SettingsApp api={api} />
    </StrictMode>,
  );
}
