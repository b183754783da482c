import { create } from 'zustand';
import type { Api, Settings } from '../../../src/contract/index.js';

interface SettingsStore {
  /** What main has saved. */
  saved: Settings | null;
  /** What the form shows (unsaved edits included). */
  draft: Settings | null;
  errors: Record<string, string>;
  saving: boolean;
  status: 'idle' | 'saved' | 'invalid' | 'failed';
  edit(change: (draft: Settings) => void): void;
  reset(): void;
}

const clone = (s: Settings): Settings => structuredClone(s);

export const useSettingsStore = create<SettingsStore>((set, get) => ({
  saved: null,
  draft: null,
  errors: {},
  saving: false,
  status: 'idle',
  edit(change) {
    const draft = get().draft;
    if (draft === null) return;
    const next = clone(draft);
    change(next);
    set({ draft: next, status: 'idle' });
  },
  reset() {
    const saved = get().saved;
    set({ draft: saved === null ? null : clone(saved), errors: {}, status: 'idle' });
  },
}));

export function isDirty(s: Pick<SettingsStore, 'saved' | 'draft'>): boolean {
  return s.saved !== null && s.draft !== null && JSON.stringify(s.saved) !== JSON.stringify(s.draft);
}

export async function loadSettings(api: Api): Promise<void> {
  const saved = await api.getSettings();
  useSettingsStore.setState({ saved, draft: clone(saved), errors: {}, status: 'idle' });
}

/**
 * Sends the draft to main. Main validates and saves all of it or nothing;
 * per-field errors come back and are shown next to their fields, and the
 * saved copy is only replaced by what main says it saved.
 */
export async function saveSettings(api: Api): Promise<void> {
  const { draft } = useSettingsStore.getState();
  if (draft === null) return;
  useSettingsStore.setState({ saving: true });
  try {
    const result = await api.saveSettings(draft);
    if (result.ok) {
      useSettingsStore.setState({ saved: result.settings, draft: clone(result.settings), errors: {}, status: 'saved' });
    } else {
      useSettingsStore.setState({ errors: result.errors, status: 'invalid' });
    }
  } catch (error) {
    useSettingsStore.setState({
      errors: { _form: error instanceof Error ? error.message : String(error) },
      status: 'failed',
    });
  } finally {
    useSettingsStore.setState({ saving: false });
  }
}
