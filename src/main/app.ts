/**
 * The Electron app, wired together: security rules on every webContents, one instance, one
 * main window, the menu, the bridge's handlers, the engine hosts, and files arriving from
 * outside. Each concern lives in its own file; this one only connects them.
 */
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, screen, session, type WebContents } from 'electron';
import { IPC, type FileOpenResult, type MenuCommand, type MenuCommandDetail } from '../protocol/bridge';
import { Documents } from './documents';
import { EngineHosts } from './engine-host';
import { registerBridge } from './ipc';
import { claimSingleInstance, fileFromArgv, listenForOpenFile } from './launch';
import { createMainWindow } from './main-window';
import { installMenu } from './menu';
import { language, setLanguage } from './i18n/index';
import { readLanguage, writeLanguage } from './i18n/setting';
import { RecentFiles } from './recent-files';
import { builtinScenarios } from './scenarios';
import { contentSecurityPolicy, isNavigationAllowed, isPermissionGranted, windowOpenDecision } from './security';
import { UnsavedChanges } from './unsaved';
import { fitToDisplays, readWindowState, trackWindowState } from './window-state';

export const APP_NAME = 'UVMScope';

/** Where the built files are, from out/main/index.js. */
export interface AppPaths {
  readonly preload: string;
  readonly rendererFile: string;
  readonly utility: string;
  /** Set by `electron-vite dev` to its dev server; absent in a built app. */
  readonly devServerUrl?: string;
}

export function builtPaths(): AppPaths {
  return {
    preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    rendererFile: fileURLToPath(new URL('../renderer/index.html', import.meta.url)),
    utility: fileURLToPath(new URL('./utility.js', import.meta.url)),
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
  };
}

/** Applied to every webContents, including ones we did not create ourselves. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
}

/**
 * Start the app. Returns false when another instance runs (this one handed it its command
 * line and quits).
 */
export function runApp(paths: AppPaths = builtPaths()): boolean {
  const appUrl = paths.devServerUrl ?? pathToFileURL(paths.rendererFile).href;
  const defaultApp = process.defaultApp === true;
  const userData = app.getPath('userData');
  const stateFile = join(userData, 'window-state.json');
  const recent = new RecentFiles(join(userData, 'recent-files.json')).load();
  const documents = new Documents(recent);
  const engines = new EngineHosts(paths.utility);
  const scenarios = builtinScenarios();
  const languageFile = join(userData, 'language.json');
  setLanguage(readLanguage(languageFile));

  let mainWindow: BrowserWindow | null = null;
  let unsaved: UnsavedChanges | null = null;
  /** The page has loaded (its preload listens): what is sent now arrives. */
  let pageLoaded = false;
  /** What waits for the page: files from the command line or the OS, menu commands sent with no window. */
  let waiting: Array<(contents: WebContents) => void> = [];

  const whenPageLoaded = (act: (contents: WebContents) => void) => {
    if (mainWindow && pageLoaded) act(mainWindow.webContents);
    else {
      waiting.push(act);
      if (!mainWindow && app.isReady()) createWindow();
    }
  };

  const sendCommand = (command: MenuCommand, detail: MenuCommandDetail = {}) =>
    whenPageLoaded((contents) => contents.send(IPC.menuCommand, command, detail));

  const showError = (message: string) => {
    const options = { type: 'error' as const, message, buttons: ['OK'] };
    void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
  };

  /** A file from outside (command line, OS, second launch, Open Recent): ask about unsaved changes, read, hand to the page. */
  const openFromOutside = (path: string, read: (path: string) => Promise<FileOpenResult> = (p) => documents.read(p)) => {
    whenPageLoaded((contents) => {
      void (async () => {
        if (unsaved && !(await unsaved.confirmReplace(basename(path)))) return;
        try {
          const file = await read(path);
          if (!contents.isDestroyed()) contents.send(IPC.fileOpened, file);
        } catch (error) {
          showError(error instanceof Error ? error.message : String(error));
        }
      })();
    });
  };

  const focusWindow = () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  const rebuildMenu = () =>
    installMenu({
      platform: process.platform,
      dev: !app.isPackaged,
      appName: APP_NAME,
      scenarios,
      recent: recent.list(),
      send: sendCommand,
      openRecent: (path) => openFromOutside(path, (p) => documents.openRecent(p)),
      clearRecent: () => {
        recent.clear();
        app.clearRecentDocuments();
      },
      language: language(),
      chooseLanguage: (chosen) => {
        setLanguage(chosen);
        writeLanguage(languageFile, chosen);
        rebuildMenu();
        sendCommand('view.language', { language: chosen });
      },
    });

  function createWindow(): BrowserWindow {
    const workAreas = screen.getAllDisplays().map((d) => d.workArea);
    const window = createMainWindow({
      state: fitToDisplays(readWindowState(stateFile), workAreas),
      preload: paths.preload,
      load: paths.devServerUrl ? { url: paths.devServerUrl } : { file: paths.rendererFile },
      title: APP_NAME,
    });
    const contentsId = window.webContents.id;
    mainWindow = window;
    pageLoaded = false;
    unsaved = new UnsavedChanges(window, (command) => sendCommand(command));
    trackWindowState(window, stateFile);
    window.webContents.on('did-start-loading', () => {
      pageLoaded = false;
    });
    window.webContents.on('did-finish-load', () => {
      pageLoaded = true;
      const ready = waiting;
      waiting = [];
      for (const act of ready) act(window.webContents);
    });
    window.on('closed', () => {
      engines.stop(contentsId);
      if (mainWindow === window) {
        mainWindow = null;
        unsaved = null;
        pageLoaded = false;
      }
    });
    return window;
  }

  if (
    !claimSingleInstance(app, {
      launch: { argv: process.argv, cwd: process.cwd() },
      defaultApp,
      onSecondInstance: (file) => {
        if (!mainWindow) createWindow();
        focusWindow();
        if (file) openFromOutside(file);
      },
    })
  ) {
    return false;
  }

  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  // macOS: may arrive before `ready`, with the file that launched the app
  listenForOpenFile(app, (path) => openFromOutside(path));
  const initialFile = fileFromArgv(process.argv, process.cwd(), { defaultApp });
  if (initialFile) openFromOutside(initialFile);

  registerBridge(
    {
      openFile: (window) => documents.openWithDialog(window),
      openRecent: (_window, path) => documents.openRecent(path),
      saveFile: async (window, request) => {
        const finished = unsaved?.saveStarted() ?? (() => undefined);
        try {
          const saved = await documents.save(window, request);
          finished(saved !== null);
          return saved;
        } catch (error) {
          finished(false);
          throw error;
        }
      },
      recentFiles: () => recent.list(),
      requestEngine: (window) => engines.start(window.webContents),
      setDirty: (_window, dirty) => unsaved?.setDirty(dirty),
    },
    {
      appUrl,
      windowOf: (event) => {
        const window = BrowserWindow.fromWebContents(event.sender);
        return window !== null && window === mainWindow ? window : null;
      },
    },
  );

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionGranted(permission)));
    ses.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
    // The <meta> CSP in index.html covers file:// loads; this header covers the dev server.
    const csp = contentSecurityPolicy({ dev: Boolean(paths.devServerUrl) });
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });

    recent.onChange(rebuildMenu);
    rebuildMenu();
    if (!mainWindow) createWindow();
    app.on('activate', () => {
      if (!mainWindow) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => engines.stopAll());
  return true;
}
