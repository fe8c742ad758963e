/**
 * The main process's security rules as pure functions of plain values, so that they are
 * tested without Electron (test/main/security.test.ts). src/main/index.ts wires them to
 * Electron's events.
 *
 * The app is one page: it never navigates, never opens windows and loads nothing from the
 * network. Session and scenario files are data, never code.
 */

/**
 * The Content-Security-Policy of the renderer. It is written into index.html as a `<meta>`
 * tag at build time (scripts/vite-csp.ts), which covers `file://` loads and the web build
 * where no response headers can be set; main also sends it as a header for the dev server.
 *
 * - scripts, styles and workers only from the app itself (`'self'`; `blob:` workers are
 *   how some bundlers start module workers);
 * - no inline script and no `eval` (no `'unsafe-eval'`): breakpoint conditions use the
 *   engine's own expression language;
 * - images from the app and from `data:`/`blob:` URLs (PNG/SVG export);
 * - no plugins, no frames, no `<base>` rewriting, no form posts.
 *
 * `dev` is for the vite dev server only: it injects CSS as `<style>` elements and talks to
 * its hot-reload server over a WebSocket.
 */
export function contentSecurityPolicy(options: { dev: boolean } = { dev: false }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    options.dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    options.dev ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

/** Strips the fragment: `index.html#/panel` is the same document as `index.html`. */
function withoutHash(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search}`;
}

/**
 * Whether the window may navigate from `appUrl` (the URL the window was loaded with) to
 * `targetUrl`. Only a reload of the app's own document is allowed (the dev server's full
 * reload does that); every other navigation — a link, a dropped file, a redirect — is
 * refused.
 */
export function isNavigationAllowed(targetUrl: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(targetUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  return withoutHash(target) === withoutHash(app);
}

/**
 * Whether an IPC message comes from the app itself: sent by the top frame of a page whose
 * document is the app's (`appUrl`, the URL the window was loaded with; a change of fragment
 * is the same document). A sub-frame, another document or a message with no frame (the
 * frame navigated or was destroyed before the message was handled) is refused.
 */
export function isTrustedSender(sender: { readonly frameUrl: string | null; readonly isMainFrame: boolean }, appUrl: string): boolean {
  return sender.isMainFrame && sender.frameUrl !== null && isNavigationAllowed(sender.frameUrl, appUrl);
}

/** The answer to `webContents.setWindowOpenHandler`: windows are never opened. */
export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Whether a permission request (camera, notifications, clipboard…) is granted. The app needs
 * none, so every request is refused; the function exists so that a future exception is
 * made here, named and tested.
 */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}

/**
 * The `webPreferences` every window gets. src/main/main-window.ts writes them out as a
 * literal (so that electronegativity's static checks see each one) and
 * test/main/main-window.test.ts checks that the two agree.
 */
export const secureWebPreferences = {
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
  /** A middle click on a link would otherwise try to open it in a new window. */
  disableBlinkFeatures: 'Auxclick',
} as const;
