/**
 * The API the Electron preload exposes to the renderer as `window.uvmscope`, and the IPC
 * channels that carry it between the preload and main.
 *
 * Named values and functions only — never a generic `invoke(channel, …)`: every
 * capability the renderer gets is listed here, and main checks each call's sender and
 * payload (src/main/ipc.ts). In the web build there is no preload and `window.uvmscope` is
 * undefined; the renderer then uses the browser's file APIs and a Web Worker.
 *
 * Failures come back as rejected promises whose `Error.message` is one sentence for a
 * person (`"notes.yaml" is 40.0 MiB; files of at most 32 MiB can be opened.`); a cancelled
 * dialog is `null`, not an error.
 */

/** A file the user chose in the native open dialog (or gave on the command line). */
export interface FileOpenResult {
  /** Absolute path, for the title bar and Open Recent. */
  readonly path: string;
  /** The base name, for messages (`default.yaml:14:7`). */
  readonly name: string;
  readonly text: string;
}

export interface FileSaveRequest {
  /**
   * Where to write; absent = ask with the native save dialog (Save As). A path must be one
   * the user chose in this app (opened, saved or in the recent list): the renderer cannot
   * write anywhere else.
   */
  readonly path?: string;
  /** Offered in the save dialog. */
  readonly suggestedName: string;
  /** The content: text (scenario, session, trace JSON, SVG) or bytes (a PNG export). */
  readonly text: string | Uint8Array;
  /** Dialog filter, e.g. `{ name: 'UVMScope session', extensions: ['uvmsession'] }`. */
  readonly filter: { readonly name: string; readonly extensions: readonly string[] };
}

/**
 * Commands the application menu sends to the renderer. Menu items that Electron handles by
 * itself (Edit's cut/copy/paste, View's zoom, Toggle Developer Tools, Open Recent, Quit) send
 * nothing.
 *
 * - `file.new` — New from scenario: `detail.scenario` names the built-in scenario's file
 *   (`thrashing.yaml`, a file of assets/scenarios); open it as a new, unsaved document.
 * - `file.open` — ask for a file (`openFile()`), after asking about unsaved changes.
 * - `file.save` — save to the current path, or ask where (Save As) when it has none. Sent
 *   also by the close prompt's "Save": main then closes the window once that save
 *   succeeds, so answer it with exactly one `saveFile` call (or none if there is nothing
 *   to save).
 * - `file.saveAs`, `file.export` (PNG/SVG/trace of the current view).
 * - `file.saveSession` — save the session (the run, cursor, breakpoints, bookmarks, tours, layout: a `.uvmsession`,
 *   docs/session-format.md) where the user chooses.
 * - `view.presentation` (toggle), `view.resetLayout`.
 * - `view.theme` — View → Theme: `detail.theme` (`default`, `high-contrast`) is the UI's theme from now on.
 * - `view.language` — View → Language: `detail.language` (`en`, `zh-CN`) is the UI's language from now on.
 * - `debug.*` — as the keys F5, Shift+F5, F10, F11, Shift+F11, Alt+F11; the menu shows those
 *   keys but leaves them to the renderer's keymap, so a key press arrives once, as a key.
 * - `help.about`, `help.keys` (the keyboard shortcuts), `help.scenarioFormat` (the scenario
 *   format's documentation, docs/scenario-format.md).
 * - `help.exampleSessions` — list the example sessions (assets/sessions) to open one.
 */
export type MenuCommand =
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'file.saveSession'
  | 'file.export'
  | 'view.presentation'
  | 'view.resetLayout'
  | 'view.commandPalette'
  | 'view.language'
  | 'view.theme'
  | 'debug.playPause'
  | 'debug.goToStep'
  | 'debug.continue'
  | 'debug.reverseContinue'
  | 'debug.stepOver'
  | 'debug.stepInto'
  | 'debug.stepOut'
  | 'debug.stepBack'
  | 'debug.toggleBreakpoints'
  | 'help.about'
  | 'help.keys'
  | 'help.scenarioFormat'
  | 'help.exampleSessions';

/** What comes with a menu command; only `file.new` carries something today. */
export interface MenuCommandDetail {
  /** `file.new`: the built-in scenario's file name, e.g. `thrashing.yaml`. */
  readonly scenario?: string;
  /** `view.language`: the language chosen, as src/renderer/i18n names it (`en`, `zh-CN`). */
  readonly language?: string;
  /** `view.theme`: the theme chosen, as src/renderer/theme names it (`default`, `high-contrast`). */
  readonly theme?: string;
}

/** Every menu command, for main's checks and tests. */
export const MENU_COMMANDS: readonly MenuCommand[] = [
  'file.new',
  'file.open',
  'file.save',
  'file.saveAs',
  'file.saveSession',
  'file.export',
  'view.presentation',
  'view.resetLayout',
  'view.commandPalette',
  'view.language',
  'view.theme',
  'debug.playPause',
  'debug.goToStep',
  'debug.continue',
  'debug.reverseContinue',
  'debug.stepOver',
  'debug.stepInto',
  'debug.stepOut',
  'debug.stepBack',
  'debug.toggleBreakpoints',
  'help.about',
  'help.keys',
  'help.scenarioFormat',
  'help.exampleSessions',
];

export interface UvmscopeBridge {
  /** The app's version (package.json), fixed at build time. */
  readonly version: string;
  /** Which shell the renderer runs in. */
  readonly host: 'electron';
  /** Show the native open dialog; null when cancelled. */
  openFile(): Promise<FileOpenResult | null>;
  /** Open a path of the recent list (`recentFiles()`); rejects when it is gone, saying why (it then leaves the list). */
  openRecent(path: string): Promise<FileOpenResult>;
  /** Write a file atomically (temp file, then rename); null when the dialog was cancelled. */
  saveFile(request: FileSaveRequest): Promise<{ readonly path: string } | null>;
  /** The recent-files list, newest first. */
  recentFiles(): Promise<readonly string[]>;
  /** Subscribe to menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand, detail: MenuCommandDetail) => void): () => void;
  /**
   * Subscribe to files the OS, the command line, a second launch or File → Open Recent ask
   * the app to open. Main has already asked about unsaved changes. Files that arrive before
   * the first subscriber are kept and delivered to it.
   */
  onOpenFile(listener: (file: FileOpenResult) => void): () => void;
  /**
   * Ask main for a fresh engine host (a new utilityProcess; the window's previous one is
   * ended). The MessagePort arrives as a window `message` event with data
   * `uvmscope:engine-port` (src/renderer/engine/client.ts).
   */
  requestEngine(): void;
  /** Tell main whether the document has unsaved changes (the close prompt asks then). */
  setDirty(dirty: boolean): void;
}

/**
 * The IPC channels between the preload and main, one list (as Electron Fiddle's
 * ipc-events). `invoke` channels answer; `send` channels do not; `event` channels go from
 * main to the preload.
 */
export const IPC = {
  /** invoke → FileOpenResult | null */
  openFile: 'uvmscope:open-file',
  /** invoke(path) → FileOpenResult */
  openRecent: 'uvmscope:open-recent',
  /** invoke(FileSaveRequest) → { path } | null */
  saveFile: 'uvmscope:save-file',
  /** invoke → string[] */
  recentFiles: 'uvmscope:recent-files',
  /** send */
  requestEngine: 'uvmscope:request-engine',
  /** send(boolean) */
  setDirty: 'uvmscope:set-dirty',
  /** event(MenuCommand, MenuCommandDetail) */
  menuCommand: 'uvmscope:menu-command',
  /** event(FileOpenResult) */
  fileOpened: 'uvmscope:file-opened',
  /** event with one MessagePort: the engine host's end of a MessageChannelMain */
  enginePort: 'engine-port',
} as const;

/** The window message the preload forwards the engine's port with (src/renderer/engine/client.ts). */
export const ENGINE_PORT_MESSAGE = 'uvmscope:engine-port';
