import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SettingsApp } from './settings/SettingsApp.js';
import { connectAppStore } from './stores/appStore.js';
import { loadSettings, useSettingsStore } from './stores/settingsStore.js';
import { applyTheme } from './theme.js';
import './styles.css';

const api = window.codexPresence;
void connectAppStore(api);
void loadSettings(api).then(() => {
  const saved = useSettingsStore.getState().saved;
  if (saved !== null) applyTheme(saved.general.theme);
});
useSettingsStore.subscribe((s, prev) => {
  if (s.saved !== prev.saved && s.saved !== null) applyTheme(s.saved.general.theme);
});
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <SettingsApp api={api} />
    </StrictMode>,
  );
}
