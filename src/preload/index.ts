/**
 * The preload: the gate between the sandboxed renderer and Electron. It is built as
 * CommonJS (out/preload/index.cjs) because a sandboxed preload cannot be an ES module, and
 * the window keeps `sandbox: true`.
 *
 * It exposes one curated object, `window.uvmscope`, typed in src/protocol/bridge.ts: named
 * functions over a fixed channel list, never raw `ipcRenderer` or a generic
 * `invoke(channel, …)`, and listeners never see Electron's event objects. Main checks every
 * call's sender and arguments again (src/main/ipc.ts): this side is not trusted.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  ENGINE_PORT_MESSAGE,
  IPC,
  type FileOpenResult,
  type FileSaveRequest,
  type MenuCommand,
  type MenuCommandDetail,
  type UvmscopeBridge,
} from '../protocol/bridge';

declare const __UVMSCOPE_VERSION__: string;
/** The page's window, as far as the preload uses it (tsconfig.node.json has no DOM types). */
declare const window: { postMessage(message: string, targetOrigin: string, transfer: IpcRendererEvent['ports']): void };

/**
 * `invoke` with main's message as the error: Electron prefixes it with
 * `Error invoking remote method '…': FileError: `, which says nothing to a person.
 */
async function invoke<T>(channel: string, ...args: unknown[]): Promise<T> {
  try {
    return (await ipcRenderer.invoke(channel, ...args)) as T;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, ''));
  }
}

/** Subscribe to a main → renderer event; the listener gets the arguments, not the event. */
function subscribe<A extends unknown[]>(channel: string, listener: (...args: A) => void): () => void {
  const forward = (_event: IpcRendererEvent, ...args: unknown[]) => listener(...(args as A));
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

// Files main asks to open can arrive before the page subscribes (a file on the command line
// is sent as soon as the page has loaded): keep them for the first subscriber.
const openFileListeners = new Set<(file: FileOpenResult) => void>();
const unclaimedFiles: FileOpenResult[] = [];
ipcRenderer.on(IPC.fileOpened, (_event, file: FileOpenResult) => {
  if (openFileListeners.size === 0) unclaimedFiles.push(file);
  for (const listener of openFileListeners) listener(file);
});

// The engine host's port, from main's MessageChannelMain: handed to the page as a window
// message, which is how a MessagePort crosses from this isolated world to the page's
// (src/renderer/engine/client.ts, startElectronHost).
ipcRenderer.on(IPC.enginePort, (event) => {
  window.postMessage(ENGINE_PORT_MESSAGE, '*', event.ports);
});

const bridge: UvmscopeBridge = {
  version: __UVMSCOPE_VERSION__,
  host: 'electron',
  openFile: () => invoke<FileOpenResult | null>(IPC.openFile),
  openRecent: (path: string) => invoke<FileOpenResult>(IPC.openRecent, path),
  saveFile: (request: FileSaveRequest) => invoke<{ readonly path: string } | null>(IPC.saveFile, request),
  recentFiles: () => invoke<readonly string[]>(IPC.recentFiles),
  onMenuCommand: (listener: (command: MenuCommand, detail: MenuCommandDetail) => void) =>
    subscribe<[MenuCommand, MenuCommandDetail]>(IPC.menuCommand, (command, detail) => listener(command, detail ?? {})),
  onOpenFile: (listener: (file: FileOpenResult) => void) => {
    openFileListeners.add(listener);
    for (const file of unclaimedFiles.splice(0)) listener(file);
    return () => {
      openFileListeners.delete(listener);
    };
  },
  requestEngine: () => ipcRenderer.send(IPC.requestEngine),
  setDirty: (dirty: boolean) => ipcRenderer.send(IPC.setDirty, dirty),
};

contextBridge.exposeInMainWorld('uvmscope', bridge);
