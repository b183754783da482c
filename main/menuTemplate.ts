export interface MenuState {
  paused: boolean;
  launchAtLogin: boolean;
  discordLabel: string;
  /** The version of a downloaded update waiting for "Restart to update", or null. */
  updateReady?: string | null;
  /** Offer "Install command-line tool…" (the installed app carries the CLI). */
  canInstallCli?: boolean;
}

export interface MenuActions {
  open(): void;
  togglePause(): void;
  openSettings(): void;
  toggleLaunchAtLogin(): void;
  openLogs(): void;
  quit(): void;
  installUpdate?(): void;
  installCli?(): void;
}

/** Electron's MenuItemConstructorOptions, the subset used here. */
export interface MenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

/**
 * The tray's context menu. It is set on every platform: on Linux the click
 * event is often never delivered, so the menu is the only way in.
 * https://www.electronjs.org/docs/latest/api/tray#platform-considerations
 */
export function menuTemplate(state: MenuState, actions: MenuActions): MenuItem[] {
  const update: MenuItem[] =
    state.updateReady != null && actions.installUpdate !== undefined
      ? [
          {
            label: `Restart to update${state.updateReady ? ` (${state.updateReady})` : ''}`,
            click: actions.installUpdate,
          },
        ]
      : [];
  const cli: MenuItem[] =
    state.canInstallCli === true && actions.installCli !== undefined
      ? [{ label: 'Install command-line tool…', click: actions.installCli }]
      : [];
  return [
    ...update,
    { label: 'Open', click: actions.open },
    { label: state.discordLabel, enabled: false },
    { type: 'separator' },
    { label: 'Pause presence', type: 'checkbox', checked: state.paused, click: actions.togglePause },
    { label: 'Settings…', click: actions.openSettings },
    { label: 'Launch at login', type: 'checkbox', checked: state.launchAtLogin, click: actions.toggleLaunchAtLogin },
    { label: 'Open logs folder', click: actions.openLogs },
    ...cli,
    { type: 'separator' },
    { label: 'Quit', click: actions.quit },
  ];
}
