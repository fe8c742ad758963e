/**
 * Closing with unsaved edits, over the whole main process (src/main/app.ts) and the Electron double: the renderer's
 * setDirty arms the close prompt, the prompt's Save asks the page to save, and what main writes is exactly the text
 * the page sends (the editor's text as typed: main never substitutes a text of its own); the window closes only once
 * that save succeeded.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { app, BrowserWindow, dialog, ipcEvent, ipcMain, resetElectron } from './electron-double';
import { runApp, type AppPaths } from '../../src/main/app';
import { IPC } from '../../src/protocol/bridge';

let dir: string;
let argv: string[];
const paths: AppPaths = { preload: '/app/out/preload/index.cjs', rendererFile: '/app/out/renderer/index.html', utility: '/app/out/main/utility.js' };
const appUrl = pathToFileURL(paths.rendererFile).href;
const filter = { name: 'UVMScope scenario', extensions: ['yaml', 'yml'] };

beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(join(tmpdir(), 'uvmscope-close-'));
  app.paths = { userData: join(dir, 'userData'), documents: dir, home: dir };
  mkdirSync(app.paths.userData);
  argv = process.argv;
  process.argv = ['/opt/UVMScope/uvmscope'];
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  process.argv = argv;
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

async function started(): Promise<BrowserWindow> {
  runApp(paths);
  await app.becomeReady();
  const window = BrowserWindow.instances[0];
  window.webContents.finishLoad(appUrl);
  await settle();
  return window;
}

/** The close prompt, answered `response` (0 Save, 1 Don't Save, 2 Cancel). */
async function closeAnswering(window: BrowserWindow, response: number): Promise<void> {
  dialog.showMessageBox.mockResolvedValueOnce({ response, checkboxChecked: false });
  window.close();
  await settle();
}

describe('saving on close', () => {
  it('writes exactly the text the page sends, then closes', async () => {
    const window = await started();
    const event = ipcEvent(window.webContents);
    ipcMain.send(IPC.setDirty, event, true);
    await closeAnswering(window, 0);
    expect(window.webContents.send).toHaveBeenCalledWith(IPC.menuCommand, 'file.save', {});
    expect(window.destroyed).toBe(false);
    // the editor's text as typed: not run, with a non-ASCII note and the file's own line ends
    const typed = 'uvmscope: 1\r\nregions: [{ name: A, size: 4MiB }]\r\nsteps:\r\n  - note: édité — pas encore lancé\r\n';
    const target = join(dir, 'mine.yaml');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    expect(await ipcMain.invoke(IPC.saveFile, event, { suggestedName: 'mine.yaml', text: typed, filter })).toEqual({ path: target });
    expect(readFileSync(target, 'utf8')).toBe(typed);
    expect(window.destroyed).toBe(true);
  });

  it('stays open, still asking, when the save dialog is cancelled', async () => {
    const window = await started();
    const event = ipcEvent(window.webContents);
    ipcMain.send(IPC.setDirty, event, true);
    await closeAnswering(window, 0);
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await ipcMain.invoke(IPC.saveFile, event, { suggestedName: 'mine.yaml', text: 'x: 1\n', filter })).toBeNull();
    expect(window.destroyed).toBe(false);
    // the edits are still unsaved: the next close asks again
    await closeAnswering(window, 2);
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
    expect(window.destroyed).toBe(false);
  });

  it('closes without asking once the page says its text is back to what was saved', async () => {
    const window = await started();
    const event = ipcEvent(window.webContents);
    ipcMain.send(IPC.setDirty, event, true);
    expect(window.documentEdited).toBe(true);
    ipcMain.send(IPC.setDirty, event, false);
    expect(window.documentEdited).toBe(false);
    window.close();
    await settle();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    expect(window.destroyed).toBe(true);
  });

  it('ignores setDirty from a page that is not the app', async () => {
    const window = await started();
    window.webContents.mainFrame.url = 'https://example.com/';
    ipcMain.send(IPC.setDirty, ipcEvent(window.webContents), true);
    window.close();
    await settle();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    expect(window.destroyed).toBe(true);
  });
});
