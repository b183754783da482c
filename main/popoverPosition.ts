export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type TaskbarSide = 'top' | 'bottom' | 'left' | 'right';

/**
 * Which edge the taskbar (or menu bar) is on: the side where the display's
 * bounds and its work area differ. With no difference (auto-hide), guess
 * from where the tray icon is.
 */
export function taskbarSide(display: Rect, workArea: Rect, tray: Rect | null): TaskbarSide {
  if (workArea.y > display.y) return 'top';
  if (workArea.x > display.x) return 'left';
  if (workArea.width < display.width) return 'right';
  if (workArea.height < display.height) return 'bottom';
  if (tray === null) return 'top';
  const midY = display.y + display.height / 2;
  return tray.y < midY ? 'top' : 'bottom';
}

const GAP = 4;

export const POPOVER_WIDTH = 360;
/** The smallest popover: the header, one message and the footer. */
export const POPOVER_MIN_HEIGHT = 160;
/** The popover never takes more than this share of the work area's height; past it, its list scrolls. */
export const POPOVER_MAX_SHARE = 0.8;

/** The height the popover gets for the content height it asked for: whole pixels, within [min, 80 % of the work area]. */
export function popoverHeight(wanted: number, workArea: Rect): number {
  const max = Math.max(POPOVER_MIN_HEIGHT, Math.floor(workArea.height * POPOVER_MAX_SHARE));
  return Math.min(max, Math.max(POPOVER_MIN_HEIGHT, Math.ceil(wanted)));
}

/**
 * Where the popover goes (menubar's `getWindowPosition`, as a pure function):
 * centred on the tray icon against the taskbar's edge and kept inside the
 * work area. Linux often reports no tray bounds (x = y = 0 or none): then
 * the top-right corner of the work area.
 * https://github.com/electron/electron/issues/15003 (Tray.getBounds is not implemented on Linux)
 */
export function popoverPosition(args: {
  tray: Rect | null;
  window: { width: number; height: number };
  display: Rect;
  workArea: Rect;
}): { x: number; y: number } {
  const { window: win, workArea } = args;
  const tray = args.tray !== null && (args.tray.width > 0 || args.tray.x > 0 || args.tray.y > 0) ? args.tray : null;
  const clampX = (x: number) =>
    Math.round(Math.min(Math.max(x, workArea.x + GAP), workArea.x + workArea.width - win.width - GAP));
  const clampY = (y: number) =>
    Math.round(Math.min(Math.max(y, workArea.y + GAP), workArea.y + workArea.height - win.height - GAP));
  if (tray === null) return { x: clampX(workArea.x + workArea.width - win.width), y: clampY(workArea.y) };
  const side = taskbarSide(args.display, workArea, tray);
  const centreX = tray.x + tray.width / 2 - win.width / 2;
  const centreY = tray.y + tray.height / 2 - win.height / 2;
  switch (side) {
    case 'top':
      return { x: clampX(centreX), y: clampY(workArea.y) };
    case 'bottom':
      return { x: clampX(centreX), y: clampY(workArea.y + workArea.height - win.height) };
    case 'left':
      return { x: clampX(workArea.x), y: clampY(centreY) };
    case 'right':
      return { x: clampX(workArea.x + workArea.width - win.width), y: clampY(centreY) };
  }
}
