import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Each test loads the preload afresh (vi.resetModules), which would also load a new double:
// the mock hands out the one this file imports instead.
vi.mock('electron', () => (globalThis as { electronDouble?: Record<string, unknown> }).electronDouble ?? {});
import * as double from './electron-double';
import { contextBridge, ipcRenderer, resetElectron } from './electron-double';
(globalThis as { electronDouble?: unknown }).electronDouble = double;
import { ENGINE_PORT_MESSAGE, IPC, type UvmscopeBridge } from '../../src/protocol/bridge';

let postMessage: ReturnType<typeof vi.fn>;

/** Load the preload afresh, as a new page would, and return what it exposed. */
async function loadPreload(): Promise<UvmscopeBridge> {
  vi.resetModules();
  await import('../../src/preload/index');
  expect(contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
  expect(contextBridge.exposeInMainWorld.mock.calls[0][0]).toBe('uvmscope');
  return contextBridge.exposed.get('uvmscope') as UvmscopeBridge;
}

beforeEach(() => {
  resetElectron();
  postMessage = vi.fn();
  vi.stubGlobal('__UVMSCOPE_VERSION__', '9.8.7');
  vi.stubGlobal('window', { postMessage });
});
afterEach(() => vi.unstubAllGlobals());

describe('the preload', () => {
  it('exposes exactly the UvmscopeBridge, as window.uvmscope', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(bridge).sort()).toEqual(
      ['version', 'host', 'openFile', 'openRecent', 'saveFile', 'recentFiles', 'onMenuCommand', 'onOpenFile', 'requestEngine', 'setDirty'].sort(),
    );
    expect(bridge.version).toBe('9.8.7');
    expect(bridge.host).toBe('electron');
  });

  it('calls main on the named channels only', async () => {
    const bridge = await loadPreload();
    ipcRenderer.invoke.mockResolvedValueOnce({ path: '/a.yaml', name: 'a.yaml', text: 'x' });
    expect(await bridge.openFile()).toEqual({ path: '/a.yaml', name: 'a.yaml', text: 'x' });
    await bridge.openRecent('/r.yaml');
    const request = { suggestedName: 's.yaml', text: 't', filter: { name: 'S', extensions: ['yaml'] } };
    await bridge.saveFile(request);
    await bridge.recentFiles();
    bridge.requestEngine();
    bridge.setDirty(true);
    expect(ipcRenderer.invoke.mock.calls).toEqual([[IPC.openFile], [IPC.openRecent, '/r.yaml'], [IPC.saveFile, request], [IPC.recentFiles]]);
    expect(ipcRenderer.send.mock.calls).toEqual([[IPC.requestEngine], [IPC.setDirty, true]]);
  });

  it('rejects with main’s sentence, without Electron’s prefix', async () => {
    const bridge = await loadPreload();
    ipcRenderer.invoke.mockRejectedValueOnce(new Error(`Error invoking remote method '${IPC.openRecent}': FileError: "gone.yaml" could not be read: it does not exist.`));
    await expect(bridge.openRecent('/gone.yaml')).rejects.toThrow(/^"gone\.yaml" could not be read: it does not exist\.$/);
  });

  it('delivers menu commands without Electron’s event, until unsubscribed', async () => {
    const bridge = await loadPreload();
    const listener = vi.fn();
    const unsubscribe = bridge.onMenuCommand(listener);
    ipcRenderer.emit(IPC.menuCommand, { sender: 'secret' }, 'file.new', { scenario: 'thrashing.yaml' });
    ipcRenderer.emit(IPC.menuCommand, {}, 'debug.stepOver');
    expect(listener.mock.calls).toEqual([
      ['file.new', { scenario: 'thrashing.yaml' }],
      ['debug.stepOver', {}],
    ]);
    unsubscribe();
    ipcRenderer.emit(IPC.menuCommand, {}, 'file.open', {});
    expect(listener).toHaveBeenCalledTimes(2);
    expect(ipcRenderer.listenerCount(IPC.menuCommand)).toBe(0);
  });

  it('keeps files that arrive before anyone listens, and gives them to the first listener', async () => {
    const bridge = await loadPreload();
    const file = { path: '/cli.yaml', name: 'cli.yaml', text: 'x' };
    ipcRenderer.emit(IPC.fileOpened, {}, file);
    const first = vi.fn();
    const unsubscribe = bridge.onOpenFile(first);
    expect(first).toHaveBeenCalledExactlyOnceWith(file);
    const later = { path: '/b.yaml', name: 'b.yaml', text: 'y' };
    ipcRenderer.emit(IPC.fileOpened, {}, later);
    expect(first).toHaveBeenLastCalledWith(later);
    unsubscribe();
    const second = vi.fn();
    bridge.onOpenFile(second);
    expect(second).not.toHaveBeenCalled();
  });

  it('hands the engine port to the page as the window message client.ts waits for', async () => {
    await loadPreload();
    const port = { name: 'port2' };
    ipcRenderer.emit(IPC.enginePort, { ports: [port] });
    expect(postMessage).toHaveBeenCalledExactlyOnceWith(ENGINE_PORT_MESSAGE, '*', [port]);
    expect(ENGINE_PORT_MESSAGE).toBe('uvmscope:engine-port');
  });
});
