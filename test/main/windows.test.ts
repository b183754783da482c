import { describe, expect, it, vi } from 'vitest';

// main/windows.ts is the one place that builds BrowserWindows: the security
// checklist is asserted on what it actually configures.
interface FakeWebContents {
  id: number;
  handlers: Record<string, (event: { preventDefault(): void }, ...args: unknown[]) => void>;
  openHandler: ((details: { url: string }) => { action: string }) | null;
  on(event: string, handler: (event: { preventDefault(): void }) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void;
}

const state = vi.hoisted(() => ({
  windows: [] as Array<{ options: Record<string, unknown>; loaded: string; webContents: FakeWebContents }>,
  opened: [] as string[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    options: Record<string, unknown>;
    loaded = '';
    webContents: FakeWebContents = {
      id: state.windows.length + 1,
      handlers: {},
      openHandler: null,
      on(event, handler) {
        this.handlers[event] = handler;
      },
      setWindowOpenHandler(handler) {
        this.openHandler = handler;
      },
    };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(this);
    }
    loadFile(path: string): Promise<void> {
      this.loaded = `file:${path}`;
      return Promise.resolve();
    }
    loadURL(url: string): Promise<void> {
      this.loaded = url;
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    nativeTheme: { shouldUseDarkColors: false },
    shell: { openExternal: async (url: string) => void state.opened.push(url) },
  };
});

const { createAppWindow, popoverMaterial } = await import('../../main/windows.js');

describe('createAppWindow', () => {
  it('keeps context isolation and the sandbox on, Node integration off, web security untouched', () => {
    createAppWindow('popover', '/app/out/preload/index.cjs', null, '/app/out/renderer');
    const w = state.windows.at(-1);
    expect(w?.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect((w?.options.webPreferences as Record<string, unknown>).webSecurity).toBeUndefined();
    expect(w?.loaded).toBe('file:/app/out/renderer/popover.html');
  });

  it('the popover is frameless with no taskbar entry; settings is a normal window', () => {
    createAppWindow('popover', '/p', null, '/r');
    expect(state.windows.at(-1)?.options).toMatchObject({
      frame: false,
      skipTaskbar: true,
      width: 360,
      resizable: false,
    });
    createAppWindow('settings', '/p', 'http://localhost:5173', '/r');
    expect(state.windows.at(-1)?.options).toMatchObject({ frame: true, skipTaskbar: false, resizable: true });
    expect(state.windows.at(-1)?.loaded).toBe('http://localhost:5173/settings.html');
  });

  it('navigation is prevented and new windows are denied; allowed https links open in the browser', () => {
    createAppWindow('settings', '/p', null, '/r');
    const wc = state.windows.at(-1)?.webContents;
    let prevented = false;
    wc?.handlers['will-navigate']?.({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(wc?.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc?.openHandler?.({ url: 'https://discord.com/developers/applications' })).toEqual({ action: 'deny' });
    expect(state.opened).toEqual(['https://discord.com/developers/applications']);
  });

  it('the popover gets vibrancy on macOS and Mica on Windows, a solid page elsewhere; the title is the product name', () => {
    expect(popoverMaterial('darwin', false)).toMatchObject({ vibrancy: 'popover', backgroundColor: '#00000000' });
    // Mica, over the page's own colour as the solid fallback.
    expect(popoverMaterial('win32', true)).toEqual({ backgroundMaterial: 'mica', backgroundColor: '#17191d' });
    expect(popoverMaterial('win32', false)).toEqual({ backgroundMaterial: 'mica', backgroundColor: '#f6f7f9' });
    expect(popoverMaterial('linux', true)).toEqual({});
    createAppWindow('popover', '/p.cjs', null, '/r');
    expect(state.windows.at(-1)?.options.title).toBe('Codex Discord Presence');
  });
});
