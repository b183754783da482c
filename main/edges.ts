import type { MenuItem } from './menuTemplate.js';
import type { Rect } from './popoverPosition.js';
import type { SenderInfo } from './ipcGuard.js';
import type { TrayIconState } from './trayPresentation.js';
import type { Notice } from './thresholdNotifier.js';
import type { LoginItemApp } from './loginItem.js';
import type { UpdaterLike } from './updater.js';

/**
 * The edges of Electron that the app logic touches, as small interfaces.
 * main/index.ts adapts the real `electron` module to them; tests pass a
 * behavioural mock (test/main/electronMock.ts). Nothing else in main/ imports
 * electron, so every decision here runs under plain Node.
 */
/** What installing the command-line launcher did (main/cliInstaller.ts). */
export interface CliInstallResult {
  ok: boolean;
  /** The launcher written, or null. */
  launcher: string | null;
  onPath: boolean;
  /** What to tell the user, a sentence or two. */
  message: string;
}

export interface TrayLike {
  setImage(state: TrayIconState): void;
  setToolTip(text: string): void;
  setTitle(text: string): void;
  setContextMenu(template: MenuItem[]): void;
  onClick(handler: () => void): void;
  getBounds(): Rect | null;
  destroy(): void;
}

export type WindowKind = 'popover' | 'settings';

export interface WindowLike {
  readonly kind: WindowKind;
  readonly webContentsId: number;
  isDestroyed(): boolean;
  isVisible(): boolean;
  show(): void;
  hide(): void;
  focus(): void;
  setPosition(x: number, y: number): void;
  getSize(): { width: number; height: number };
  /** Sizes the page area (the popover is frameless, so it is the window). */
  setContentSize(width: number, height: number): void;
  send(channel: string, payload: unknown): void;
  onBlur(handler: () => void): void;
  onClosed(handler: () => void): void;
  /** Goes to `#hash` in the page already loaded (a same-document navigation: the page gets `hashchange`). */
  showPage?(hash: string): void;
}

export interface AppLike extends LoginItemApp {
  requestSingleInstanceLock(): boolean;
  /** `argv` is the second launch's command line (main/launchArgs.ts parses it). */
  onSecondInstance(handler: (argv?: readonly string[]) => void): void;
  /** Called before quitting; `preventDefault` defers the quit until cleanup is done. */
  onBeforeQuit(handler: (preventDefault: () => void) => void): void;
  /** Keep running when every window is closed (a tray app). */
  onWindowAllClosed(handler: () => void): void;
  whenReady(): Promise<void>;
  quit(): void;
  exit(code: number): void;
  hideDock(): void;
  getVersion(): string;
  logsPath(): string;
}

export type IpcHandler = (sender: SenderInfo, args: unknown[]) => unknown;

export interface ElectronEdges {
  app: AppLike;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  execPath: string;
  createTray(initial: TrayIconState): TrayLike;
  /** `hash` opens the page at `#hash` (the settings window's History tab: `history`). */
  createWindow(kind: WindowKind, hash?: string): WindowLike;
  /** The display nearest the tray (or the cursor), for placing the popover. */
  displayNear(point: { x: number; y: number } | null): { bounds: Rect; workArea: Rect };
  notify(notice: Notice): void;
  openPath(path: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Registers an `ipcMain.handle` for `channel`; the adapter supplies SenderInfo. */
  handle(channel: string, handler: IpcHandler): void;
  /** Runs the handler on logout or system shutdown (and SIGTERM/SIGINT), so Discord is cleared first. */
  onSystemShutdown(handler: () => void): void;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  now(): number;
  /** process.argv of this launch; absent: no launch arguments (start to the tray). */
  argv?: readonly string[];
  /** app.isPackaged: argv then has no app path after the executable. */
  packaged?: boolean;
  /** Writes to the terminal that started the app (for --version, --help and CLI commands). */
  print?(text: string): Promise<void> | void;
  /** electron-updater's autoUpdater; absent: no update support in this build. */
  updater?: UpdaterLike;
  /** Why updates cannot work in this run (e.g. not installed), or null. */
  updatesUnsupported?: string | null;
  /** "Install command-line tool…" (main/cliInstaller.ts); absent: no menu item. */
  installCli?(): Promise<CliInstallResult>;
  /** Runs `fn` every `ms` until cancelled (the update check); default: an unref'd setInterval. */
  every?(ms: number, fn: () => void): () => void;
}
