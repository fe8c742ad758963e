/** A fresh build of the web app in a temporary folder, for the renderer benchmarks (remove it with rmSync when done). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export async function buildWebApp(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'uvmscope-bench-web-'));
  await build({ configFile: fileURLToPath(new URL('../vite.web.config.ts', import.meta.url)), logLevel: 'error', build: { outDir: dir, emptyOutDir: true } });
  return dir;
}
