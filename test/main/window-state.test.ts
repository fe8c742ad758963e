import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { BrowserWindow, resetElectron } from './electron-double';
import { DEFAULT_WINDOW_STATE, fitToDisplays, parseWindowState, readWindowState, trackWindowState } from '../../src/main/window-state';

let dir: string;
beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(join(tmpdir(), 'uvmscope-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('reading the remembered state', () => {
  it('restores size, position and maximised state from the file', () => {
    const file = join(dir, 'window-state.json');
    writeFileSync(file, JSON.stringify({ x: 40, y: 30, width: 1500, height: 900, maximized: true }));
    expect(readWindowState(file)).toEqual({ x: 40, y: 30, width: 1500, height: 900, maximized: true });
  });

  it('uses the default when the file is missing', () => {
    expect(readWindowState(join(dir, 'none.json'))).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('tolerates a corrupt file: not JSON, truncated, wrong shape, wrong types, absurd sizes', () => {
    for (const text of ['', 'not json', '{"x": 1, "y":', '[]', 'null', '{"width":"wide","height":800,"maximized":false}', '{"width":1e12,"height":800,"maximized":false}', '{"width":1.5,"height":800,"maximized":false}', '{"width":800,"height":600}']) {
      expect(parseWindowState(text), text).toEqual(DEFAULT_WINDOW_STATE);
    }
    const file = join(dir, 'window-state.json');
    writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('keeps a position only when both coordinates are there', () => {
    expect(parseWindowState('{"x":10,"width":900,"height":700,"maximized":false}')).toEqual({ width: 900, height: 700, maximized: false });
  });
});

describe('fitting the state to the displays there are now', () => {
  it('keeps a position that is on a display', () => {
    expect(fitToDisplays({ x: 100, y: 50, width: 1200, height: 800, maximized: false }, screen)).toEqual({ x: 100, y: 50, width: 1200, height: 800, maximized: false });
  });

  it('drops a position no display shows any more (a monitor was unplugged)', () => {
    expect(fitToDisplays({ x: 2500, y: 100, width: 1200, height: 800, maximized: false }, screen)).toEqual({ width: 1200, height: 800, maximized: false });
    // only a sliver of the title bar would be visible
    expect(fitToDisplays({ x: 1880, y: 100, width: 1200, height: 800, maximized: false }, screen)).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('keeps a position on a second display', () => {
    const two = [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }];
    expect(fitToDisplays({ x: 2500, y: 100, width: 1200, height: 800, maximized: true }, two)).toEqual({ x: 2500, y: 100, width: 1200, height: 800, maximized: true });
  });

  it('clamps the size between the minimum and the largest display', () => {
    expect(fitToDisplays({ width: 100, height: 50, maximized: false }, screen)).toEqual({ width: 640, height: 400, maximized: false });
    expect(fitToDisplays({ width: 5000, height: 3000, maximized: false }, screen)).toEqual({ width: 1920, height: 1080, maximized: false });
  });
});

describe('saving the state when the window closes', () => {
  it('writes the normal bounds and the maximised state atomically', () => {
    const file = join(dir, 'window-state.json');
    const window = new BrowserWindow({ x: 12, y: 34, width: 1111, height: 777 });
    window.maximized = true;
    trackWindowState(window as never, file);
    window.close();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 12, y: 34, width: 1111, height: 777, maximized: true });
    expect(readdirSync(dir)).toEqual(['window-state.json']);
    // and the next start restores it
    expect(readWindowState(file)).toEqual({ x: 12, y: 34, width: 1111, height: 777, maximized: true });
  });

  it('replaces a corrupt file', () => {
    const file = join(dir, 'window-state.json');
    writeFileSync(file, '{corrupt');
    const window = new BrowserWindow({ width: 900, height: 600 });
    trackWindowState(window as never, file);
    window.close();
    expect(readWindowState(file)).toEqual({ x: 100, y: 100, width: 900, height: 600, maximized: false });
  });

  it('only warns when the state cannot be written', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const window = new BrowserWindow({ width: 900, height: 600 });
    trackWindowState(window as never, join(dir, 'missing', 'window-state.json'));
    expect(() => window.close()).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('were not remembered'));
    warn.mockRestore();
  });
});
