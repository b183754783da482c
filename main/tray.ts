import type { AppState, UsageSnapshot } from '../src/contract/index.js';
import type { ElectronEdges, TrayLike } from './edges.js';
import { menuTemplate, type MenuActions } from './menuTemplate.js';
import type { Rect } from './popoverPosition.js';
import { trayIconState, trayTitle, trayTooltip } from './trayPresentation.js';

/** The tray icon: its image, tooltip and (macOS) title follow the snapshot, its menu the app state. */
export class AppTray {
  private readonly tray: TrayLike;

  constructor(
    private readonly edges: ElectronEdges,
    onClick: () => void,
  ) {
    this.tray = edges.createTray('stale');
    this.tray.onClick(onClick);
  }

  bounds(): Rect | null {
    return this.tray.getBounds();
  }

  /** `title`: the limits beside the icon in the macOS menu bar (general.tray_title). */
  show(snapshot: UsageSnapshot, title: boolean): void {
    const now = this.edges.now();
    this.tray.setImage(trayIconState(snapshot));
    this.tray.setToolTip(trayTooltip(snapshot, now));
    if (this.edges.platform === 'darwin') this.tray.setTitle(title ? trayTitle(snapshot, now) : '');
  }

  menu(state: AppState, actions: MenuActions): void {
    this.tray.setContextMenu(
      menuTemplate(
        {
          paused: state.paused,
          launchAtLogin: state.launchAtLogin,
          discordLabel: state.paused ? 'Discord: paused' : `Discord: ${state.discord.state}`,
          updateReady: state.update?.phase === 'ready' ? (state.update.version ?? '') : null,
          canInstallCli: this.edges.installCli !== undefined,
        },
        actions,
      ),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }
}
