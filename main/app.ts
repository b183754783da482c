import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CHANNELS,
  type AppState,
  type CodexHomeCheck,
  type DoctorResult,
  type HistoryQuery,
  type SaveResult,
  type Settings,
} from '../src/contract/index.js';
import { resolveCodexHome } from '../src/codex/home.js';
import { listRolloutFiles } from '../src/rollout/files.js';
import { applySettings, toSettings, validateSettings, type PresenceConfig } from '../src/config/schema.js';
import { ConfigFileError, type LoadedConfig, type WriteResult } from '../src/config/store.js';
import { presenceStateDir } from '../src/instance/stateDir.js';
import { presenceDataDir } from '../src/history/location.js';
import { startPublisher, type LockState, type Publisher, type PublisherState } from '../src/publisher/index.js';
import type { UsageSnapshot } from '../src/usage/types.js';
import type { ElectronEdges, TrayLike, WindowLike } from './edges.js';
import { cliHint, helpText, parseLaunchArgs, type LaunchArgs } from './launchArgs.js';
import { UpdateController } from './updater.js';
import { guard, IpcRejected, isAllowedExternal } from './ipcGuard.js';
import { appDoctor } from './doctor.js';
import { LoginItem } from './loginItem.js';
import { menuTemplate } from './menuTemplate.js';
import { POPOVER_WIDTH, popoverHeight, popoverPosition } from './popoverPosition.js';
import { ThresholdNotifier } from './thresholdNotifier.js';
import { trayIconState, trayTitle, trayTooltip } from './trayPresentation.js';

/** The config file as the app uses it: `settingsFile()` from src/config/settingsFile.ts. */
export interface ConfigPort {
  /** The config path, for messages. */
  readonly path: string;
  /** Reads only: problems are reported, not written back, until Settings is saved (issue 11). */
  load(): Promise<LoadedConfig>;
  /** Writes what the settings window changed; resolves to what the file now holds. */
  save(config: PresenceConfig): Promise<WriteResult>;
}

export interface AppOptions {
  edges: ElectronEdges;
  config: ConfigPort;
  appName: string;
  /** How long the popover ignores a blur right after it was shown (a second tray click must not reopen it). */
  blurGuardMs?: number;
}

export const APP_NAME = 'Codex Discord Presence';
/** At most one `historyChanged` per this long. */
export const HISTORY_BROADCAST_MS = 1000;

/**
 * The tray app: one instance, a tray icon with a context menu, a popover and
 * a settings window, the core services, typed and validated IPC, threshold
 * notifications, and a quit that clears Discord first.
 */
export class TrayApp {
  private readonly edges: ElectronEdges;
  private publisher: Publisher | null = null;
  private config: PresenceConfig | null = null;
  private tray: TrayLike | null = null;
  private popover: WindowLike | null = null;
  private settingsWindow: WindowLike | null = null;
  private launchAtLogin = false;
  private readonly loginItem: LoginItem;
  private readonly notifier = new ThresholdNotifier([25, 10, 5], false);
  private shownAt = 0;
  /** The content height the popover last asked for (null until it has measured itself). */
  private wantedHeight: number | null = null;
  private quitting = false;
  private shuttingDown: Promise<void> | null = null;
  private stopped = false;
  /** Where the publisher lock lives: a folder of ours, never the Codex home (which may not exist yet). */
  private readonly stateDir: string;
  private updates: UpdateController | null = null;
  /** Where usage history lives (survives logout, unlike the lock's folder). */
  private readonly dataDir: string;
  private historyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: AppOptions) {
    this.edges = opts.edges;
    this.loginItem = new LoginItem({
      platform: this.edges.platform,
      app: this.edges.app,
      env: this.edges.env,
      execPath: this.edges.execPath,
      appName: opts.appName,
    });
    this.stateDir = presenceStateDir(this.edges.env, this.edges.platform);
    this.dataDir = presenceDataDir(this.edges.env, this.edges.platform, this.edges.env.HOME?.trim() || undefined);
  }

  /** Returns false when another instance already runs (it is asked to show its popover). */
  async start(): Promise<boolean> {
    const { app } = this.edges;
    const launch = this.edges.argv === undefined ? null : this.readLaunchArgs(this.edges.argv);
    if (launch !== null && (launch.cliCommand !== null || launch.version || launch.help)) {
      // Answered here and now, before the lock: a running instance is not disturbed.
      const text =
        launch.cliCommand !== null
          ? cliHint(launch.cliCommand)
          : launch.help
            ? helpText(app.getVersion())
            : app.getVersion();
      await this.edges.print?.(`${text}\n`);
      app.exit(launch.cliCommand !== null ? 2 : 0);
      return false;
    }
    if (!app.requestSingleInstanceLock()) {
      // Electron hands this argv to the running instance ('second-instance').
      app.quit();
      return false;
    }
    if (launch?.request === 'quit') {
      this.edges.log.info('--quit: no other instance runs; nothing to do');
      app.exit(0);
      return false;
    }
    app.onSecondInstance((argv) => this.onSecondLaunch(argv ?? []));
    app.onWindowAllClosed(() => undefined); // a tray app keeps running without windows
    app.onBeforeQuit((preventDefault) => {
      if (this.stopped) return;
      preventDefault();
      void this.shutdown();
    });
    this.edges.onSystemShutdown(() => void this.shutdown());
    await app.whenReady();
    if (this.edges.platform === 'darwin') app.hideDock();

    const loaded = await this.opts.config.load();
    this.config = loaded.config;
    if (loaded.fileError !== null) {
      this.edges.log.warn(`config ${this.opts.config.path} not used: ${loaded.fileError}`);
      this.edges.notify({
        title: 'Settings file not used',
        body: `${this.opts.config.path}: ${loaded.fileError}. Defaults are used and the file is left as it is; saving Settings replaces it (a copy is kept).`,
      });
    } else if (loaded.problems.length > 0) {
      this.edges.log.warn(`config ${this.opts.config.path}: ${loaded.problems.join('; ')}`);
      this.edges.notify({
        title: 'Some settings are invalid',
        body: `Defaults are used for them; the file is not changed until you save Settings (a copy of the original is kept). ${loaded.problems.join('; ')}`,
      });
    }
    this.notifier.configure(this.config.notifications.thresholds, this.config.notifications.on_reset);
    this.launchAtLogin = await this.loginItem.isEnabled();

    const publisher = startPublisher({
      kind: 'gui',
      version: this.edges.app.getVersion(),
      env: this.edges.env,
      config: this.config,
      codexHome: this.codexHomeOf(this.config),
      stateDir: this.stateDir,
      dataDir: this.dataDir,
      log: { watch: (m) => this.edges.log.warn(m), history: (m) => this.edges.log.warn(m) },
      now: () => this.edges.now(),
    });
    this.publisher = publisher;
    publisher.subscribe((next, previous) => this.onPublisherState(next, previous));
    publisher.settled.catch((error: unknown) =>
      this.edges.log.error(`publisher lock: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.tray = this.edges.createTray('stale');
    this.tray.onClick(() => this.togglePopover());
    this.registerIpc();
    await publisher.watching;
    this.startUpdates(this.config.general.check_updates);
    this.rebuildMenu();
    // macOS login items get no arguments: a start at login stays in the tray too.
    const atLogin = this.edges.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
    if (launch?.request === 'show' && !atLogin) this.showPopover();
    else if (launch?.request === 'settings') this.openSettings();
    const lock = await publisher.claimed;
    // Only a process that cannot be identified is refused to the app: it is never signalled.
    if (lock.phase === 'refused')
      throw new Error(
        `pid ${lock.owner.pid} holds ${this.stateDir} but could not be verified as ours; not signalling it`,
      );
    return true;
  }

  /** A second launch: forwarded here by Electron with its argv. */
  onSecondLaunch(argv: readonly string[]): void {
    const launch = this.readLaunchArgs(argv);
    if (launch.request === 'hidden') return; // e.g. the login item while the app already runs
    if (launch.request === 'settings') this.openSettings();
    else if (launch.request === 'quit') this.edges.app.quit();
    else this.showPopover();
  }

  /** "Restart to update": only ever at the user's request. */
  installUpdate(): boolean {
    return this.updates?.install() ?? false;
  }

  async installCli(): Promise<void> {
    if (this.edges.installCli === undefined) return;
    const result = await this.edges.installCli();
    (result.ok ? this.edges.log.info : this.edges.log.warn)(`install command-line tool: ${result.message}`);
    this.edges.notify({
      title: result.ok ? 'Command-line tool installed' : 'Command-line tool not installed',
      body: result.message,
    });
  }

  /** The Codex home the app reads: the one set in Settings, else $CODEX_HOME, else ~/.codex. */
  private codexHomeOf(config: PresenceConfig): string {
    return resolveCodexHome({ explicit: config.general.codex_home || null, env: this.edges.env });
  }

  private readLaunchArgs(argv: readonly string[]): LaunchArgs {
    const launch = parseLaunchArgs(argv, this.edges.packaged ?? true);
    for (const arg of launch.unknown) this.edges.log.info(`ignoring unknown argument ${JSON.stringify(arg)}`);
    return launch;
  }

  private startUpdates(enabled: boolean): void {
    const updater = this.edges.updater;
    if (updater === undefined) return;
    const every =
      this.edges.every ??
      ((ms: number, fn: () => void) => {
        const timer = setInterval(fn, ms);
        timer.unref();
        return () => clearInterval(timer);
      });
    this.updates = new UpdateController({
      updater,
      unsupported: this.edges.updatesUnsupported ?? null,
      enabled,
      log: this.edges.log,
      now: this.edges.now,
      every,
      onChange: () => this.pushAppState(),
    });
    this.updates.start();
  }

  get appState(): AppState {
    const p = this.publisher?.state;
    const base = p === undefined ? { state: 'connecting' as const } : shownDiscord(p);
    const paused = p?.paused ?? false;
    const discord = paused
      ? { state: base.state, reason: 'paused' }
      : base.reason === undefined
        ? { state: base.state }
        : { state: base.state, reason: base.reason };
    return {
      discord,
      paused,
      published: p?.published ?? false,
      shownSessionId: p?.shownSessionId ?? null,
      launchAtLogin: this.launchAtLogin,
      version: this.edges.app.getVersion(),
      platform: this.edges.platform,
      ...(this.updates === null ? {} : { update: this.updates.state }),
    };
  }

  togglePopover(): void {
    if (this.popover !== null && !this.popover.isDestroyed() && this.popover.isVisible()) {
      this.popover.hide();
      return;
    }
    this.showPopover();
  }

  showPopover(): void {
    const win = this.ensurePopover();
    this.placePopover(win);
    this.shownAt = this.edges.now();
    win.show();
    win.focus();
    // Limits from the account, at most once a minute; the popover updates when they arrive.
    this.publisher?.refreshAccountLimits();
  }

  /** Sizes the popover to what its content asked for (clamped to the work area) and places it against the tray. */
  private placePopover(win: WindowLike): void {
    const trayBounds = this.tray?.getBounds() ?? null;
    const display = this.edges.displayNear(trayBounds === null ? null : { x: trayBounds.x, y: trayBounds.y });
    if (this.wantedHeight !== null) {
      const height = popoverHeight(this.wantedHeight, display.workArea);
      const current = win.getSize();
      if (current.height !== height || current.width !== POPOVER_WIDTH) win.setContentSize(POPOVER_WIDTH, height);
    }
    const { x, y } = popoverPosition({
      tray: trayBounds,
      window: win.getSize(),
      display: display.bounds,
      workArea: display.workArea,
    });
    win.setPosition(x, y);
  }

  /** The popover measured its content: fit the window to it, and keep it against the tray. */
  resizePopover(height: number): void {
    this.wantedHeight = height;
    const win = this.popover;
    if (win === null || win.isDestroyed()) return;
    this.placePopover(win);
  }

  hidePopover(): void {
    if (this.popover !== null && !this.popover.isDestroyed()) this.popover.hide();
  }

  retryDiscord(): void {
    this.publisher?.retryDiscord();
  }

  /** The CLI's `doctor` checks, for the app's Codex home and config. */
  doctor(): Promise<DoctorResult> {
    return appDoctor({
      configPath: this.opts.config.path,
      codexHomeOf: (config) => this.codexHomeOf(config),
      env: this.edges.env,
      platform: this.edges.platform,
      now: this.edges.now(),
      version: this.edges.app.getVersion(),
      stateDir: this.stateDir,
    });
  }

  /** Opens (or raises) the settings window; `tab` `history` shows its History tab (a popover sparkline was activated). */
  openSettings(tab?: 'history'): void {
    if (this.settingsWindow !== null && !this.settingsWindow.isDestroyed()) {
      if (tab !== undefined) this.settingsWindow.showPage?.(tab);
      this.settingsWindow.show();
      this.settingsWindow.focus();
      return;
    }
    const win = this.edges.createWindow('settings', tab);
    win.onClosed(() => {
      if (this.settingsWindow === win) this.settingsWindow = null;
    });
    this.settingsWindow = win;
    win.show();
    win.focus();
  }

  async setPaused(paused: boolean): Promise<void> {
    this.publisher?.setPaused(paused);
    this.rebuildMenu();
    this.pushAppState();
  }

  async setLaunchAtLogin(enabled: boolean): Promise<void> {
    this.launchAtLogin = await this.loginItem.setEnabled(enabled);
    this.rebuildMenu();
    this.pushAppState();
  }

  async saveSettings(settings: Settings): Promise<SaveResult> {
    const errors = validateSettings(settings);
    if (Object.keys(errors).length > 0 || this.config === null) return { ok: false, errors };
    let next: PresenceConfig;
    try {
      next = (await this.opts.config.save(applySettings(this.config, settings))).config;
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      return { ok: false, errors: { _form: error.message } };
    }
    this.config = next;
    this.notifier.configure(next.notifications.thresholds, next.notifications.on_reset);
    await this.publisher?.applyConfig(next, this.codexHomeOf(next));
    this.updates?.setEnabled(next.general.check_updates);
    const snapshot = this.publisher?.state.snapshot ?? null;
    if (snapshot !== null) this.updateTray(snapshot);
    const saved = toSettings(next);
    // Every open window follows at once: a theme or privacy change must reach the open popover.
    this.broadcast(CHANNELS.settingsChanged, saved);
    this.pushAppState();
    return { ok: true, settings: saved };
  }

  /** Clears the Discord activity (bounded), releases the instance file, then exits. */
  shutdown(): Promise<void> {
    // Every caller (Quit, a logout, a second quit while the first clears Discord) waits for the one shutdown.
    this.shuttingDown ??= this.shutDown();
    return this.shuttingDown;
  }

  private async shutDown(): Promise<void> {
    this.quitting = true;
    this.updates?.stop();
    if (this.historyTimer !== null) clearTimeout(this.historyTimer);
    try {
      await this.publisher?.stop(1500);
    } catch (error) {
      this.edges.log.error(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.tray?.destroy();
    this.stopped = true;
    this.edges.app.exit(0);
  }

  private ensurePopover(): WindowLike {
    if (this.popover !== null && !this.popover.isDestroyed()) return this.popover;
    const win = this.edges.createWindow('popover');
    const guardMs = this.opts.blurGuardMs ?? 200;
    win.onBlur(() => {
      // Clicking the tray icon blurs the popover first; without this guard
      // that click would hide it and the click handler would show it again.
      if (this.edges.now() - this.shownAt < guardMs) return;
      win.hide();
    });
    win.onClosed(() => {
      if (this.popover === win) this.popover = null;
    });
    this.popover = win;
    return win;
  }

  /** What changed in the publisher, shown where it shows: the tray and notices, the windows, the log. */
  private onPublisherState(next: PublisherState, previous: PublisherState): void {
    if (next.snapshot !== previous.snapshot && next.snapshot !== null) this.onSnapshot(next.snapshot);
    if (next.lock !== previous.lock) this.logLock(next.lock);
    if (
      next.discord !== previous.discord ||
      next.paused !== previous.paused ||
      next.published !== previous.published ||
      next.shownSessionId !== previous.shownSessionId ||
      next.lock !== previous.lock
    )
      this.pushAppState();
    if (next.historyRevision !== previous.historyRevision) this.historyChanged();
  }

  private onSnapshot(snapshot: UsageSnapshot): void {
    this.updateTray(snapshot);
    for (const notice of this.notifier.check(snapshot)) this.edges.notify(notice);
    this.broadcast(CHANNELS.snapshotChanged, snapshot);
  }

  private logLock(lock: LockState): void {
    if (lock.phase === 'waiting') {
      this.edges.log.info(`a codex wrapper (pid ${lock.owner.pid}) publishes; waiting for it to exit`);
    } else if (lock.phase === 'takingOver') {
      const owner = lock.owner;
      this.edges.log.info(
        lock.result === null
          ? `taking over from ${owner.kind === 'gui' ? 'another app instance' : 'a headless run'} (pid ${owner.pid})`
          : `pid ${owner.pid}: ${lock.result}`,
      );
    }
  }

  /**
   * History changed: windows hear of it at most once a second (a backfill
   * reports every file; a window re-asks for the view when told).
   */
  private historyChanged(): void {
    if (this.historyTimer !== null || this.quitting) return;
    this.historyTimer = setTimeout(() => {
      this.historyTimer = null;
      this.broadcast(CHANNELS.historyChanged, null);
    }, HISTORY_BROADCAST_MS);
    this.historyTimer.unref?.();
  }

  private updateTray(snapshot: UsageSnapshot): void {
    if (this.tray === null) return;
    const now = this.edges.now();
    this.tray.setImage(trayIconState(snapshot));
    this.tray.setToolTip(trayTooltip(snapshot, now));
    if (this.edges.platform === 'darwin')
      this.tray.setTitle(this.config?.general.tray_title ? trayTitle(snapshot, now) : '');
  }

  private rebuildMenu(): void {
    if (this.tray === null) return;
    const s = this.appState;
    const label = s.paused ? 'Discord: paused' : `Discord: ${s.discord.state}`;
    this.tray.setContextMenu(
      menuTemplate(
        {
          paused: s.paused,
          launchAtLogin: s.launchAtLogin,
          discordLabel: label,
          updateReady: s.update?.phase === 'ready' ? (s.update.version ?? '') : null,
          canInstallCli: this.edges.installCli !== undefined,
        },
        {
          open: () => this.showPopover(),
          togglePause: () => void this.setPaused(!s.paused),
          openSettings: () => this.openSettings(),
          toggleLaunchAtLogin: () => void this.setLaunchAtLogin(!s.launchAtLogin),
          openLogs: () => void this.edges.openPath(this.edges.app.logsPath()),
          quit: () => this.edges.app.quit(),
          installUpdate: () => void this.installUpdate(),
          installCli: () => void this.installCli(),
        },
      ),
    );
  }

  private pushAppState(): void {
    this.rebuildMenu();
    this.broadcast(CHANNELS.appStateChanged, this.appState);
  }

  private broadcast(channel: string, payload: unknown): void {
    for (const w of [this.popover, this.settingsWindow]) {
      if (w !== null && !w.isDestroyed()) w.send(channel, payload);
    }
  }

  private trustedIds(): Set<number> {
    const ids = new Set<number>();
    for (const w of [this.popover, this.settingsWindow]) if (w !== null && !w.isDestroyed()) ids.add(w.webContentsId);
    return ids;
  }

  private registerIpc(): void {
    const on = (channel: string, handler: (args: unknown[]) => unknown): void => {
      this.edges.handle(channel, async (sender, args) => {
        try {
          guard(channel, sender, this.trustedIds(), args);
          return await handler(args);
        } catch (error) {
          if (error instanceof IpcRejected) this.edges.log.warn(`IPC rejected: ${error.message}`);
          throw error;
        }
      });
    };
    const publisher = (): Publisher => {
      if (this.publisher === null) throw new Error('the app is not ready yet');
      return this.publisher;
    };
    on(CHANNELS.getSnapshot, () => {
      const snapshot = this.publisher?.state.snapshot ?? null;
      if (snapshot === null) throw new Error('the app is not ready yet');
      return snapshot;
    });
    on(CHANNELS.getAppState, () => this.appState);
    on(CHANNELS.getSettings, () => (this.config === null ? null : toSettings(this.config)));
    on(CHANNELS.saveSettings, ([s]) => this.saveSettings(s as Settings));
    on(CHANNELS.setPaused, ([b]) => this.setPaused(b as boolean));
    on(CHANNELS.setLaunchAtLogin, ([b]) => this.setLaunchAtLogin(b as boolean));
    on(CHANNELS.openSettings, () => this.openSettings());
    on(CHANNELS.openLogs, () => this.edges.openPath(this.edges.app.logsPath()));
    on(CHANNELS.openExternal, ([url]) => {
      if (!isAllowedExternal(url as string))
        throw new IpcRejected(`openExternal: ${String(url)} is not an allowed https origin`);
      return this.edges.openExternal(url as string);
    });
    on(CHANNELS.quit, () => this.edges.app.quit());
    on(CHANNELS.inspectCodexHome, ([path]) => inspectCodexHome(path as string, this.edges.env));
    on(CHANNELS.resizePopover, ([height]) => this.resizePopover(height as number));
    on(CHANNELS.closePopover, () => this.hidePopover());
    on(CHANNELS.retryDiscord, () => this.retryDiscord());
    on(CHANNELS.runDoctor, () => this.doctor());
    on(CHANNELS.installUpdate, () => void this.installUpdate());
    on(CHANNELS.checkForUpdates, () => this.updates?.check());
    on(CHANNELS.getHistory, ([query]) => publisher().getHistory(query as HistoryQuery));
    on(CHANNELS.clearHistory, async () => {
      await publisher().clearHistory();
    });
    on(CHANNELS.openHistory, () => this.openSettings('history'));
  }
}

/** The Discord state the app shows: while a `codex` wrapper publishes, who does and until when. */
function shownDiscord(p: PublisherState): { state: AppState['discord']['state']; reason?: string } {
  if (p.lock.phase !== 'waiting') return p.discord;
  return {
    state: 'disabled',
    reason: `a codex wrapper (pid ${p.lock.owner.pid}) is publishing until its codex exits`,
  };
}

/** For the settings window: does this folder look like a Codex home, and how many sessions are there? */
export async function inspectCodexHome(path: string, env: NodeJS.ProcessEnv): Promise<CodexHomeCheck> {
  const home = resolveCodexHome({ explicit: path.trim() || null, env });
  let exists = false;
  try {
    exists = (await stat(home)).isDirectory();
  } catch {
    exists = false;
  }
  return { path: home, exists, sessionFiles: exists ? listRolloutFiles(join(home, 'sessions')).length : 0 };
}
