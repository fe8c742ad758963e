/**
 * electron-vite: builds main (ESM, out/main/index.js) with the engine's utilityProcess host
 * as a second entry (out/main/utility.js, from src/hosts/utility.ts: main starts it by that
 * path and never imports it), preload (CommonJS,
 * out/preload/index.cjs, so the window keeps `sandbox: true`) and the renderer
 * (out/renderer/index.html). `electron-vite build` needs no Electron binary; `dev` and
 * `preview` do (see docs/architecture.md, "Pitfalls").
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { cspPlugin } from './scripts/vite-csp.ts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  main: {
    build: {
      rolldownOptions: { input: { index: 'src/main/index.ts', utility: 'src/hosts/utility.ts' } },
    },
  },
  preload: {
    define: { __UVMSCOPE_VERSION__: JSON.stringify(pkg.version) },
    build: {
      rolldownOptions: {
        input: { index: 'src/preload/index.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), cspPlugin()],
    build: {
      rolldownOptions: { input: { index: 'src/renderer/index.html' } },
    },
    worker: { format: 'es' },
  },
});
