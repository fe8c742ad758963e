/**
 * A test double of the `electron` module for main-process tests: the parts src/main and
 * src/preload use, as plain objects that record what was done to them and let a test
 * emit Electron's events. Use it with
 *
 *     vi.mock('electron', () => import('./electron-double'));
 *
 * and import the same module in the test to drive it (`resetElectron()` in `beforeEach`).
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** An Electron-style event whose default can be prevented. */
export function preventable(): { defaultPrevented: boolean; preventDefault(): void } {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

let nextContentsId = 1;

export class FakeWebFrame {
  parent: FakeWebFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = '';
  destroyed = false;
  readonly mainFrame = new FakeWebFrame('');
  readonly send = vi.fn();
  readonly postMessage = vi.fn();
  readonly setWindowOpenHandler = vi.fn();
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What the page's load does: navigate, then `did-finish-load`. */
  finishLoad(url: string): void {
    this.url = url;
    this.mainFrame.url = url;
    this.emit('did-start-loading');
    this.emit('did-finish-load');
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  bounds = { x: 0, y: 0, width: 0, height: 0 };
  maximized = false;
  minimized = false;
  destroyed = false;
  visible = false;
  documentEdited = false;
  /** Recorded only: a test finishes the load with `webContents.finishLoad(url)`, as a page would later. */
  readonly loadFile = vi.fn(async (_file: string) => undefined);
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly focus = vi.fn();
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });

  constructor(readonly options: Record<string, unknown>) {
    super();
    this.bounds = {
      x: (options['x'] as number | undefined) ?? 100,
      y: (options['y'] as number | undefined) ?? 100,
      width: options['width'] as number,
      height: options['height'] as number,
    };
    BrowserWindow.instances.push(this);
  }

  static fromWebContents(contents: unknown): BrowserWindow | null {
    return BrowserWindow.instances.find((w) => w.webContents === contents && !w.destroyed) ?? null;
  }
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }

  show(): void {
    this.visible = true;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setDocumentEdited(edited: boolean): void {
    this.documentEdited = edited;
  }
  /** As Electron: `close` (preventable), then, unless prevented, `closed`. */
  close(): void {
    if (this.destroyed) return;
    const event = preventable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeMessagePortMain extends EventEmitter {
  other: FakeMessagePortMain | null = null;
  readonly postMessage = vi.fn();
  readonly start = vi.fn();
  readonly close = vi.fn();
}

export class MessageChannelMain {
  static readonly instances: MessageChannelMain[] = [];
  readonly port1 = new FakeMessagePortMain();
  readonly port2 = new FakeMessagePortMain();
  constructor() {
    this.port1.other = this.port2;
    this.port2.other = this.port1;
    MessageChannelMain.instances.push(this);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  killed = false;
  readonly postMessage = vi.fn();
  readonly kill = vi.fn(() => {
    if (this.killed) return false;
    this.killed = true;
    this.emit('exit', 15);
    return true;
  });
  constructor(
    readonly modulePath: string,
    readonly args: readonly string[],
    readonly options: Record<string, unknown>,
  ) {
    super();
  }
}

export const utilityProcess = {
  forked: [] as FakeUtilityProcess[],
  fork: vi.fn((modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
    const child = new FakeUtilityProcess(modulePath, args, options);
    utilityProcess.forked.push(child);
    return child;
  }),
};

type Listener = (event: unknown, ...args: unknown[]) => unknown;

/** ipcMain, with `invoke`/`send` to play the renderer's side. */
export const ipcMain = {
  handlers: new Map<string, Listener>(),
  listeners: new Map<string, Listener[]>(),
  handle: vi.fn((channel: string, listener: Listener) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, listener);
  }),
  removeHandler: vi.fn((channel: string) => {
    ipcMain.handlers.delete(channel);
  }),
  on: vi.fn((channel: string, listener: Listener) => {
    ipcMain.listeners.set(channel, [...(ipcMain.listeners.get(channel) ?? []), listener]);
    return ipcMain;
  }),
  removeAllListeners: vi.fn((channel: string) => {
    ipcMain.listeners.delete(channel);
    return ipcMain;
  }),
  /** The renderer's `ipcRenderer.invoke`: resolves with the handler's answer or rejects with its error. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  },
  /** The renderer's `ipcRenderer.send`. */
  send(channel: string, event: unknown, ...args: unknown[]): void {
    for (const listener of ipcMain.listeners.get(channel) ?? []) listener(event, ...args);
  },
};

/** An IPC event as main sees it, from `contents`' frame at `frameUrl`. */
export function ipcEvent(contents: FakeWebContents, frame: FakeWebFrame | null = contents.mainFrame) {
  return { sender: contents, senderFrame: frame };
}

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  setApplicationMenu: vi.fn(),
};

export const dialog = {
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
  showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePath: '' })),
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
};

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays: () => screen.displays,
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  },
};

class FakeApp extends EventEmitter {
  paths: Record<string, string> = {};
  isPackaged = false;
  ready = false;
  lockAvailable = true;
  readonly requestSingleInstanceLock = vi.fn((_data?: unknown) => this.lockAvailable);
  readonly quit = vi.fn();
  readonly enableSandbox = vi.fn();
  readonly addRecentDocument = vi.fn();
  readonly clearRecentDocuments = vi.fn();
  private readyResolve: (() => void) | null = null;
  private readyPromise: Promise<void> = new Promise((resolve) => (this.readyResolve = resolve));
  getPath(name: string): string {
    const path = this.paths[name];
    if (!path) throw new Error(`no path for ${name} in the test`);
    return path;
  }
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** Become ready, as Electron does once: `ready` then whenReady() resolves. */
  async becomeReady(): Promise<void> {
    this.ready = true;
    this.emit('ready');
    this.readyResolve?.();
    await this.readyPromise;
    // let whenReady().then(…) callbacks run
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  reset(): void {
    this.removeAllListeners();
    this.paths = {};
    this.isPackaged = false;
    this.ready = false;
    this.lockAvailable = true;
    this.readyPromise = new Promise((resolve) => (this.readyResolve = resolve));
  }
}

export const app = new FakeApp();

/** The preload's side: ipcRenderer and contextBridge. */
export class FakeIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn(async (..._args: unknown[]): Promise<unknown> => null);
  readonly send = vi.fn();
}
export const ipcRenderer = new FakeIpcRenderer();
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

/** Forget everything between tests. */
export function resetElectron(): void {
  vi.clearAllMocks();
  app.reset();
  BrowserWindow.instances.length = 0;
  MessageChannelMain.instances.length = 0;
  utilityProcess.forked.length = 0;
  ipcMain.handlers.clear();
  ipcMain.listeners.clear();
  ipcRenderer.removeAllListeners();
  contextBridge.exposed.clear();
  screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  dialog.showOpenDialog.mockImplementation(async () => ({ canceled: true, filePaths: [] }));
  dialog.showSaveDialog.mockImplementation(async () => ({ canceled: true, filePath: '' }));
  dialog.showMessageBox.mockImplementation(async () => ({ response: 0, checkboxChecked: false }));
}
