import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Popover } from './components/Popover.js';
import { connectAppStore } from './stores/appStore.js';
import { applyTheme } from './theme.js';
import './styles.css';

const api = window.codexPresence;
void connectAppStore(api);
api.getSettings().then(
  (s) => applyTheme(s.general.theme),
  () => undefined,
);
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <Popover api={api} />
    </StrictMode>,
  );
}
