import { create } from 'zustand';
import type { Api, Settings } from '../../../src/contract/index.js';
import { validateSettings } from '../../../src/settings/settings.js';
import { parseLines, parseMinutes, parseOptionalPercent, parsePercentList, type Parsed } from '../settings/parse.js';

/** Fields edited as free text: what the user types is kept as typed and parsed on blur or Save. */
export type TextKey = 'thresholds' | 'idleAfter' | 'staleMinutes' | 'ignoreProjects' | 'countdown';

export const TEXT_PATH: Record<TextKey, string> = {
  thresholds: 'notifications.thresholds',
  idleAfter: 'idle.afterMinutes',
  staleMinutes: 'general.staleMinutes',
  ignoreProjects: 'ignoreProjects',
  countdown: 'display.countdownBelowPercent',
};

type Texts = Record<TextKey, string>;

function textsOf(s: Settings): Texts {
  return {
    thresholds: s.notifications.thresholds.join(', '),
    idleAfter: String(s.idle.afterMinutes),
    staleMinutes: String(s.general.staleMinutes),
    ignoreProjects: s.ignoreProjects.join('\n'),
    countdown: s.display.countdownBelowPercent === null ? '' : String(s.display.countdownBelowPercent),
  };
}

const PARSERS: { [K in TextKey]: (text: string) => Parsed<unknown> } = {
  thresholds: parsePercentList,
  idleAfter: (t) => parseMinutes(t),
  staleMinutes: (t) => parseMinutes(t),
  ignoreProjects: parseLines,
  countdown: parseOptionalPercent,
};

function put(s: Settings, key: TextKey, value: unknown): void {
  switch (key) {
    case 'thresholds':
      s.notifications.thresholds = value as number[];
      break;
    case 'idleAfter':
      s.idle.afterMinutes = value as number;
      break;
    case 'staleMinutes':
      s.general.staleMinutes = value as number;
      break;
    case 'ignoreProjects':
      s.ignoreProjects = value as string[];
      break;
    case 'countdown':
      s.display.countdownBelowPercent = value as number | null;
      break;
  }
}

/** The draft with every text field parsed in, and the parse errors keyed by settings path. */
export function resolveDraft(draft: Settings, texts: Texts): { settings: Settings; errors: Record<string, string> } {
  const settings = structuredClone(draft);
  const errors: Record<string, string> = {};
  for (const key of Object.keys(PARSERS) as TextKey[]) {
    const r = PARSERS[key](texts[key]);
    if (r.ok) put(settings, key, r.value);
    else errors[TEXT_PATH[key]] = r.error;
  }
  return { settings, errors: { ...validateSettings(settings), ...errors } };
}

interface SettingsStore {
  /** What main has saved. */
  saved: Settings | null;
  /** What the form shows (unsaved edits included). */
  draft: Settings | null;
  texts: Texts;
  /** Launch at login applies on Save like everything else. */
  launchAtLogin: { saved: boolean; draft: boolean };
  /** Paths the user has edited: their errors show as they type. After a Save attempt, every error shows. */
  touched: string[];
  attempted: boolean;
  /** Errors main returned, until their field is edited. */
  serverErrors: Record<string, string>;
  saving: boolean;
  status: 'idle' | 'saved' | 'invalid' | 'failed';
  edit(path: string, change: (draft: Settings) => void): void;
  setText(key: TextKey, text: string): void;
  /** On blur: a valid text is parsed into the draft and shown in its normal form. */
  commitText(key: TextKey): void;
  setLaunchAtLogin(on: boolean): void;
  reset(): void;
}

const EMPTY_TEXTS: Texts = { thresholds: '', idleAfter: '', staleMinutes: '', ignoreProjects: '', countdown: '' };

function without(errors: Record<string, string>, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) if (k !== path && !k.startsWith(`${path}.`)) out[k] = v;
  return out;
}

export const useSettingsStore = create<SettingsStore>((set, get) => ({
  saved: null,
  draft: null,
  texts: EMPTY_TEXTS,
  launchAtLogin: { saved: false, draft: false },
  touched: [],
  attempted: false,
  serverErrors: {},
  saving: false,
  status: 'idle',
  edit(path, change) {
    const { draft, touched, serverErrors } = get();
    if (draft === null) return;
    const next = structuredClone(draft);
    change(next);
    set({
      draft: next,
      status: 'idle',
      touched: touched.includes(path) ? touched : [...touched, path],
      serverErrors: without(serverErrors, path),
    });
  },
  setText(key, text) {
    const { texts, touched, serverErrors } = get();
    const path = TEXT_PATH[key];
    set({
      texts: { ...texts, [key]: text },
      status: 'idle',
      touched: touched.includes(path) ? touched : [...touched, path],
      serverErrors: without(serverErrors, path),
    });
  },
  commitText(key) {
    const { draft, texts } = get();
    if (draft === null) return;
    const r = PARSERS[key](texts[key]);
    if (!r.ok) return; // keep what was typed; the error says why
    const next = structuredClone(draft);
    put(next, key, r.value);
    set({ draft: next, texts: { ...texts, [key]: textsOf(next)[key] } });
  },
  setLaunchAtLogin(on) {
    set({ launchAtLogin: { ...get().launchAtLogin, draft: on }, status: 'idle' });
  },
  reset() {
    const { saved, launchAtLogin } = get();
    set({
      draft: saved === null ? null : structuredClone(saved),
      texts: saved === null ? EMPTY_TEXTS : textsOf(saved),
      launchAtLogin: { ...launchAtLogin, draft: launchAtLogin.saved },
      touched: [],
      attempted: false,
      serverErrors: {},
      status: 'idle',
    });
  },
}));

type State = Pick<SettingsStore, 'saved' | 'draft' | 'texts' | 'launchAtLogin'>;

export function isDirty(s: State): boolean {
  if (s.saved === null || s.draft === null) return false;
  if (s.launchAtLogin.saved !== s.launchAtLogin.draft) return true;
  if (JSON.stringify(textsOf(s.saved)) !== JSON.stringify(s.texts)) return true;
  return JSON.stringify(s.saved) !== JSON.stringify(s.draft);
}

/** The errors to show now: live validation for what was edited (all of it after a Save attempt), and main's. */
export function visibleErrors(
  s: Pick<SettingsStore, 'draft' | 'texts' | 'touched' | 'attempted' | 'serverErrors'>,
): Record<string, string> {
  if (s.draft === null) return {};
  const live = resolveDraft(s.draft, s.texts).errors;
  const shown: Record<string, string> = {};
  for (const [path, message] of Object.entries(live)) {
    if (s.attempted || s.touched.some((t) => path === t || path.startsWith(`${t}.`))) shown[path] = message;
  }
  return { ...s.serverErrors, ...shown };
}

export async function loadSettings(api: Api): Promise<void> {
  const [saved, app] = await Promise.all([api.getSettings(), api.getAppState()]);
  useSettingsStore.setState({
    saved,
    draft: structuredClone(saved),
    texts: textsOf(saved),
    launchAtLogin: { saved: app.launchAtLogin, draft: app.launchAtLogin },
    touched: [],
    attempted: false,
    serverErrors: {},
    status: 'idle',
  });
}

/**
 * Saves everything at once (launch at login included). Nothing is sent while
 * a field is invalid; main validates again and saves all of it or nothing.
 * Resolves to the error paths (empty when saved), so the form can focus the
 * first one.
 */
export async function saveSettings(api: Api): Promise<string[]> {
  const state = useSettingsStore.getState();
  if (state.draft === null) return [];
  const { settings, errors } = resolveDraft(state.draft, state.texts);
  if (Object.keys(errors).length > 0) {
    useSettingsStore.setState({ attempted: true, status: 'invalid' });
    return Object.keys(errors);
  }
  useSettingsStore.setState({ saving: true, attempted: true });
  try {
    const result = await api.saveSettings(settings);
    if (!result.ok) {
      useSettingsStore.setState({ serverErrors: result.errors, status: 'invalid' });
      return Object.keys(result.errors);
    }
    const login = state.launchAtLogin;
    if (login.draft !== login.saved) await api.setLaunchAtLogin(login.draft);
    useSettingsStore.setState({
      saved: result.settings,
      draft: structuredClone(result.settings),
      texts: textsOf(result.settings),
      launchAtLogin: { saved: login.draft, draft: login.draft },
      touched: [],
      attempted: false,
      serverErrors: {},
      status: 'saved',
    });
    return [];
  } catch (error) {
    useSettingsStore.setState({
      serverErrors: { _form: error instanceof Error ? error.message : String(error) },
      status: 'failed',
    });
    return [];
  } finally {
    useSettingsStore.setState({ saving: false });
  }
}
