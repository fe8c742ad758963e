/**
 * The whole main process, wired (src/main/app.ts), over the Electron double: what happens
 * at start, when the page loads, when it calls the bridge, when files arrive from outside,
 * and when the window closes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { app, BrowserWindow, dialog, ipcEvent, ipcMain, Menu, MessageChannelMain, preventable, resetElectron, session, utilityProcess } from './electron-double';
import { runApp, type AppPaths } from '../../src/main/app';
import { secureWebPreferences } from '../../src/main/security';
import { IPC } from '../../src/protocol/bridge';

let dir: string;
let argv: string[];
const paths: AppPaths = { preload: '/app/out/preload/index.cjs', rendererFile: '/app/out/renderer/index.html', utility: '/app/out/main/utility.js' };
const appUrl = pathToFileURL(paths.rendererFile).href;

beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(join(tmpdir(), 'uvmscope-app-'));
  app.paths = { userData: join(dir, 'userData'), documents: dir, home: dir };
  // Electron creates userData itself; the double does not
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

/** Start the app and load its page; returns the main window. */
async function started(): Promise<BrowserWindow> {
  expect(runApp(paths)).toBe(true);
  await app.becomeReady();
  expect(BrowserWindow.instances).toHaveLength(1);
  const window = BrowserWindow.instances[0];
  window.webContents.finishLoad(appUrl);
  await settle();
  return window;
}

describe('starting', () => {
  it('quits at once when another instance runs, creating no window', async () => {
    app.lockAvailable = false;
    expect(runApp(paths)).toBe(false);
    expect(app.quit).toHaveBeenCalled();
    await app.becomeReady();
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('locks down before the first window: sandbox, permissions refused, CSP header', async () => {
    runApp(paths);
    expect(app.enableSandbox).toHaveBeenCalled();
    await app.becomeReady();
    const request = session.defaultSession.setPermissionRequestHandler.mock.calls[0][0] as (c: unknown, p: string, cb: (ok: boolean) => void) => void;
    const callback = vi.fn();
    request(null, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    const headers = session.defaultSession.webRequest.onHeadersReceived.mock.calls[0][0] as (d: unknown, cb: (r: unknown) => void) => void;
    const answered = vi.fn();
    headers({ responseHeaders: {} }, answered);
    expect(answered.mock.calls[0][0]).toMatchObject({ responseHeaders: { 'Content-Security-Policy': [expect.stringContaining("script-src 'self'")] } });
  });

  it('opens one secure window on the built page, and installs the menu', async () => {
    const window = await started();
    const { preload, ...prefs } = (window.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(preload).toBe(paths.preload);
    expect(prefs).toEqual(secureWebPreferences);
    expect(window.loadFile).toHaveBeenCalledWith(paths.rendererFile);
    expect(Menu.setApplicationMenu).toHaveBeenCalled();
    const template = Menu.buildFromTemplate.mock.calls.at(-1)![0] as Array<{ label?: string }>;
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Debug', '&Help']);
  });

  it('refuses navigation and new windows in every webContents', async () => {
    await started();
    const contents = new (BrowserWindow.instances[0].webContents.constructor as new () => import('./electron-double').FakeWebContents)();
    contents.url = appUrl;
    app.emit('web-contents-created', preventable(), contents);
    const navigate = preventable();
    contents.emit('will-navigate', navigate, 'https://example.com/');
    expect(navigate.defaultPrevented).toBe(true);
    const reload = preventable();
    contents.emit('will-navigate', reload, appUrl);
    expect(reload.defaultPrevented).toBe(false);
    const handler = contents.setWindowOpenHandler.mock.calls[0][0] as (d: { url: string }) => unknown;
    expect(handler({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('restores the window where it was last time', async () => {
    writeFileSync(join(app.paths.userData, 'window-state.json'), JSON.stringify({ x: 50, y: 60, width: 1400, height: 900, maximized: true }));
    runApp(paths);
    await app.becomeReady();
    const window = BrowserWindow.instances[0];
    expect(window.options).toMatchObject({ x: 50, y: 60, width: 1400, height: 900 });
    window.emit('ready-to-show');
    expect(window.maximized).toBe(true);
  });
});

describe('the engine', () => {
  it('a requestEngine from the page starts the utility process and connects its port to the page', async () => {
    const window = await started();
    ipcMain.send(IPC.requestEngine, ipcEvent(window.webContents));
    expect(utilityProcess.fork).toHaveBeenCalledWith(paths.utility, [], expect.anything());
    const { port1, port2 } = MessageChannelMain.instances[0];
    expect(utilityProcess.forked[0].postMessage).toHaveBeenCalledWith({ type: 'engine-port' }, [port1]);
    expect(window.webContents.postMessage).toHaveBeenCalledWith('engine-port', null, [port2]);
  });

  it('a requestEngine from a foreign page starts nothing', async () => {
    const window = await started();
    window.webContents.mainFrame.url = 'https://example.com/';
    ipcMain.send(IPC.requestEngine, ipcEvent(window.webContents));
    expect(utilityProcess.fork).not.toHaveBeenCalled();
  });

  it('ends with its window, which also remembers its place', async () => {
    const window = await started();
    ipcMain.send(IPC.requestEngine, ipcEvent(window.webContents));
    window.close();
    expect(utilityProcess.forked[0].kill).toHaveBeenCalled();
    expect(JSON.parse(readFileSync(join(app.paths.userData, 'window-state.json'), 'utf8'))).toMatchObject({ width: 1280, height: 800, maximized: false });
  });
});

describe('files from outside', () => {
  it('a file on the command line is handed to the page once it has loaded', async () => {
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, 'name: mine\n');
    process.argv = ['/opt/UVMScope/uvmscope', file];
    runApp(paths);
    await app.becomeReady();
    const window = BrowserWindow.instances[0];
    await settle();
    expect(window.webContents.send).not.toHaveBeenCalled();
    window.webContents.finishLoad(appUrl);
    await settle();
    expect(window.webContents.send).toHaveBeenCalledWith(IPC.fileOpened, { path: file, name: 'mine.yaml', text: 'name: mine\n' });
    // and it is now a recent file, in the menu too
    expect(await ipcMain.invoke(IPC.recentFiles, ipcEvent(window.webContents))).toEqual([file]);
    const template = Menu.buildFromTemplate.mock.calls.at(-1)![0] as Array<{ submenu?: Array<{ label?: string; submenu?: Array<{ label?: string }> }> }>;
    expect(template[0].submenu!.find((i) => i.label === 'Open &Recent')!.submenu![0].label).toBe('mine.yaml');
  });

  it('a second launch focuses the window and opens its file', async () => {
    const window = await started();
    window.minimized = true;
    const file = join(dir, 'second.yaml');
    writeFileSync(file, 'name: second\n');
    app.emit('second-instance', preventable(), [], '/', { argv: ['/opt/UVMScope/uvmscope', 'second.yaml'], cwd: dir });
    await settle();
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith(IPC.fileOpened, expect.objectContaining({ path: file }));
  });

  it('asks before a file from outside replaces unsaved changes', async () => {
    const window = await started();
    ipcMain.send(IPC.setDirty, ipcEvent(window.webContents), true);
    const file = join(dir, 'other.yaml');
    writeFileSync(file, 'x');
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    app.emit('open-file', preventable(), file);
    await settle();
    expect(dialog.showMessageBox).toHaveBeenCalledOnce();
    expect(window.webContents.send).not.toHaveBeenCalledWith(IPC.fileOpened, expect.anything());
  });

  it('a file that cannot be read is said in a message box, not sent', async () => {
    const window = await started();
    app.emit('open-file', preventable(), join(dir, 'gone.yaml'));
    await settle();
    expect(dialog.showMessageBox).toHaveBeenCalledWith(window, expect.objectContaining({ type: 'error', message: expect.stringContaining('"gone.yaml" could not be read') }));
    expect(window.webContents.send).not.toHaveBeenCalled();
  });
});

describe('menu commands and closing', () => {
  it('a menu item sends its command to the page', async () => {
    const window = await started();
    const template = Menu.buildFromTemplate.mock.calls.at(-1)![0] as Array<{ label?: string; submenu?: Array<{ label?: string; click?: () => void }> }>;
    template.find((m) => m.label === '&Debug')!.submenu!.find((i) => i.label === 'Step &Over')!.click!();
    expect(window.webContents.send).toHaveBeenCalledWith(IPC.menuCommand, 'debug.stepOver', {});
  });

  it('closing with unsaved changes: Save, the page saves, then the window closes', async () => {
    const window = await started();
    const event = ipcEvent(window.webContents);
    ipcMain.send(IPC.setDirty, event, true);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    window.close();
    await settle();
    expect(window.destroyed).toBe(false);
    expect(window.webContents.send).toHaveBeenCalledWith(IPC.menuCommand, 'file.save', {});
    // the page answers file.save with a save; the user picks a place
    const target = join(dir, 'saved.yaml');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    await ipcMain.invoke(IPC.saveFile, event, { suggestedName: 'default.yaml', text: 'name: saved\n', filter: { name: 'Scenario', extensions: ['yaml'] } });
    expect(readFileSync(target, 'utf8')).toBe('name: saved\n');
    expect(window.destroyed).toBe(true);
  });
});
