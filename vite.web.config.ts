/**
 * The web build: the same renderer as the Electron window, served as static files
 * (out/web). The engine will run there in a module Web Worker, hence `worker.format: 'es'`.
 * `npm run web` builds it and serves it with `vite preview` (scripts/web.mjs).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cspPlugin } from './scripts/vite-csp.ts';

export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  plugins: [react(), cspPlugin()],
  build: {
    outDir: fileURLToPath(new URL('./out/web', import.meta.url)),
    emptyOutDir: true,
    // one local bundle, loaded from disk or localhost: the 500 kB web-page budget does not apply
    chunkSizeWarningLimit: 2500,
  },
  worker: { format: 'es' },
  // the dev server would otherwise discover these in the lazily started worker and reload
  // the page mid-test (see MACHINE.md)
  optimizeDeps: { include: ['yaml', 'zod', 'react', 'react-dom/client', 'zustand', 'd3', 'dockview-react', 'i18next', 'react-i18next'] },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
