/**
 * The web build: the same renderer as the Electron window, served as static files
 * (out/web). The engine will run there in a module Web Worker, hence `worker.format: 'es'`.
 * `npm run web` builds it and serves it with `vite preview` (scripts/web.mjs).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { cspPlugin } from './scripts/vite-csp.ts';

export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  plugins: [cspPlugin()],
  build: {
    outDir: fileURLToPath(new URL('./out/web', import.meta.url)),
    emptyOutDir: true,
  },
  worker: { format: 'es' },
});
