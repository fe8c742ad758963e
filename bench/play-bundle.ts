/**
 * play.page.ts bundled into one classic script (an IIFE that defines the global `__uvmBench`), for render-play.ts to
 * evaluate in the app's page. vite (the project's own bundler) builds it in memory: nothing is written.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const PAGE_GLOBAL = '__uvmBench';

export async function bundlePlayPage(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      emptyOutDir: false,
      lib: { entry: fileURLToPath(new URL('./play.page.ts', import.meta.url)), formats: ['iife'], name: PAGE_GLOBAL, fileName: 'play-page' },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output?: { type: string; code?: string }[] }[];
  const chunk = outputs.flatMap((o) => o.output ?? []).find((o) => o.type === 'chunk' && o.code);
  if (!chunk?.code) throw new Error('bundling bench/play.page.ts gave no code');
  return chunk.code;
}
