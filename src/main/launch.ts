/**
 * How files reach the app from outside: a path on the command line (Windows, Linux, and
 * `electron . file.yaml` anywhere), a second launch while the app runs (it hands its command
 * line to this instance and quits), and macOS's `open-file` (a double click in Finder, a
 * drop on the Dock icon). One instance runs at a time (`requestSingleInstanceLock`); a
 * second launch focuses its window.
 */
import { isAbsolute, resolve } from 'node:path';
import type { App } from 'electron';
import { isFile } from './files';

/** What a second instance hands the first (`requestSingleInstanceLock`'s additionalData). */
export interface LaunchData {
  readonly argv: readonly string[];
  readonly cwd: string;
}

function isLaunchData(value: unknown): value is LaunchData {
  if (typeof value !== 'object' || value === null) return false;
  const { argv, cwd } = value as Record<string, unknown>;
  return Array.isArray(argv) && argv.length < 1000 && argv.every((a) => typeof a === 'string') && typeof cwd === 'string' && isAbsolute(cwd);
}

/**
 * The file a command line asks to open: its last argument that is neither a switch
 * (`--no-sandbox`, `--inspect=9229`, macOS's `-psn_…`) nor the app itself, and names an
 * existing file (relative to `cwd`). `argv[0]` is the executable; when Electron runs an
 * unpackaged app (`defaultApp`: `electron .`, `electron out/main/index.js`) the first
 * argument that is not a switch is the app's path.
 */
export function fileFromArgv(argv: readonly string[], cwd: string, options: { readonly defaultApp: boolean }): string | null {
  const positional: string[] = [];
  let switches = true;
  for (const arg of argv.slice(1)) {
    if (switches && arg === '--') switches = false;
    else if (!switches || !arg.startsWith('-')) positional.push(arg);
  }
  if (options.defaultApp) positional.shift();
  for (const arg of positional.reverse()) {
    if (arg.length === 0 || arg.length > 4096) continue;
    const path = resolve(cwd, arg);
    if (isFile(path)) return path;
  }
  return null;
}

export interface SingleInstanceOptions {
  /** This process's command line and folder, handed to the first instance if this one is second. */
  readonly launch: LaunchData;
  readonly defaultApp: boolean;
  /** A second launch happened: focus the window and open `file` when it named one. */
  onSecondInstance(file: string | null): void;
}

/**
 * Take the single-instance lock. When another instance holds it, this one has handed over
 * its command line: it quits and the function returns false.
 */
export function claimSingleInstance(app: App, options: SingleInstanceOptions): boolean {
  if (!app.requestSingleInstanceLock({ argv: [...options.launch.argv], cwd: options.launch.cwd })) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    // additionalData is the command line as the second instance saw it; `argv` may be
    // reordered and carry switches Chromium added
    const launch = isLaunchData(additionalData) ? additionalData : { argv, cwd: workingDirectory };
    options.onSecondInstance(fileFromArgv(launch.argv, launch.cwd, { defaultApp: options.defaultApp }));
  });
  return true;
}

/**
 * macOS's `open-file`, which can arrive before the app is ready (the file that launched
 * it): the path is handed on as soon as it arrives.
 */
export function listenForOpenFile(app: App, onFile: (path: string) => void): void {
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (typeof path === 'string' && isAbsolute(path)) onFile(path);
  });
}
