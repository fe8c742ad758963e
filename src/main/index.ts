/**
 * Electron main process: one window, locked down. The rules themselves are pure functions
 * in ./security.ts; this file only wires them to Electron.
 *
 * Later issues add the engine host (a utilityProcess started from its built file path,
 * never imported here), menus, dialogs, files and autosave — one concern per file.
 */
import { app, BrowserWindow, session } from 'electron';
import { fileURLToPath } from 'node:url';
import {
  contentSecurityPolicy,
  isNavigationAllowed,
  isPermissionGranted,
  secureWebPreferences,
  windowOpenDecision,
} from './security';

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
/** Set by `electron-vite dev` to its dev server; absent in a built app. */
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];

app.enableSandbox();

/** Applied to every webContents, including ones we did not create ourselves. */
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
});

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'UVMScope',
    show: false,
    webPreferences: { ...secureWebPreferences, preload: preloadPath },
  });
  window.once('ready-to-show', () => window.show());
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererFile);
  return window;
}

void app.whenReady().then(() => {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(isPermissionGranted(permission)),
  );
  ses.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
  // The <meta> CSP in index.html covers file:// loads; this header covers the dev server.
  const csp = contentSecurityPolicy({ dev: Boolean(devServerUrl) });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
    });
  });

  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
