import type { SettingsTabId } from '../src/contract/index.js';
import type { ElectronEdges, WindowLike } from './edges.js';

/** The settings window: one at most; opening it again raises it (on the tab asked for, when one is). */
export class SettingsWindow {
  private win: WindowLike | null = null;

  constructor(private readonly edges: ElectronEdges) {}

  get window(): WindowLike | null {
    return this.win !== null && !this.win.isDestroyed() ? this.win : null;
  }

  /** `tab` shows that tab: History for a popover sparkline, General for "Choose Codex folder…". */
  open(tab?: SettingsTabId): void {
    const existing = this.window;
    if (existing !== null) {
      if (tab !== undefined) existing.showPage?.(tab);
      existing.show();
      existing.focus();
      return;
    }
    const win = this.edges.createWindow('settings', tab);
    win.onClosed(() => {
      if (this.win === win) this.win = null;
    });
    this.win = win;
    win.show();
    win.focus();
  }
}
