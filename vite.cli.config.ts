/**
 * Compiles the CLI (src/cli/main.ts, which runs on import) for Node: out/cli/main.js.
 * bin/uvmscope.js runs this file when it is newer than the sources, and the sources
 * through tsx otherwise. Packages (yaml, zod) stay external and load from node_modules.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: fileURLToPath(new URL('./src/cli/main.ts', import.meta.url)),
    outDir: fileURLToPath(new URL('./out/cli', import.meta.url)),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      output: { format: 'es', entryFileNames: 'main.js' },
    },
  },
});
