import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { BrowserWindow, resetElectron } from './electron-double';
import { createMainWindow } from '../../src/main/main-window';
import { secureWebPreferences } from '../../src/main/security';

beforeEach(() => resetElectron());

describe('the main window', () => {
  it('gets exactly the secure web preferences, and the preload', () => {
    createMainWindow({ state: { width: 1000, height: 700, maximized: false }, preload: '/app/out/preload/index.cjs', load: { file: '/app/out/renderer/index.html' }, title: 'UVMScope' });
    const options = BrowserWindow.instances[0].options as { webPreferences: Record<string, unknown> };
    const { preload, ...rest } = options.webPreferences;
    expect(preload).toBe('/app/out/preload/index.cjs');
    expect(rest).toEqual(secureWebPreferences);
    expect(rest).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  });

  it('opens at the remembered size and place, maximised when it was, shown once ready', () => {
    const window = createMainWindow({ state: { x: 30, y: 40, width: 1000, height: 700, maximized: true }, preload: '/p.cjs', load: { file: '/index.html' }, title: 'UVMScope' }) as unknown as BrowserWindow;
    expect(window.options).toMatchObject({ x: 30, y: 40, width: 1000, height: 700, show: false, minWidth: 640, minHeight: 400 });
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.maximized).toBe(true);
    expect(window.visible).toBe(true);
    expect(window.loadFile).toHaveBeenCalledWith('/index.html');
  });

  it('lets the OS place a window with no remembered position; loads the dev server when there is one', () => {
    const window = createMainWindow({ state: { width: 1280, height: 800, maximized: false }, preload: '/p.cjs', load: { url: 'http://localhost:5173/' }, title: 'UVMScope' }) as unknown as BrowserWindow;
    expect(window.options).not.toHaveProperty('x');
    expect(window.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    window.emit('ready-to-show');
    expect(window.maximized).toBe(false);
  });
});
