import type { EpochMs, UpdateState } from '../src/contract/index.js';

/**
 * The part of electron-updater's `AppUpdater` this app uses. main/index.ts
 * passes the real `autoUpdater` (GitHub Releases provider, from the
 * `publish` block of electron-builder.yml); tests pass an EventEmitter.
 */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-not-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdateControllerDeps {
  updater: UpdaterLike;
  /** Whether updates can work at all: null when they can, else why not (e.g. not an installed build). */
  unsupported: string | null;
  /** The `general.check_updates` setting. */
  enabled: boolean;
  log: { info(message: string): void; warn(message: string): void };
  now(): number;
  /** Runs `fn` every `ms`; returns a cancel function. */
  every(ms: number, fn: () => void): () => void;
  /** Called after every state change. */
  onChange(state: UpdateState): void;
  intervalMs?: number;
}

/** `every` for a real app: an interval that does not keep the process alive. */
export function unrefInterval(ms: number, fn: () => void): () => void {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
}

export const UPDATE_INTERVAL_MS = 6 * 60 * 60 * 1000;

/**
 * Update states: disabled → none → checking → (none | available →
 * downloading → ready) or error. Checks at start and every 6 hours while
 * enabled; downloads in the background; installs only when the user asks
 * (`install`), never on its own: `autoInstallOnAppQuit` is off too, so even
 * a quit does not run an installer the user did not ask for. A failed check
 * is one log line and one line of state (shown in the UI), never a dialog.
 */
export class UpdateController {
  private current: UpdateState;
  private cancelTimer: (() => void) | null = null;
  private enabled: boolean;

  constructor(private readonly deps: UpdateControllerDeps) {
    this.enabled = deps.enabled;
    this.current = this.idleState(null);
    const u = deps.updater;
    u.autoDownload = true;
    u.autoInstallOnAppQuit = false;
    u.on('checking-for-update', () => this.set({ phase: 'checking', message: null }));
    u.on('update-not-available', () =>
      this.set({ phase: 'none', version: null, percent: null, message: null, lastCheck: this.stamp() }),
    );
    u.on('update-available', (info) => {
      this.deps.log.info(`update ${info.version} available; downloading in the background`);
      this.set({ phase: 'available', version: info.version, percent: 0, message: null, lastCheck: this.stamp() });
    });
    u.on('download-progress', (p) => {
      const percent = Math.max(0, Math.min(100, Math.round(Number.isFinite(p.percent) ? p.percent : 0)));
      if (this.current.phase === 'available' || this.current.phase === 'downloading')
        this.set({ phase: 'downloading', percent });
    });
    u.on('update-downloaded', (info) => {
      this.deps.log.info(`update ${info.version} downloaded; it installs when the user restarts to update`);
      this.set({ phase: 'ready', version: info.version, percent: 100, message: null });
    });
    u.on('error', (error) => this.fail(error));
  }

  get state(): UpdateState {
    return { ...this.current };
  }

  /** Checks now, then every 6 hours (when enabled and supported). */
  start(): void {
    if (!this.active()) return;
    void this.check();
    this.cancelTimer ??= this.deps.every(this.deps.intervalMs ?? UPDATE_INTERVAL_MS, () => void this.check());
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** The setting changed: turning it on checks at once; off stops the timer (a downloaded update stays ready). */
  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    if (enabled) {
      if (this.current.phase === 'disabled') this.set(this.idleState(this.current.lastCheck));
      this.start();
    } else {
      this.stop();
      if (this.current.phase !== 'ready') this.set(this.idleState(this.current.lastCheck));
    }
  }

  /** One check; never throws. Skipped while a download is under way or an update is ready. */
  async check(): Promise<void> {
    if (!this.active()) return;
    const phase = this.current.phase;
    if (phase === 'checking' || phase === 'available' || phase === 'downloading' || phase === 'ready') return;
    this.set({ phase: 'checking', message: null });
    try {
      await this.deps.updater.checkForUpdates();
      // Some providers resolve without an event (nothing configured): do not stay "checking".
      if (this.current.phase === 'checking') this.set({ phase: 'none', lastCheck: this.stamp() });
    } catch (error) {
      this.fail(error);
    }
  }

  /** "Restart to update": true when the installer was started (the app is about to quit). */
  install(): boolean {
    if (this.current.phase !== 'ready') return false;
    this.deps.log.info(`restarting to install ${this.current.version ?? 'the update'} at the user's request`);
    this.stop();
    this.deps.updater.quitAndInstall(false, true);
    return true;
  }

  private active(): boolean {
    return this.enabled && this.deps.unsupported === null;
  }

  private idleState(lastCheck: EpochMs | null): UpdateState {
    const message = this.deps.unsupported ?? (this.enabled ? null : 'Update checks are off in Settings.');
    return {
      phase: this.active() ? 'none' : 'disabled',
      version: null,
      percent: null,
      lastCheck,
      message,
    };
  }

  private fail(error: unknown): void {
    const full = error instanceof Error ? (error.stack ?? error.message) : String(error);
    // electron-updater reports a failure both as an event and as a rejection: one line, once.
    if (this.current.phase === 'error' && this.current.message === oneLine(error)) return;
    this.deps.log.warn(`update check failed: ${full}`);
    const ready = this.current.phase === 'ready';
    if (ready) return; // a downloaded update stays installable
    this.set({ phase: 'error', percent: null, message: oneLine(error), lastCheck: this.stamp() });
  }

  private stamp(): EpochMs {
    return this.deps.now();
  }

  private set(patch: Partial<UpdateState>): void {
    const next = { ...this.current, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.deps.onChange(this.state);
  }
}

/** A failure as one short line: electron-updater's messages can carry whole HTTP bodies. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? 'unknown error').trim();
  const short = first.length > 160 ? `${first.slice(0, 159)}…` : first;
  return `Update check failed: ${short}`;
}

export interface UpdateSupportFacts {
  packaged: boolean;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Names of the files next to the executable. */
  besideExecutable: readonly string[];
  /** The contents of resources/package-type (deb builds have one), or null. */
  packageType: string | null;
}

/**
 * Null when electron-updater can update this copy, else why not. It updates
 * the NSIS install on Windows (the MSI is for managed installs: a new MSI
 * updates it, and mixing the two would leave two copies), the AppImage and
 * the deb on Linux, and the app on macOS (signed builds only: Squirrel.Mac
 * refuses unsigned ones, which shows as a one-line error).
 */
export function updateSupport(f: UpdateSupportFacts): string | null {
  if (!f.packaged) return 'Updates work in the installed app only.';
  if (f.platform === 'win32' && !f.besideExecutable.some((n) => /^Uninstall .*\.exe$/i.test(n)))
    return 'This copy was installed from the MSI: install the new MSI to update, or use the Setup .exe installer for automatic updates.';
  if (f.platform === 'linux' && (f.env.APPIMAGE?.trim() ?? '') === '' && f.packageType?.trim() !== 'deb')
    return 'Updates are automatic for the AppImage and the .deb only.';
  return null;
}
