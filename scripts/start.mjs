/**
 * `npm start`: build the app (electron-vite build), make sure the Electron binary is there
 * (electron's own install script: it downloads the binary once and is a no-op afterwards),
 * and start the app, which opens its built-in default scenario.
 *
 * Where the app cannot start — the binary cannot be downloaded (some networks, this
 * project's own machines), or there is no display for a window — it says so in one
 * sentence and serves the web build instead (scripts/web.mjs), printing its URL.
 *
 *   npm start               the Electron app (or the web build where it cannot run)
 *   npm start -- --web      the web build, served at http://localhost:4173/
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

/**
 * Serve the web build in this terminal (Ctrl-C stops it); `why` is the one sentence before.
 * @param {string} [why]
 */
function serveWeb(why) {
  if (why) console.log(why);
  const web = spawn(process.execPath, [join(root, 'scripts', 'web.mjs'), ...args.filter((a) => a !== '--web')], { cwd: root, stdio: 'inherit' });
  forwardSignals(web);
  web.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 1)));
}

/** @param {import('node:child_process').ChildProcess} child */
function forwardSignals(child) {
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
}

/**
 * The first `SomethingError: message` line of a failed download's output, e.g. `fetch failed`.
 * @param {string} output
 */
function reasonOf(output) {
  const line = /^\s*(?:\w*Error|error): (.+)$/m.exec(output);
  return line ? line[1].trim() : 'it did not finish';
}

/**
 * The Electron binary's path, downloading it first when missing; or why it cannot be had.
 * @returns {{ path: string, error?: undefined } | { error: string }}
 */
function ensureElectron() {
  let electronDir;
  try {
    electronDir = join(require.resolve('electron/package.json', { paths: [root] }), '..');
  } catch {
    return { error: 'Electron is not installed (run `npm install`)' };
  }
  const installed = existsSync(join(electronDir, 'path.txt'));
  if (!installed) console.log('Downloading the Electron binary (once)…');
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: root, encoding: 'utf8' });
  if (install.status !== 0) return { error: `the Electron binary could not be downloaded (${reasonOf(`${install.stderr}\n${install.stdout}`)})` };
  try {
    // electron's main export is the binary's path (it would download again if the file were gone)
    const path = require(electronDir);
    if (typeof path === 'string' && existsSync(path)) return { path };
  } catch {
    // fall through
  }
  return { error: 'the Electron binary is not where its install script put it' };
}

if (args.includes('--web')) {
  serveWeb();
} else {
  try {
    const { build } = await import('electron-vite');
    await build({ root, logLevel: 'error' });
  } catch (error) {
    console.error(`UVMScope could not be built: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }

  const electron = ensureElectron();
  if (electron.error !== undefined) {
    serveWeb(`UVMScope cannot open its own window because ${electron.error}, so it is served as a web app instead.`);
  } else if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    serveWeb('UVMScope cannot open its own window because there is no display here ($DISPLAY is not set), so it is served as a web app instead.');
  } else {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    const app = spawn(electron.path, [root], { cwd: root, stdio: 'inherit', env });
    forwardSignals(app);
    app.on('error', (error) => serveWeb(`UVMScope's window could not start (${error.message}), so it is served as a web app instead.`));
    app.on('exit', (code, signal) => {
      if (code !== null || signal) process.exit(signal ? 0 : code);
    });
  }
}
