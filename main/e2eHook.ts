import type { ElectronEdges, TrayLike, WindowLike } from './edges.js';
import type { MenuItem } from './menuTemplate.js';

/** What the end-to-end tests (test/e2e/) read through `electronApp.evaluate`. */
export interface E2EHook {
  trayCreated(): boolean;
  trayToolTip(): string;
  menuLabels(): string[];
  /** Clicks a tray-menu item by label, as a person would. */
  clickMenu(label: string): void;
  windows(): Array<{ kind: string; visible: boolean; webContentsId: number }>;
}

export const E2E_FLAG = 'CODEX_PRESENCE_E2E';
export const E2E_GLOBAL = '__codexPresenceE2E';

/**
 * With CODEX_PRESENCE_E2E=1 only, the tray (which Playwright cannot see: it
 * is not a window) is recorded and exposed as `globalThis.__codexPresenceE2E`
 * in the main process. Without the flag the edges are returned untouched and
 * nothing is exposed.
 */
export function withE2EHook(edges: ElectronEdges, target: Record<string, unknown> = globalThis): ElectronEdges {
  if (edges.env[E2E_FLAG] !== '1') return edges;
  let tray: TrayLike | null = null;
  let menu: MenuItem[] = [];
  let tooltip = '';
  const windows: WindowLike[] = [];
  const hook: E2EHook = {
    trayCreated: () => tray !== null,
    trayToolTip: () => tooltip,
    menuLabels: () => menu.flatMap((m) => (m.label === undefined ? [] : [m.label])),
    clickMenu: (label) => {
      const item = menu.find((m) => m.label === label);
      if (item?.click === undefined) throw new Error(`no clickable tray-menu item "${label}"`);
      item.click();
    },
    windows: () =>
      windows
        .filter((w) => !w.isDestroyed())
        .map((w) => ({ kind: w.kind, visible: w.isVisible(), webContentsId: w.webContentsId })),
  };
  target[E2E_GLOBAL] = hook;
  edges.log.info(`${E2E_FLAG}=1: end-to-end test hook exposed`);
  return {
    ...edges,
    createTray: (initial) => {
      const real = edges.createTray(initial);
      tray = real;
      return {
        ...real,
        setToolTip: (text) => {
          tooltip = text;
          real.setToolTip(text);
        },
        setContextMenu: (template) => {
          menu = template;
          real.setContextMenu(template);
        },
        destroy: () => {
          tray = null;
          real.destroy();
        },
      };
    },
    createWindow: (kind, hash) => {
      const win = edges.createWindow(kind, hash);
      windows.push(win);
      return win;
    },
  };
}
