/**
 * The one main window: sandboxed, isolated, without Node, at the size and place it had last
 * time (window-state.ts).
 *
 * Its `webPreferences` are written out here as a literal rather than spread from
 * `secureWebPreferences` (security.ts) so that electronegativity's static checks see each
 * setting (scripts/electronegativity.mjs); test/main/main-window.test.ts checks the two agree.
 */
import { BrowserWindow } from 'electron';
import { MIN_WINDOW_SIZE, type WindowState } from './window-state';

export interface MainWindowOptions {
  readonly state: WindowState;
  /** out/preload/index.cjs */
  readonly preload: string;
  /** What to show: the built index.html, or the dev server's URL. */
  readonly load: { readonly file: string } | { readonly url: string };
  readonly title: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { state } = options;
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: options.title,
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  if ('url' in options.load) void window.loadURL(options.load.url);
  else void window.loadFile(options.load.file);
  return window;
}
