import { BrowserWindow, nativeTheme, shell } from 'electron';
import { join } from 'node:path';
import type { WindowKind } from './edges.js';
import { isAllowedExternal } from './ipcGuard.js';

/** The first size, before the popover has measured its content (it then asks for its own height). */
export const POPOVER_SIZE = { width: 360, height: 540 };

/**
 * The popover's backdrop: macOS vibrancy, the Windows 11 Mica material, a
 * solid page elsewhere. The page lets a little of the material through
 * (renderer: `data-platform`). Where Mica is not available (before Windows 11
 * 22H2) Electron ignores the option and the window's own colour, the page's
 * background, shows instead: the same look, solid.
 */
export function popoverMaterial(
  platform: NodeJS.Platform,
  dark: boolean,
): Partial<Electron.BrowserWindowConstructorOptions> {
  if (platform === 'darwin') return { vibrancy: 'popover', visualEffectState: 'active', backgroundColor: '#00000000' };
  if (platform === 'win32') return { backgroundMaterial: 'mica', backgroundColor: dark ? '#17191d' : '#f6f7f9' };
  return {};
}

/**
 * Electron's security checklist, for every window: context isolation and the
 * sandbox on, Node integration off, web security untouched, no navigation
 * away from the app's own page, and no new windows (allowed https links open
 * in the browser instead).
 */
export function createAppWindow(
  kind: WindowKind,
  preloadPath: string,
  rendererUrl: string | null,
  rendererDir: string,
  hash?: string,
): BrowserWindow {
  const popover = kind === 'popover';
  const win = new BrowserWindow({
    ...(popover ? POPOVER_SIZE : { width: 720, height: 760, minWidth: 560, minHeight: 480 }),
    show: false,
    frame: !popover,
    resizable: !popover,
    movable: !popover,
    minimizable: !popover,
    maximizable: !popover,
    fullscreenable: false,
    skipTaskbar: popover, // no taskbar entry for the popover on Windows
    alwaysOnTop: popover,
    title: popover ? 'Codex Discord Presence' : 'Codex Discord Presence — Settings',
    transparent: false,
    ...(popover ? popoverMaterial(process.platform, nativeTheme.shouldUseDarkColors) : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const page = popover ? 'popover.html' : 'settings.html';
  loadPage(win, rendererUrl, rendererDir, page, hash);
  return win;
}

/**
 * Loads an app page, at `#hash` if given. Loading the page that is already
 * shown with another hash is a same-document navigation: the page gets a
 * `hashchange` and keeps its state (the settings window switching to History).
 */
export function loadPage(
  win: BrowserWindow,
  rendererUrl: string | null,
  rendererDir: string,
  page: string,
  hash?: string,
): void {
  if (rendererUrl !== null) void win.loadURL(`${rendererUrl}/${page}${hash === undefined ? '' : `#${hash}`}`);
  else void win.loadFile(join(rendererDir, page), hash === undefined ? {} : { hash });
}
