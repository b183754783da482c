import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHANNELS, type AppState, type CodexHomeCheck, type SaveResult, type Settings } from '../src/contract/index.js';
import { resolveCodexHome } from '../src/codex/home.js';
import { listRolloutFiles } from '../src/codex/rolloutFiles.js';
import { applySettings, toSettings, validateSettings, type PresenceConfig } from '../src/config/schema.js';
import type { DiscordClientState } from '../src/discord/client.js';
import {
  claimInstance,
  currentProcessInfo,
  forceInstance,
  instanceRecorder,
  liveInstance,
  stopInstance,
} from '../src/instance/instanceFile.js';
import type { UsageSnapshot } from '../src/usage/types.js';
import type { ElectronEdges, TrayLike, WindowLike } from './edges.js';
import { cliHint, helpText, parseLaunchArgs, type LaunchArgs } from './launchArgs.js';
import { UpdateController } from './updater.js';
import { guard, IpcRejected, isAllowedExternal } from './ipcGuard.js';
import { LoginItem } from './loginItem.js';
import { menuTemplate } from './menuTemplate.js';
import { popoverPosition } from './popoverPosition.js';
import { CoreServices } from './services.js';
import { ThresholdNotifier } from './thresholdNotifier.js';
import { trayIconState, trayTitle, trayTooltip } from './trayPresentation.js';

export interface ConfigPort {
  /** The config path, for messages. */
  readonly path: string;
  load(): Promise<{ config: PresenceConfig; problems: string[]; backupPath: string | null }>;
  save(config: PresenceConfig): Promise<void>;
}

export interface AppOptions {
  edges: ElectronEdges;
  config: ConfigPort;
  appName: string;
  /** How long the popover ignores a blur right after it was shown (a second tray click must not reopen it). */
  blurGuardMs?: number;
}

export const APP_NAME = 'Codex Discord Presence';

/**
 * The tray app: one instance, a tray icon with a context menu, a popover and
 * a settings window, the core services, typed and validated IPC, threshold
 * notifications, and a quit that clears Discord first.
 */
export class TrayApp {
  private readonly edges: ElectronEdges;
  private services: CoreServices | null = null;
  private config: PresenceConfig | null = null;
  private tray: TrayLike | null = null;
  private popover: WindowLike | null = null;
  private settingsWindow: WindowLike | null = null;
  private discord: DiscordClientState = { state: 'connecting' };
  private launchAtLogin = false;
  private readonly loginItem: LoginItem;
  private readonly notifier = new ThresholdNotifier([25, 10, 5], false);
  private shownAt = 0;
  private quitting = false;
  private stopped = false;
  private baseHome: string;
  private readonly recorder: ReturnType<typeof instanceRecorder>;
  private updates: UpdateController | null = null;

  constructor(private readonly opts: AppOptions) {
    this.edges = opts.edges;
    this.loginItem = new LoginItem({
      platform: this.edges.platform,
      app: this.edges.app,
      env: this.edges.env,
      execPath: this.edges.execPath,
      appName: opts.appName,
    });
    this.baseHome = resolveCodexHome({ env: this.edges.env });
    this.recorder = instanceRecorder(this.baseHome);
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
    if (loaded.problems.length > 0) {
      this.edges.log.warn(`config ${this.opts.config.path}: ${loaded.problems.join('; ')}`);
      this.edges.notify({
        title: 'Settings file repaired',
        body: `Some settings were invalid and reset to defaults${loaded.backupPath ? `; your original is saved as ${loaded.backupPath}` : ''}.`,
      });
    }
    this.notifier.configure(this.config.notifications.thresholds, this.config.notifications.on_reset);
    this.launchAtLogin = await this.loginItem.isEnabled();

    await this.becomePublisher();
    this.services = new CoreServices({
      config: this.config,
      env: this.edges.env,
      onSnapshot: (s) => this.onSnapshot(s),
      onDiscordState: (s) => {
        this.discord = s;
        this.pushAppState();
        void this.recorder.record(s);
      },
      onError: (e) => this.edges.log.warn(e.message),
    });
    this.discord = this.services.client.state;
    this.tray = this.edges.createTray('stale');
    this.tray.onClick(() => this.togglePopover());
    this.registerIpc();
    await this.services.start();
    this.startUpdates(this.config.general.check_updates);
    this.rebuildMenu();
    // macOS login items get no arguments: a start at login stays in the tray too.
    const atLogin = this.edges.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
    if (launch?.request === 'show' && !atLogin) this.showPopover();
    else if (launch?.request === 'settings') this.openSettings();
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
    const discord = this.services?.paused
      ? { state: this.discord.state, reason: 'paused' }
      : this.discord.reason === undefined
        ? { state: this.discord.state }
        : { state: this.discord.state, reason: this.discord.reason };
    return {
      discord,
      paused: this.services?.paused ?? false,
      launchAtLogin: this.launchAtLogin,
      version: this.edges.app.getVersion(),
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
    const size = win.getSize();
    const trayBounds = this.tray?.getBounds() ?? null;
    const display = this.edges.displayNear(trayBounds === null ? null : { x: trayBounds.x, y: trayBounds.y });
    const { x, y } = popoverPosition({
      tray: trayBounds,
      window: size,
      display: display.bounds,
      workArea: display.workArea,
    });
    win.setPosition(x, y);
    this.shownAt = this.edges.now();
    win.show();
    win.focus();
  }

  openSettings(): void {
    if (this.settingsWindow !== null && !this.settingsWindow.isDestroyed()) {
      this.settingsWindow.show();
      this.settingsWindow.focus();
      return;
    }
    const win = this.edges.createWindow('settings');
    win.onClosed(() => {
      if (this.settingsWindow === win) this.settingsWindow = null;
    });
    this.settingsWindow = win;
    win.show();
    win.focus();
  }

  async setPaused(paused: boolean): Promise<void> {
    this.services?.setPaused(paused);
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
    const next = applySettings(this.config, settings);
    await this.opts.config.save(next);
    this.config = next;
    this.notifier.configure(next.notifications.thresholds, next.notifications.on_reset);
    await this.services?.applyConfig(next);
    this.updates?.setEnabled(next.general.check_updates);
    if (this.tray !== null && this.services !== null) this.updateTray(this.services.snapshot);
    return { ok: true, settings: toSettings(next) };
  }

  /** Clears the Discord activity (bounded), releases the instance file, then exits. */
  async shutdown(): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    this.updates?.stop();
    try {
      await this.services?.stop(1500);
    } catch (error) {
      this.edges.log.error(`shutdown: ${(error as Error).message}`);
    }
    await this.recorder.release().catch(() => undefined);
    this.tray?.destroy();
    this.stopped = true;
    this.edges.app.exit(0);
  }

  /**
   * There must never be two publishers. A headless `run` gives way to the
   * app: it is asked to stop (SIGTERM, then forced after a grace period).
   */
  private async becomePublisher(): Promise<void> {
    const me = await currentProcessInfo('gui', this.edges.app.getVersion());
    const claim = await claimInstance(this.baseHome, me);
    if (claim.ok) return;
    const owner = await liveInstance(this.baseHome);
    if (owner !== null && owner.kind === 'headless') {
      this.edges.log.info(`taking over from headless run (pid ${owner.pid})`);
      const how = await stopInstance(owner, 3000);
      this.edges.log.info(`headless run ${how}`);
    } else if (owner !== null) {
      this.edges.log.warn(`another app instance (pid ${owner.pid}) holds ${this.baseHome}; taking over its lock`);
    }
    await forceInstance(this.baseHome, me);
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

  private onSnapshot(snapshot: UsageSnapshot): void {
    this.updateTray(snapshot);
    for (const notice of this.notifier.check(snapshot)) this.edges.notify(notice);
    this.broadcast(CHANNELS.snapshotChanged, snapshot);
  }

  private updateTray(snapshot: UsageSnapshot): void {
    if (this.tray === null) return;
    this.tray.setImage(trayIconState(snapshot));
    this.tray.setToolTip(trayTooltip(snapshot, new Date(this.edges.now())));
    if (this.edges.platform === 'darwin')
      this.tray.setTitle(this.config?.general.tray_title ? trayTitle(snapshot) : '');
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
    const services = (): CoreServices => {
      if (this.services === null) throw new Error('the app is not ready yet');
      return this.services;
    };
    on(CHANNELS.getSnapshot, () => services().snapshot);
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
    on(CHANNELS.installUpdate, () => void this.installUpdate());
    on(CHANNELS.checkForUpdates, () => this.updates?.check());
  }
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
