#!/usr/bin/env node
/**
 * `uvmscope` (npx uvmscope run <scenario.yaml> …): runs the CLI of src/cli.
 *
 * - When the compiled CLI (out/cli/main.js, `npm run build:cli`) is newer than every source
 *   file it is built from, it is imported here, in this process (≈0.1 s to start).
 * - Otherwise the TypeScript sources run through tsx in a child Node (≈0.4 s to start), so
 *   a checkout works without a build and never runs a stale one. The child keeps the
 *   caller's working directory (scenario paths are relative to it), stdio and exit code.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'out', 'cli', 'main.js');
const source = join(root, 'src', 'cli', 'main.ts');
/** The folders the compiled CLI is built from. */
const sourceDirs = [join(root, 'src', 'cli'), join(root, 'src', 'engine')];

/** The newest modification time of the CLI's sources, in ms. */
function newestSourceTime() {
  let newest = 0;
  for (const dir of sourceDirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function compiledIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(source)) return true; // an installed package ships only the build
  return statSync(compiled).mtimeMs >= newestSourceTime();
}

if (compiledIsCurrent()) {
  await import(pathToFileURL(compiled).href);
} else if (existsSync(source)) {
  const tsx = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child through the terminal; the child decides how to stop.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (error) => {
    console.error(`uvmscope: could not start Node for ${source}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    // A child killed by a signal exits as a shell reports it: 128 + the signal's number.
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
  });
} else {
  console.error(`uvmscope: the CLI is missing: neither ${compiled} nor ${source} exists.`);
  process.exit(1);
}
