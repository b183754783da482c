import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { autostartDesktopFile, desktopEntryEnabled } from '../src/platform/autostart.js';

/** The part of Electron's `app` used for login items on macOS and Windows. */
export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  app: LoginItemApp;
  env: NodeJS.ProcessEnv;
  /** The running executable (process.execPath). */
  execPath: string;
  appName: string;
}

/**
 * Launch at login on every platform, reading back the real state each time.
 * macOS and Windows use `app.setLoginItemSettings`; Linux has no such API in
 * Electron, so an XDG autostart entry is written to
 * `$XDG_CONFIG_HOME/autostart/<app>.desktop` (default ~/.config). From an
 * AppImage, `$APPIMAGE` is the stable path to start; `execPath` points into a
 * temporary mount that is gone after a reboot.
 */
export class LoginItem {
  constructor(private readonly deps: LoginItemDeps) {}

  get desktopFile(): string {
    return autostartDesktopFile(this.deps.env, this.deps.appName);
  }

  async isEnabled(): Promise<boolean> {
    if (this.deps.platform !== 'linux') return this.deps.app.getLoginItemSettings().openAtLogin;
    try {
      return desktopEntryEnabled(await readFile(this.desktopFile, 'utf8'));
    } catch {
      return false;
    }
  }

  async setEnabled(enabled: boolean): Promise<boolean> {
    if (this.deps.platform !== 'linux') {
      // Windows starts the executable with these args; macOS 13+ passes none
      // (the app reads wasOpenedAtLogin instead, main/app.ts).
      this.deps.app.setLoginItemSettings({
        openAtLogin: enabled,
        openAsHidden: true,
        ...(this.deps.platform === 'win32' ? { args: ['--hidden'] } : {}),
      });
      return this.isEnabled();
    }
    if (enabled) {
      await mkdir(join(this.desktopFile, '..'), { recursive: true });
      await writeFile(this.desktopFile, desktopEntry(this.execTarget(), this.deps.appName), { mode: 0o644 });
    } else {
      await rm(this.desktopFile, { force: true });
    }
    return this.isEnabled();
  }

  private execTarget(): string {
    return this.deps.env.APPIMAGE?.trim() || this.deps.execPath;
  }
}

export function desktopEntry(exec: string, appName: string): string {
  // Desktop Entry Exec quoting: wrap in double quotes, escape ", `, $ and \.
  const quoted = `"${exec.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${appName}`,
    'Comment=Codex usage in your tray and on Discord',
    `Exec=${quoted} --hidden`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
