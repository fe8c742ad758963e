/**
 * `npm start`. Until the visual app exists, it runs the CLI on the default scenario and
 * prints a human-readable summary. When the app arrives this becomes its launcher: make
 * sure the Electron binary is there, start the app, and where that fails say so in one
 * sentence and serve the web build instead (docs/architecture.md, "Pitfalls").
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const scenario = join(root, 'assets', 'scenarios', 'default.yaml');
const launcher = join(root, 'bin', 'uvmscope.js');

console.log('UVMScope: the visual app arrives in a later version; for now `npm start` runs the default scenario with the CLI.');

if (!existsSync(scenario)) {
  console.error(`The default scenario ${relative(root, scenario)} is missing, so there is nothing to run.`);
  process.exit(1);
}

const child = spawn(process.execPath, [launcher, 'run', relative(root, scenario)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
