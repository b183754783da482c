import { CHANNELS } from '../src/contract/index.js';
import type { WindowLike } from './edges.js';
import type { Popover } from './popover.js';
import type { SettingsWindow } from './settingsWindow.js';

/** At most one `historyChanged` per this long. */
export const HISTORY_BROADCAST_MS = 1000;

/** The app's open windows: what main tells them, and which senders IPC trusts. */
export class AppWindows {
  private historyTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly popover: Popover,
    private readonly settings: SettingsWindow,
  ) {}

  list(): WindowLike[] {
    return [this.popover.window, this.settings.window].filter((w): w is WindowLike => w !== null);
  }

  broadcast(channel: string, payload: unknown): void {
    for (const w of this.list()) w.send(channel, payload);
  }

  trustedIds(): Set<number> {
    return new Set(this.list().map((w) => w.webContentsId));
  }

  /**
   * History changed: windows hear of it at most once a second (a backfill
   * reports every file; a window re-asks for the view when told).
   */
  historyChanged(): void {
    if (this.historyTimer !== null || this.closed) return;
    this.historyTimer = setTimeout(() => {
      this.historyTimer = null;
      this.broadcast(CHANNELS.historyChanged, null);
    }, HISTORY_BROADCAST_MS);
    this.historyTimer.unref?.();
  }

  /** The app is quitting: no more news. */
  close(): void {
    this.closed = true;
    if (this.historyTimer !== null) clearTimeout(this.historyTimer);
    this.historyTimer = null;
  }
}
