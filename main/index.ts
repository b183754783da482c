import {
  app,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  powerMonitor,
  screen,
  shell,
  Tray,
} from 'electron';
import log from 'electron-log/main';
import electronUpdater from 'electron-updater';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveCodexHome } from '../src/codex/home.js';
import { CONFIG_FILE_NAME } from '../src/config/store.js';
import { settingsFile } from '../src/config/settingsFile.js';
import { APP_NAME, TrayApp } from './app.js';
import type { ConfigPort } from './appConfig.js';
import type { ElectronEdges, TrayLike, WindowLike } from './edges.js';
import { trayIconFile, type TrayIconState } from './trayPresentation.js';
import { createAppWindow, loadPage } from './windows.js';
import { installCliLauncher, refreshStableBundle, type CliInstallDeps } from './cliInstaller.js';
import { withE2EHook } from './e2eHook.js';
import { updateSupport } from './updater.js';

// Rotating log file in the app's logs folder (1 MB, one old file kept).
log.initialize();
log.transports.file.maxSize = 1024 * 1024;
log.errorHandler.startCatching();

const here = dirname(fileURLToPath(import.meta.url));
const assets = app.isPackaged ? join(process.resourcesPath, 'assets') : join(here, '..', '..', 'assets');
const preloadPath = join(here, '..', 'preload', 'index.cjs');
const rendererDir = join(here, '..', 'renderer');
const rendererUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;

/** Tray images per platform (scripts/generate-icons.mjs): macOS templates, .ico on Windows, light/dark PNGs on Linux. */
function trayImage(state: TrayIconState): Electron.NativeImage {
  const file = trayIconFile(process.platform, state, nativeTheme.shouldUseDarkColors);
  const image = nativeImage.createFromPath(join(assets, 'tray', file));
  if (process.platform === 'darwin') image.setTemplateImage(true);
  return image;
}

function wrapTray(initial: TrayIconState): TrayLike {
  const tray = new Tray(trayImage(initial));
  let current = initial;
  // A Linux panel's theme can change while the app runs: swap to the matching variant.
  if (process.platform === 'linux') nativeTheme.on('updated', () => tray.setImage(trayImage(current)));
  return {
    setImage: (state) => {
      current = state;
      tray.setImage(trayImage(state));
    },
    setToolTip: (text) => tray.setToolTip(text),
    setTitle: (text) => tray.setTitle(text),
    // Linux only picks up menu changes when the menu is set again.
    setContextMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
    onClick: (handler) => tray.on('click', handler),
    getBounds: () => (process.platform === 'linux' ? null : tray.getBounds()),
    destroy: () => tray.destroy(),
  };
}

function wrapWindow(kind: 'popover' | 'settings', hash?: string): WindowLike {
  const win = createAppWindow(kind, preloadPath, rendererUrl, rendererDir, hash);
  const webContentsId = win.webContents.id;
  return {
    kind,
    webContentsId,
    isDestroyed: () => win.isDestroyed(),
    isVisible: () => win.isVisible(),
    show: () => win.show(),
    hide: () => win.hide(),
    focus: () => win.focus(),
    setPosition: (x, y) => win.setPosition(x, y),
    setContentSize: (width, height) => win.setContentSize(width, height),
    getSize: () => {
      const [width = 360, height = 540] = win.getSize();
      return { width, height };
    },
    send: (channel, payload) => {
      if (!win.isDestroyed()) win.webContents.send(channel, payload);
    },
    onBlur: (handler) => win.on('blur', handler),
    onClosed: (handler) => win.on('closed', handler),
    showPage: (pageHash) => {
      if (!win.isDestroyed()) loadPage(win, rendererUrl, rendererDir, `${kind}.html`, pageHash);
    },
  };
}

/**
 * The config file, written by the core writer (lock, compare before replace,
 * unknown keys kept) that `run` and `config migrate` use too, so the app and
 * the CLI never lose each other's changes (issue 11).
 */
function configPort(): ConfigPort {
  return settingsFile(join(resolveCodexHome({ env: process.env }), CONFIG_FILE_NAME));
}

const edges: ElectronEdges = {
  app: {
    requestSingleInstanceLock: () => app.requestSingleInstanceLock(),
    onSecondInstance: (handler) => app.on('second-instance', (_event, argv) => handler(argv)),
    onBeforeQuit: (handler) => app.on('before-quit', (event) => handler(() => event.preventDefault())),
    onWindowAllClosed: (handler) => app.on('window-all-closed', handler),
    whenReady: () => app.whenReady(),
    quit: () => app.quit(),
    exit: (code) => app.exit(code),
    hideDock: () => app.dock?.hide(),
    getVersion: () => app.getVersion(),
    logsPath: () => app.getPath('logs'),
    getLoginItemSettings: () => app.getLoginItemSettings(),
    setLoginItemSettings: (s) => app.setLoginItemSettings(s),
  },
  platform: process.platform,
  env: process.env,
  execPath: process.execPath,
  createTray: wrapTray,
  createWindow: wrapWindow,
  displayNear: (point) => {
    const d =
      point === null
        ? screen.getDisplayNearestPoint(screen.getCursorScreenPoint())
        : screen.getDisplayNearestPoint(point);
    return { bounds: d.bounds, workArea: d.workArea };
  },
  notify: (notice) => {
    if (Notification.isSupported()) new Notification({ title: notice.title, body: notice.body, silent: false }).show();
  },
  openPath: async (path) => {
    await shell.openPath(path);
  },
  openExternal: (url) => shell.openExternal(url),
  handle: (channel, handler) =>
    ipcMain.handle(channel, (event, ...args) =>
      handler(
        {
          webContentsId: event.sender.id,
          isMainFrame: event.senderFrame?.parent === null,
          url: event.senderFrame?.url ?? '',
        },
        args,
      ),
    ),
  onSystemShutdown: (handler) => {
    powerMonitor.on('shutdown', handler);
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  },
  log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
  now: () => Date.now(),
  argv: process.argv,
  packaged: app.isPackaged,
  // Resolves once written: on macOS a pipe is asynchronous, and the app exits right after.
  print: (text) => new Promise<void>((resolve) => process.stdout.write(text, () => resolve())),
  updater: updater(),
  updatesUnsupported: updateSupport({
    packaged: app.isPackaged,
    platform: process.platform,
    env: process.env,
    besideExecutable: safe(() => readdirSync(dirname(process.execPath)), []),
    packageType: safe(() => readFileSync(join(process.resourcesPath, 'package-type'), 'utf8'), null),
  }),
  installCli: () => installCliLauncher(cliDeps()),
};

/** electron-updater with the GitHub provider written into app-update.yml by electron-builder (`publish`). */
function updater() {
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = log;
  return autoUpdater;
}

/** The CLI bundle the app carries (electron-builder extraResources → resources/cli/index.mjs). */
function cliDeps(): CliInstallDeps {
  return {
    platform: process.platform,
    env: process.env,
    home: app.getPath('home'),
    bundlePath: app.isPackaged ? join(process.resourcesPath, 'cli', 'index.mjs') : join(here, '..', 'cli', 'index.mjs'),
    stableDir: app.getPath('userData'),
  };
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

if (app.isPackaged && existsSync(join(process.resourcesPath, 'cli', 'index.mjs'))) {
  void app
    .whenReady()
    .then(() =>
      refreshStableBundle(cliDeps()).catch((error: unknown) =>
        log.warn(`CLI bundle copy not refreshed: ${String(error)}`),
      ),
    );
}

void new TrayApp({ edges: withE2EHook(edges), config: configPort(), appName: 'codex-discord-presence' })
  .start()
  .catch((error: unknown) => {
    log.error(
      `${APP_NAME} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    app.exit(1);
  });
