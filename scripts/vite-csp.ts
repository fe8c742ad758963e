/**
 * A vite plugin that writes the renderer's Content-Security-Policy into index.html as the
 * first `<meta>` of `<head>`, from the one definition in src/main/security.ts. Used by both
 * the Electron renderer build (electron.vite.config.ts) and the web build
 * (vite.web.config.ts), so the two can never drift apart.
 */
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from '../src/main/security.ts';

export function cspPlugin(): Plugin {
  let dev = false;
  return {
    name: 'uvmscope:csp',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'pre',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ dev }) },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}
