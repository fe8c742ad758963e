import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { BrowserWindow, FakeWebFrame, ipcEvent, ipcMain, resetElectron } from './electron-double';
import { registerBridge, type BridgeHandlers } from '../../src/main/ipc';
import { IPC } from '../../src/protocol/bridge';

const appUrl = 'file:///opt/UVMScope/resources/app/out/renderer/index.html';

let window: BrowserWindow;
let handlers: { [K in keyof BridgeHandlers]: ReturnType<typeof vi.fn> };
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  resetElectron();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  window = new BrowserWindow({ width: 800, height: 600 });
  window.webContents.finishLoad(appUrl);
  handlers = {
    openFile: vi.fn(async () => ({ path: '/a.yaml', name: 'a.yaml', text: 'x' })),
    openRecent: vi.fn(async (_w: unknown, path: string) => ({ path, name: 'r.yaml', text: 'y' })),
    saveFile: vi.fn(async () => ({ path: '/s.yaml' })),
    recentFiles: vi.fn(() => ['/r.yaml']),
    requestEngine: vi.fn(),
    setDirty: vi.fn(),
  };
  registerBridge(handlers as unknown as BridgeHandlers, {
    appUrl,
    windowOf: (event) => {
      const w = BrowserWindow.fromWebContents(event.sender);
      return w === window ? (w as never) : null;
    },
  });
});

const fromApp = () => ipcEvent(window.webContents);
const save = { suggestedName: 'scenario.yaml', text: 'name: x\n', filter: { name: 'UVMScope scenario', extensions: ['yaml', 'yml'] } };

describe('calls from the app', () => {
  it('reach their handlers with the sender window and the arguments', async () => {
    expect(await ipcMain.invoke(IPC.openFile, fromApp())).toEqual({ path: '/a.yaml', name: 'a.yaml', text: 'x' });
    expect(handlers.openFile).toHaveBeenCalledWith(window);
    expect(await ipcMain.invoke(IPC.openRecent, fromApp(), '/r.yaml')).toMatchObject({ path: '/r.yaml' });
    expect(await ipcMain.invoke(IPC.saveFile, fromApp(), save)).toEqual({ path: '/s.yaml' });
    expect(handlers.saveFile).toHaveBeenCalledWith(window, save);
    expect(await ipcMain.invoke(IPC.saveFile, fromApp(), { ...save, path: '/home/me/s.yaml', text: new Uint8Array([1, 2, 3]) })).toEqual({ path: '/s.yaml' });
    expect(await ipcMain.invoke(IPC.recentFiles, fromApp())).toEqual(['/r.yaml']);
    ipcMain.send(IPC.requestEngine, fromApp());
    expect(handlers.requestEngine).toHaveBeenCalledWith(window);
    ipcMain.send(IPC.setDirty, fromApp(), true);
    expect(handlers.setDirty).toHaveBeenCalledWith(window, true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('from the app document with a fragment are the same document', async () => {
    window.webContents.mainFrame.url = `${appUrl}#/timeline`;
    await expect(ipcMain.invoke(IPC.recentFiles, fromApp())).resolves.toEqual(['/r.yaml']);
  });
});

describe('calls refused by sender', () => {
  const refusedEverywhere = async (event: ReturnType<typeof ipcEvent>) => {
    for (const [channel, args] of [
      [IPC.openFile, []],
      [IPC.openRecent, ['/r.yaml']],
      [IPC.saveFile, [save]],
      [IPC.recentFiles, []],
    ] as const) {
      await expect(ipcMain.invoke(channel, event, ...args), channel).rejects.toThrow(/refused: the message did not come from the app's window/);
    }
    ipcMain.send(IPC.requestEngine, event);
    ipcMain.send(IPC.setDirty, event, true);
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalled();
  };

  it('a page that navigated elsewhere (a foreign frame URL)', async () => {
    window.webContents.mainFrame.url = 'https://evil.example/';
    await refusedEverywhere(fromApp());
  });

  it('another local file shown in the window', async () => {
    window.webContents.mainFrame.url = 'file:///home/me/Downloads/page.html';
    await refusedEverywhere(fromApp());
  });

  it('a sub-frame, even of the app document', async () => {
    const child = new FakeWebFrame(appUrl);
    child.parent = window.webContents.mainFrame;
    await refusedEverywhere(ipcEvent(window.webContents, child));
  });

  it('a message whose frame is gone', async () => {
    await refusedEverywhere(ipcEvent(window.webContents, null));
  });

  it('another window, even one showing the app document', async () => {
    const other = new BrowserWindow({ width: 800, height: 600 });
    other.webContents.finishLoad(appUrl);
    await refusedEverywhere(ipcEvent(other.webContents));
  });
});

describe('calls refused by payload', () => {
  const refused = async (channel: string, ...args: unknown[]) => {
    await expect(ipcMain.invoke(channel, fromApp(), ...args), `${channel} ${args.map((a) => typeof a).join(', ')}`).rejects.toThrow(/refused: bad arguments/);
  };

  it('the wrong number of arguments', async () => {
    await refused(IPC.openFile, 'extra');
    await refused(IPC.openRecent);
    await refused(IPC.recentFiles, 1);
    await refused(IPC.saveFile);
  });

  it('a path that is not a non-empty string of sane length', async () => {
    for (const path of [42, null, {}, '', 'x'.repeat(5000), '/etc/passwd\0.yaml']) await refused(IPC.openRecent, path);
    expect(handlers.openRecent).not.toHaveBeenCalled();
  });

  it('a save request of the wrong shape', async () => {
    await refused(IPC.saveFile, 'text');
    await refused(IPC.saveFile, { ...save, text: 42 });
    await refused(IPC.saveFile, { ...save, text: undefined });
    await refused(IPC.saveFile, { ...save, path: 7 });
    await refused(IPC.saveFile, { ...save, suggestedName: '' });
    await refused(IPC.saveFile, { ...save, suggestedName: 'n'.repeat(300) });
    await refused(IPC.saveFile, { ...save, filter: { name: 'x', extensions: [] } });
    await refused(IPC.saveFile, { ...save, filter: { name: 'x', extensions: ['../../etc'] } });
    await refused(IPC.saveFile, { ...save, filter: { name: 'x', extensions: ['yaml'], extra: 1 } });
    await refused(IPC.saveFile, { ...save, unexpected: true });
    expect(handlers.saveFile).not.toHaveBeenCalled();
  });

  it('a document larger than 256 MiB', async () => {
    await refused(IPC.saveFile, { ...save, text: new Uint8Array(256 * 1024 * 1024 + 1) });
    await refused(IPC.saveFile, { ...save, text: '€'.repeat(90 * 1024 * 1024) });
    expect(handlers.saveFile).not.toHaveBeenCalled();
  });

  it('sends with bad arguments are dropped', () => {
    ipcMain.send(IPC.setDirty, fromApp(), 'yes');
    ipcMain.send(IPC.setDirty, fromApp());
    ipcMain.send(IPC.requestEngine, fromApp(), 'please');
    expect(handlers.setDirty).not.toHaveBeenCalled();
    expect(handlers.requestEngine).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(3);
  });
});

describe('failures of a handler', () => {
  it('reach the renderer as they are', async () => {
    handlers.openFile.mockRejectedValueOnce(new Error('"a.yaml" could not be read: permission was denied.'));
    await expect(ipcMain.invoke(IPC.openFile, fromApp())).rejects.toThrow('"a.yaml" could not be read: permission was denied.');
  });
});
