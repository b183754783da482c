import type { ElectronEdges, WindowLike } from './edges.js';
import { POPOVER_WIDTH, popoverHeight, popoverPosition, type Rect } from './popoverPosition.js';

export interface PopoverOptions {
  edges: ElectronEdges;
  /** Where the tray icon is (null where the platform does not say: Linux). */
  trayBounds(): Rect | null;
  /** The popover was shown (the limits from the account are asked for then). */
  onShow(): void;
  /** How long a blur right after showing is ignored (a second tray click must not reopen it). */
  blurGuardMs?: number;
}

/**
 * The popover under the tray icon: created on first use, sized to what its
 * content asks for (within the work area), placed against the icon, and
 * hidden when it loses focus.
 */
export class Popover {
  private win: WindowLike | null = null;
  private shownAt = 0;
  /** The content height the popover last asked for (null until it has measured itself). */
  private wantedHeight: number | null = null;

  constructor(private readonly opts: PopoverOptions) {}

  /** The window while it exists. */
  get window(): WindowLike | null {
    return this.win !== null && !this.win.isDestroyed() ? this.win : null;
  }

  toggle(): void {
    if (this.window?.isVisible() === true) {
      this.window.hide();
      return;
    }
    this.show();
  }

  show(): void {
    const win = this.ensure();
    this.place(win);
    this.shownAt = this.opts.edges.now();
    win.show();
    win.focus();
    this.opts.onShow();
  }

  hide(): void {
    this.window?.hide();
  }

  /** The popover measured its content: fit the window to it, and keep it against the tray. */
  resize(height: number): void {
    this.wantedHeight = height;
    const win = this.window;
    if (win !== null) this.place(win);
  }

  /** Sizes the popover to what its content asked for (clamped to the work area) and places it against the tray. */
  private place(win: WindowLike): void {
    const trayBounds = this.opts.trayBounds();
    const display = this.opts.edges.displayNear(trayBounds === null ? null : { x: trayBounds.x, y: trayBounds.y });
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

  private ensure(): WindowLike {
    const existing = this.window;
    if (existing !== null) return existing;
    const { edges } = this.opts;
    const win = edges.createWindow('popover');
    const guardMs = this.opts.blurGuardMs ?? 200;
    win.onBlur(() => {
      // Clicking the tray icon blurs the popover first; without this guard
      // that click would hide it and the click handler would show it again.
      if (edges.now() - this.shownAt < guardMs) return;
      win.hide();
    });
    win.onClosed(() => {
      if (this.win === win) this.win = null;
    });
    this.win = win;
    return win;
  }
}
