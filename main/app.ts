import { CHANNELS, type AppState, type SaveResult, type Settings } from '../src/contract/index.js';
import { presenceStateDir } from '../src/instance/stateDir.js';
import { startPublisher, type Publisher, type PublisherState } from '../src/publisher/index.js';
import { AppConfig, type ConfigPort } from './appConfig.js';
import { applicationOf, appStateChanged, appStateOf, lockLogLine } from './appState.js';
import { installCliFromMenu } from './cliInstaller.js';
import { codexHomeOf, inspectCodexHome } from './codexHome.js';
import { appDoctor } from './doctor.js';
import { AppWindows } from './appWindows.js';
import type { ElectronEdges } from './edges.js';
import { guiPublisherOptions } from './guiPublisher.js';
import { ipcTable, registerIpc, type IpcApp } from './ipc.js';
import { launchAnswer, parseLaunchArgs, type LaunchArgs } from './launchArgs.js';
import { LoginItem } from './loginItem.js';
import { Popover } from './popover.js';
import { SettingsWindow } from './settingsWindow.js';
import { ThresholdNotifier } from './thresholdNotifier.js';
import { AppTray } from './tray.js';
import { unrefInterval, UpdateController } from './updater.js';

export interface AppOptions {
  edges: ElectronEdges;
  config: ConfigPort;
  appName: string;
  /** How long the popover ignores a blur right after it was shown (a second tray click must not reopen it). */
  blurGuardMs?: number;
}

export const APP_NAME = 'Codex Discord Presence';

/**
 * The tray app's life cycle: one instance; start (launch arguments, the
 * config, the publisher, tray, windows and IPC); a second launch; and a quit
 * that clears Discord first. What each part shows is its own module's
 * (tray, popover, settingsWindow, ipc); what is published is src/publisher's.
 */
export class TrayApp {
  private readonly edges: ElectronEdges;
  private readonly config: AppConfig;
  private readonly loginItem: LoginItem;
  private readonly notifier = new ThresholdNotifier([25, 10, 5], false);
  private readonly popover: Popover;
  private readonly settingsWindow: SettingsWindow;
  private readonly windows: AppWindows;
  /** Where the publisher lock lives: a folder of ours, never the Codex home (which may not exist yet). */
  private readonly stateDir: string;
  private publisher: Publisher | null = null;
  private tray: AppTray | null = null;
  private updates: UpdateController | null = null;
  private launchAtLogin = false;
  private shuttingDown: Promise<void> | null = null;
  private stopped = false;

  constructor(opts: AppOptions) {
    this.edges = opts.edges;
    this.config = new AppConfig(opts.config, opts.edges);
    this.loginItem = new LoginItem({
      platform: this.edges.platform,
      app: this.edges.app,
      env: this.edges.env,
      execPath: this.edges.execPath,
      appName: opts.appName,
    });
    this.popover = new Popover({
      edges: this.edges,
      trayBounds: () => this.tray?.bounds() ?? null,
      // Limits from the account, at most once a minute; the popover updates when they arrive.
      onShow: () => this.publisher?.refreshAccountLimits(),
      ...(opts.blurGuardMs === undefined ? {} : { blurGuardMs: opts.blurGuardMs }),
    });
    this.settingsWindow = new SettingsWindow(this.edges);
    this.windows = new AppWindows(this.popover, this.settingsWindow);
    this.stateDir = presenceStateDir(this.edges.env, this.edges.platform);
  }

  /** Returns false when another instance already runs (it is asked to show its popover). */
  async start(): Promise<boolean> {
    const { app } = this.edges;
    const launch = this.edges.argv === undefined ? null : this.readLaunchArgs(this.edges.argv);
    const answer = launch === null ? null : launchAnswer(launch, app.getVersion());
    if (answer !== null) {
      await this.edges.print?.(`${answer.text}\n`);
      app.exit(answer.code);
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

    const config = await this.config.load();
    this.notifier.configure(config.notifications.thresholds, config.notifications.onReset);
    this.launchAtLogin = await this.loginItem.isEnabled();
    const publisher = this.startPublishing(config);
    this.tray = new AppTray(this.edges, () => this.popover.toggle());
    registerIpc(this.edges, ipcTable(this.ipcApp()), () => this.windows.trustedIds());
    await publisher.watching;
    this.startUpdates(config.general.checkUpdates);
    this.rebuildMenu();
    // macOS login items get no arguments: a start at login stays in the tray too.
    const atLogin = this.edges.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
    if (launch?.request === 'show' && !atLogin) this.popover.show();
    else if (launch?.request === 'settings') this.settingsWindow.open();
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
    if (launch.request === 'settings') this.settingsWindow.open();
    else if (launch.request === 'quit') this.edges.app.quit();
    else this.popover.show();
  }

  get appState(): AppState {
    return appStateOf(this.publisher?.state ?? null, {
      launchAtLogin: this.launchAtLogin,
      version: this.edges.app.getVersion(),
      platform: this.edges.platform,
      update: this.updates?.state ?? null,
      application: this.config.current === null ? null : applicationOf(this.config.current),
    });
  }

  async saveSettings(settings: Settings): Promise<SaveResult> {
    const saved = await this.config.save(settings);
    if (!saved.ok) return saved;
    const next = saved.config;
    this.notifier.configure(next.notifications.thresholds, next.notifications.onReset);
    await this.publisher?.applyConfig(next, codexHomeOf(next, this.edges.env));
    this.updates?.setEnabled(next.general.checkUpdates);
    const snapshot = this.publisher?.state.snapshot ?? null;
    if (snapshot !== null) this.tray?.show(snapshot, next.general.trayTitle);
    const shown = structuredClone(next);
    // Every open window follows at once: a theme or privacy change must reach the open popover.
    this.windows.broadcast(CHANNELS.settingsChanged, shown);
    this.pushAppState();
    return { ok: true, settings: shown };
  }

  /** Clears the Discord activity (bounded), releases the instance file, then exits. */
  shutdown(): Promise<void> {
    // Every caller (Quit, a logout, a second quit while the first clears Discord) waits for the one shutdown.
    this.shuttingDown ??= this.shutDown();
    return this.shuttingDown;
  }

  private async shutDown(): Promise<void> {
    this.updates?.stop();
    this.windows.close();
    try {
      await this.publisher?.stop(1500);
    } catch (error) {
      this.edges.log.error(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.tray?.destroy();
    this.stopped = true;
    this.edges.app.exit(0);
  }

  private startPublishing(config: Settings): Publisher {
    const publisher = startPublisher(guiPublisherOptions(this.edges, config, this.stateDir, this.config.cost));
    this.publisher = publisher;
    publisher.subscribe((next, previous) => this.onPublisherState(next, previous));
    publisher.settled.catch((error: unknown) =>
      this.edges.log.error(`publisher lock: ${error instanceof Error ? error.message : String(error)}`),
    );
    return publisher;
  }

  /** What changed in the publisher, shown where it shows: the tray and notices, the windows, the log. */
  private onPublisherState(next: PublisherState, previous: PublisherState): void {
    const snapshot = next.snapshot;
    if (snapshot !== previous.snapshot && snapshot !== null) {
      this.tray?.show(snapshot, this.config.current?.general.trayTitle === true);
      for (const notice of this.notifier.check(snapshot)) this.edges.notify(notice);
      this.windows.broadcast(CHANNELS.snapshotChanged, snapshot);
    }
    const line = next.lock === previous.lock ? null : lockLogLine(next.lock);
    if (line !== null) this.edges.log.info(line);
    if (appStateChanged(next, previous)) this.pushAppState();
    if (next.historyRevision !== previous.historyRevision) this.windows.historyChanged();
  }

  private readLaunchArgs(argv: readonly string[]): LaunchArgs {
    const launch = parseLaunchArgs(argv, this.edges.packaged ?? true);
    for (const arg of launch.unknown) this.edges.log.info(`ignoring unknown argument ${JSON.stringify(arg)}`);
    return launch;
  }

  private startUpdates(enabled: boolean): void {
    const updater = this.edges.updater;
    if (updater === undefined) return;
    this.updates = new UpdateController({
      updater,
      unsupported: this.edges.updatesUnsupported ?? null,
      enabled,
      log: this.edges.log,
      now: this.edges.now,
      every: this.edges.every ?? unrefInterval,
      onChange: () => this.pushAppState(),
    });
    this.updates.start();
  }

  private async setLaunchAtLogin(enabled: boolean): Promise<void> {
    this.launchAtLogin = await this.loginItem.setEnabled(enabled);
    this.pushAppState();
  }

  private rebuildMenu(): void {
    const state = this.appState;
    this.tray?.menu(state, {
      open: () => this.popover.show(),
      // The publisher's state change (paused, published) updates the menu and the windows.
      togglePause: () => this.publisher?.setPaused(!state.paused),
      openSettings: () => this.settingsWindow.open(),
      toggleLaunchAtLogin: () => void this.setLaunchAtLogin(!state.launchAtLogin),
      openLogs: () => void this.edges.openPath(this.edges.app.logsPath()),
      quit: () => this.edges.app.quit(),
      // "Restart to update": only ever at the user's request.
      installUpdate: () => void this.updates?.install(),
      installCli: () => void installCliFromMenu(this.edges),
    });
  }

  private pushAppState(): void {
    this.rebuildMenu();
    this.windows.broadcast(CHANNELS.appStateChanged, this.appState);
  }

  /** What each IPC channel does (main/ipc.ts holds the table of shapes and handlers). */
  private ipcApp(): IpcApp {
    const publisher = (): Publisher => {
      if (this.publisher === null) throw new Error('the app is not ready yet');
      return this.publisher;
    };
    return {
      snapshot: () => {
        const snapshot = this.publisher?.state.snapshot ?? null;
        if (snapshot === null) throw new Error('the app is not ready yet');
        return snapshot;
      },
      appState: () => this.appState,
      settings: () => this.config.settings,
      saveSettings: (settings) => this.saveSettings(settings),
      setPaused: (paused) => this.publisher?.setPaused(paused),
      setLaunchAtLogin: (enabled) => this.setLaunchAtLogin(enabled),
      openSettings: (tab) => this.settingsWindow.open(tab),
      openLogs: () => this.edges.openPath(this.edges.app.logsPath()),
      openExternal: (url) => this.edges.openExternal(url),
      quit: () => this.edges.app.quit(),
      inspectCodexHome: (path) => inspectCodexHome(path, this.edges.env),
      resizePopover: (height) => this.popover.resize(height),
      closePopover: () => this.popover.hide(),
      retryDiscord: () => this.publisher?.retryDiscord(),
      doctor: () =>
        appDoctor({
          configPath: this.config.path,
          env: this.edges.env,
          platform: this.edges.platform,
          now: this.edges.now(),
          version: this.edges.app.getVersion(),
          stateDir: this.stateDir,
        }),
      installUpdate: () => void this.updates?.install(),
      checkForUpdates: () => this.updates?.check(),
      getHistory: (query) => publisher().getHistory(query),
      clearHistory: () => publisher().clearHistory(),
    };
  }
}
