/**
 * The API the Electron preload exposes to the renderer as `window.uvmscope`.
 *
 * Named values and functions only — never a generic `invoke(channel, …)`: every
 * capability the renderer gets is listed here, and main validates each call's sender and
 * payload. In the web build there is no preload and `window.uvmscope` is undefined; the
 * renderer then uses the browser's file APIs and a Web Worker.
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
  /** Where to write; absent = ask with the native save dialog (Save As). */
  readonly path?: string;
  /** Offered in the save dialog. */
  readonly suggestedName: string;
  readonly text: string;
  /** Dialog filter, e.g. `{ name: 'UVMScope session', extensions: ['uvmsession'] }`. */
  readonly filter: { readonly name: string; readonly extensions: readonly string[] };
}

/** Commands the application menu sends to the renderer. */
export type MenuCommand =
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'file.export'
  | 'view.presentation'
  | 'view.resetLayout'
  | 'debug.continue'
  | 'debug.reverseContinue'
  | 'debug.stepOver'
  | 'debug.stepInto'
  | 'debug.stepOut'
  | 'debug.stepBack'
  | 'debug.toggleBreakpoints'
  | 'help.about';

export interface UvmscopeBridge {
  /** The app's version (package.json), fixed at build time. */
  readonly version: string;
  /** Which shell the renderer runs in. */
  readonly host: 'electron';
  /** Show the native open dialog; null when cancelled. */
  openFile(): Promise<FileOpenResult | null>;
  /** Open a path from Open Recent; null when it is gone (the message says why). */
  openRecent(path: string): Promise<FileOpenResult | null>;
  /** Write a file atomically (temp file, then rename); null when the dialog was cancelled. */
  saveFile(request: FileSaveRequest): Promise<{ readonly path: string } | null>;
  /** The recent-files list, newest first. */
  recentFiles(): Promise<readonly string[]>;
  /** Subscribe to menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Subscribe to files the OS or the command line asks the app to open. */
  onOpenFile(listener: (file: FileOpenResult) => void): () => void;
  /** Ask main for a fresh engine host; the MessagePort arrives as a window `message` event with data `uvmscope:engine-port`. */
  requestEngine(): void;
  /** Tell main whether the document has unsaved changes (the close prompt asks then). */
  setDirty(dirty: boolean): void;
}
