/**
 * Vitest global setup for the end-to-end tests: builds the web app once per test run into a
 * fresh temporary folder (so concurrent runs never share a build) and hands its path to the
 * tests through `inject('webDir')`. Skipped when no e2e test file is in the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    webDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'uvmscope-web-'));
  const configFile = fileURLToPath(new URL('../../vite.web.config.ts', import.meta.url));
  await build({ configFile, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
  project.provide('webDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
