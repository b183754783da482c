import type { AppLike, ElectronEdges, IpcHandler, TrayLike, WindowKind, WindowLike } from '../../main/edges.js';
import type { SenderInfo } from '../../main/ipcGuard.js';
import type { MenuItem } from '../../main/menuTemplate.js';
import type { Rect } from '../../main/popoverPosition.js';
import type { Notice } from '../../main/thresholdNotifier.js';
import type { TrayIconState } from '../../main/trayPresentation.js';

/**
 * One small behavioural stand-in for the Electron edges the app touches:
 * windows remember whether they are visible and where; the tray remembers its
 * image, tooltip and menu; the app remembers its lock, login item and exit.
 * Tests assert on that state, not on calls.
 */
export class MockWindow implements WindowLike {
  visible = false;
  destroyed = false;
  position = { x: -1, y: -1 };
  focused = false;
  readonly sent: Array<[string, unknown]> = [];
  /** The `#hash` the page was loaded at or last moved to (null: none). */
  hash: string | null = null;
  private blur: Array<() => void> = [];
  private closed: Array<() => void> = [];

  constructor(
    readonly kind: WindowKind,
    readonly webContentsId: number,
  ) {}

  isDestroyed = () => this.destroyed;
  isVisible = () => this.visible;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => void (this.focused = true);
  setPosition = (x: number, y: number) => void (this.position = { x, y });
  size = { width: 360, height: 540 };
  getSize = () => ({ ...this.size });
  setContentSize = (width: number, height: number) => void (this.size = { width, height });
  send = (channel: string, payload: unknown) => void this.sent.push([channel, payload]);
  onBlur = (h: () => void) => void this.blur.push(h);
  onClosed = (h: () => void) => void this.closed.push(h);
  showPage = (hash: string) => void (this.hash = hash);
  /** The user clicked elsewhere. */
  emitBlur(): void {
    this.focused = false;
    for (const h of this.blur) h();
  }
  close(): void {
    this.destroyed = true;
    this.visible = false;
    for (const h of this.closed) h();
  }
}

export class MockTray implements TrayLike {
  image: TrayIconState;
  tooltip = '';
  title = '';
  menu: MenuItem[] = [];
  destroyed = false;
  bounds: Rect | null = { x: 1500, y: 0, width: 24, height: 24 };
  private click: Array<() => void> = [];
  constructor(initial: TrayIconState) {
    this.image = initial;
  }
  setImage = (s: TrayIconState) => void (this.image = s);
  setToolTip = (t: string) => void (this.tooltip = t);
  setTitle = (t: string) => void (this.title = t);
  setContextMenu = (m: MenuItem[]) => void (this.menu = m);
  onClick = (h: () => void) => void this.click.push(h);
  getBounds = () => this.bounds;
  destroy = () => void (this.destroyed = true);
  emitClick(): void {
    for (const h of this.click) h();
  }
  menuItem(label: string): MenuItem {
    const item = this.menu.find((m) => m.label === label);
    if (item === undefined) throw new Error(`no menu item ${label}`);
    return item;
  }
}

export class MockApp implements AppLike {
  lockAvailable = true;
  exitCode: number | null = null;
  quitRequested = false;
  dockHidden = false;
  loginItem = { openAtLogin: false };
  private secondInstance: Array<() => void> = [];
  private beforeQuit: Array<(prevent: () => void) => void> = [];
  requestSingleInstanceLock = () => this.lockAvailable;
  onSecondInstance = (h: () => void) => void this.secondInstance.push(h);
  onBeforeQuit = (h: (prevent: () => void) => void) => void this.beforeQuit.push(h);
  onWindowAllClosed = () => undefined;
  whenReady = () => Promise.resolve();
  /** Like Electron: before-quit handlers may defer; otherwise the app exits. */
  quit = (): void => {
    this.quitRequested = true;
    let prevented = false;
    for (const h of this.beforeQuit) h(() => (prevented = true));
    if (!prevented) this.exitCode = 0;
  };
  exit = (code: number) => void (this.exitCode = code);
  hideDock = () => void (this.dockHidden = true);
  getVersion = () => '0.1.0';
  logsPath = () => '/tmp/logs';
  getLoginItemSettings = () => ({ ...this.loginItem });
  setLoginItemSettings = (s: { openAtLogin: boolean }) => void (this.loginItem = { openAtLogin: s.openAtLogin });
  launchSecondInstance(): void {
    for (const h of this.secondInstance) h();
  }
}

export class MockElectron implements ElectronEdges {
  readonly app = new MockApp();
  readonly windows: MockWindow[] = [];
  tray: MockTray | null = null;
  readonly notices: Notice[] = [];
  readonly opened: string[] = [];
  readonly logs: string[] = [];
  readonly handlers = new Map<string, IpcHandler>();
  private shutdownHandlers: Array<() => void> = [];
  private nextId = 100;
  now = (): number => this.clock;
  clock = Date.now();

  constructor(
    readonly platform: NodeJS.Platform,
    readonly env: NodeJS.ProcessEnv,
    readonly execPath = '/opt/Codex Discord Presence/codex-discord-presence',
  ) {}

  createTray = (initial: TrayIconState) => (this.tray = new MockTray(initial));
  createWindow = (kind: WindowKind, hash?: string) => {
    const w = new MockWindow(kind, this.nextId++);
    w.hash = hash ?? null;
    this.windows.push(w);
    return w;
  };
  displayNear = () => ({
    bounds: { x: 0, y: 0, width: 1920, height: 1080 },
    workArea: { x: 0, y: 25, width: 1920, height: 1055 },
  });
  notify = (n: Notice) => void this.notices.push(n);
  openPath = async (p: string) => void this.opened.push(p);
  openExternal = async (u: string) => void this.opened.push(u);
  handle = (channel: string, handler: IpcHandler) => void this.handlers.set(channel, handler);
  onSystemShutdown = (h: () => void) => void this.shutdownHandlers.push(h);
  log = {
    info: (m: string) => void this.logs.push(`info ${m}`),
    warn: (m: string) => void this.logs.push(`warn ${m}`),
    error: (m: string) => void this.logs.push(`error ${m}`),
  };

  /** Sends an IPC message as a renderer would (`ipcRenderer.invoke`). */
  async invoke(
    channel: string,
    sender: Partial<SenderInfo> & { webContentsId: number },
    ...args: unknown[]
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    return handler({ isMainFrame: true, url: 'file:///app/out/renderer/popover.html', ...sender }, args);
  }

  window(kind: WindowKind): MockWindow | undefined {
    return this.windows.filter((w) => w.kind === kind && !w.destroyed).at(-1);
  }

  systemShutdown(): void {
    for (const h of this.shutdownHandlers) h();
  }
}
