import type { ElectronEdges, WindowLike } from './edges.js';

/** The settings window: one at most; opening it again raises it (on the History tab when asked). */
export class SettingsWindow {
  private win: WindowLike | null = null;

  constructor(private readonly edges: ElectronEdges) {}

  get window(): WindowLike | null {
    return this.win !== null && !this.win.isDestroyed() ? this.win : null;
  }

  /** `tab` `history` shows its History tab (a popover sparkline was activated). */
  open(tab?: 'history'): void {
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
