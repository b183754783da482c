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
import { runDoctor } from '../src/cli/doctor.js';
import { resolveCodexHome } from '../src/codex/home.js';
import { listRolloutFiles } from '../src/rollout/files.js';
import { ConfigFileError, type LoadedConfig, type WriteResult } from '../src/config/store.js';
import { tidySettings, validateSettings } from '../src/settings/settings.js';
import type { DiscordClientState } from '../src/discord/client.js';
import {
  claimInstance,
  currentProcessInfo,
  instanceRecorder,
  stopInstance,
  waitForRelease,
  type InstanceInfo,
} from '../src/instance/instanceFile.js';
import { presenceStateDir } from '../src/instance/stateDir.js';
import { presenceDataDir } from '../src/history/location.js';
import type { UsageSnapshot } from '../src/usage/types.js';
import type { ElectronEdges, TrayLike, WindowLike } from './edges.js';
import { cliHint, helpText, parseLaunchArgs, type LaunchArgs } from './launchArgs.js';
import { UpdateController } from './updater.js';
import { guard, IpcRejected, isAllowedExternal } from './ipcGuard.js';
import { LoginItem } from './loginItem.js';
import { menuTemplate } from './menuTemplate.js';
import { POPOVER_WIDTH, popoverHeight, popoverPosition } from './popoverPosition.js';
import { CoreServices } from './services.js';
import { ThresholdNotifier } from './thresholdNotifier.js';
import { trayIconState, trayTitle, trayTooltip } from './trayPresentation.js';

/** The config file as the app uses it: `settingsFile()` from src/config/settingsFile.ts. */
export interface ConfigPort {
  /** The config path, for messages. */
  readonly path: string;
  /** Reads only: problems are reported, not written back, until Settings is saved (issue 11). */
  load(): Promise<LoadedConfig>;
  /** Writes what the settings window changed; resolves to what the file now holds. */
  save(config: Settings): Promise<WriteResult>;
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
  private services: CoreServices | null = null;
  private config: Settings | null = null;
  private tray: TrayLike | null = null;
  private popover: WindowLike | null = null;
  private settingsWindow: WindowLike | null = null;
  private discord: DiscordClientState = { state: 'connecting' };
  private launchAtLogin = false;
  private readonly loginItem: LoginItem;
  private readonly notifier = new ThresholdNotifier([25, 10, 5], false);
  private shownAt = 0;
  /** The content height the popover last asked for (null until it has measured itself). */
  private wantedHeight: number | null = null;
  private lastPublished = false;
  private quitting = false;
  private stopped = false;
  /** Where the publisher lock lives: a folder of ours, never the Codex home (which may not exist yet). */
  private readonly stateDir: string;
  private readonly recorder: ReturnType<typeof instanceRecorder>;
  private resolveQuit: () => void = () => undefined;
  private readonly quitPromise = new Promise<void>((resolve) => (this.resolveQuit = resolve));
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
    this.recorder = instanceRecorder(this.stateDir);
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
    this.notifier.configure(this.config.notifications.thresholds, this.config.notifications.onReset);
    this.launchAtLogin = await this.loginItem.isEnabled();

    this.services = new CoreServices({
      config: this.config,
      env: this.edges.env,
      appVersion: this.edges.app.getVersion(),
      onSnapshot: (s) => this.onSnapshot(s),
      onDiscordState: (s) => {
        this.discord = s;
        this.pushAppState();
        void this.recorder.record(s);
      },
      onError: (e) => this.edges.log.warn(e.message),
      dataDir: this.dataDir,
      onHistoryChanged: () => this.historyChanged(),
      now: () => this.edges.now(),
    });
    this.discord = this.services.client.state;
    this.tray = this.edges.createTray('stale');
    this.tray.onClick(() => this.togglePopover());
    this.registerIpc();
    await this.services.startWatching();
    this.startUpdates(this.config.general.checkUpdates);
    this.rebuildMenu();
    // macOS login items get no arguments: a start at login stays in the tray too.
    const atLogin = this.edges.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
    if (launch?.request === 'show' && !atLogin) this.showPopover();
    else if (launch?.request === 'settings') this.openSettings();
    await this.publishWhenFree();
    return true;
  }

  /**
   * Publishes once this process holds the lock. A `codex` wrapper that
   * publishes is never signalled (that would end the user's codex): the app
   * shows who publishes and waits for that codex to exit, in the background.
   */
  private async publishWhenFree(): Promise<void> {
    const owner = await this.becomePublisher();
    if (owner === null) {
      this.services?.startPublishing();
      return;
    }
    this.edges.log.info(`a codex wrapper (pid ${owner.pid}) publishes; waiting for it to exit`);
    this.discord = {
      state: 'disabled',
      reason: `a codex wrapper (pid ${owner.pid}) is publishing until its codex exits`,
    };
    this.pushAppState();
    void (async () => {
      for (;;) {
        if ((await waitForRelease(this.stateDir, owner, this.quitPromise)) === 'aborted') return;
        const next = await this.becomePublisher();
        if (next === null) break;
      }
      if (this.quitting || this.services === null) return;
      this.discord = this.services.client.state;
      this.services.startPublishing();
      this.pushAppState();
    })().catch((error: unknown) => this.edges.log.error(`publisher lock: ${(error as Error).message}`));
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
    const paused = this.services?.paused ?? false;
    return {
      discord,
      paused,
      published: this.isPublished(),
      launchAtLogin: this.launchAtLogin,
      version: this.edges.app.getVersion(),
      platform: this.edges.platform,
      ...(this.updates === null ? {} : { update: this.updates.state }),
    };
  }

  /** Is an activity really on Discord now: connected, not paused, and one is set (not cleared while idle)? */
  private isPublished(): boolean {
    const services = this.services;
    if (services === null || services.paused) return false;
    return this.discord.state === 'connected' && services.activity !== null;
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
    this.services?.refreshAccountLimits();
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
    this.services?.retryDiscord();
  }

  /** The CLI's `doctor` checks, for the app's Codex home and config. */
  async doctor(): Promise<DoctorResult> {
    const report = await runDoctor(
      // The app's own config file; the Codex home comes from it, as the CLI resolves it.
      { codexHome: null, config: this.opts.config.path, verbose: false, json: false },
      { stdout: () => undefined, stderr: () => undefined, env: this.edges.env, now: () => this.edges.now() },
      this.edges.platform,
    );
    return {
      ok: report.ok,
      checks: report.checks.map((c) => ({ ...c })),
      notes: report.notes,
    };
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
    let next: Settings;
    try {
      next = (await this.opts.config.save(tidySettings(settings))).config;
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      return { ok: false, errors: { _form: error.message } };
    }
    this.config = next;
    this.notifier.configure(next.notifications.thresholds, next.notifications.onReset);
    await this.services?.applyConfig(next);
    this.updates?.setEnabled(next.general.checkUpdates);
    if (this.tray !== null && this.services !== null) this.updateTray(this.services.snapshot);
    const saved = structuredClone(next);
    // Every open window follows at once: a theme or privacy change must reach the open popover.
    this.broadcast(CHANNELS.settingsChanged, saved);
    this.pushAppState();
    return { ok: true, settings: saved };
  }

  /** Clears the Discord activity (bounded), releases the instance file, then exits. */
  async shutdown(): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    this.resolveQuit();
    this.updates?.stop();
    if (this.historyTimer !== null) clearTimeout(this.historyTimer);
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
   * There must never be two publishers (docs/architecture.md, "One
   * publisher"). A headless `run` gives way to the app: it is asked to stop
   * (SIGTERM, then forced after a grace period), and the lock is claimed
   * again. Returns null once this process holds the lock, or the `codex`
   * wrapper that publishes and must be waited for.
   */
  private async becomePublisher(): Promise<InstanceInfo | null> {
    const me = await currentProcessInfo('gui', this.edges.app.getVersion());
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const claim = await claimInstance(this.stateDir, me);
      if (claim.ok) return null;
      const owner = claim.owner;
      if (owner.kind === 'wrapper') return owner;
      this.edges.log.info(
        `taking over from ${owner.kind === 'gui' ? 'another app instance' : 'a headless run'} (pid ${owner.pid})`,
      );
      const how = await stopInstance(owner, 3000);
      this.edges.log.info(`pid ${owner.pid}: ${how}`);
      if (how === 'refused' && attempt < 19) {
        // A process that is exiting cannot be read for a moment; look again before giving up.
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (how === 'refused') {
        throw new Error(`pid ${owner.pid} holds ${this.stateDir} but could not be verified as ours; not signalling it`);
      }
    }
    throw new Error(`could not take the publisher lock in ${this.stateDir}`);
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
    // The publisher rebuilds the activity from the same snapshot right after this listener:
    // check afterwards whether that set or cleared what Discord shows.
    queueMicrotask(() => {
      if (this.isPublished() !== this.lastPublished) this.pushAppState();
    });
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
      this.tray.setTitle(this.config?.general.trayTitle ? trayTitle(snapshot, now) : '');
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
    const state = this.appState;
    this.lastPublished = state.published;
    this.broadcast(CHANNELS.appStateChanged, state);
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
    on(CHANNELS.getSettings, () => (this.config === null ? null : structuredClone(this.config)));
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
    on(CHANNELS.getHistory, ([query]) => services().getHistory(query as HistoryQuery));
    on(CHANNELS.clearHistory, async () => {
      await services().clearHistory();
    });
    on(CHANNELS.openHistory, () => this.openSettings('history'));
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
