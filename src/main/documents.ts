/**
 * The user's documents, as main handles them for the window: the native open and save
 * dialogs, reading (size-checked) and atomic writing, and the recent list.
 *
 * The renderer never names a file it was not given: it can read a path only from the
 * recent list, and write without a dialog only to a path the user chose in this app (opened,
 * saved, given on the command line, or in the recent list). Everything else goes through a
 * dialog the user answers.
 */
import { basename, dirname, join } from 'node:path';
import { app, dialog, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import type { FileOpenResult, FileSaveRequest } from '../protocol/bridge';
import { FileError, readTextFile, writeFileAtomic } from './files';
import type { RecentFiles } from './recent-files';

/** What the open dialog offers: scenarios, sessions and real captures (tools/uvm-capture's JSON lines) first. */
export const OPEN_FILTERS = [
  { name: 'Scenarios, sessions and captures', extensions: ['yaml', 'yml', 'uvmsession', 'json', 'jsonl'] },
  { name: 'All files', extensions: ['*'] },
];

/** Whether the app can open this file again (its extension is one the open dialog offers), so it belongs in Open Recent. */
export function opensAgain(path: string): boolean {
  // a Perfetto trace is JSON, which the open dialog offers for sessions, but it is no session
  if (basename(path).toLowerCase().endsWith('.trace.json')) return false;
  const dot = basename(path).lastIndexOf('.');
  const ext = dot > 0 ? basename(path).slice(dot + 1).toLowerCase() : '';
  return OPEN_FILTERS[0].extensions.includes(ext);
}

export class Documents {
  /** Paths the user chose this session: the renderer may save to these without a dialog. */
  private readonly chosen = new Set<string>();
  /** Where the next dialog opens: the folder of the last file opened or saved. */
  private lastFolder: string | null = null;

  constructor(private readonly recent: RecentFiles) {}

  /** Whether the renderer may write to `path` without asking. */
  mayWrite(path: string): boolean {
    return this.chosen.has(path) || this.recent.has(path);
  }

  /** Read a file the user chose (dialog, command line, OS, recent list) and remember it. */
  async read(path: string): Promise<FileOpenResult> {
    const text = await readTextFile(path);
    this.remember(path);
    return { path, name: basename(path), text };
  }

  /** File → Open…: null when the dialog was cancelled. */
  async openWithDialog(window: BrowserWindow | null): Promise<FileOpenResult | null> {
    const options: OpenDialogOptions = { properties: ['openFile'], filters: OPEN_FILTERS, defaultPath: this.defaultFolder() };
    const answer = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    const path = answer.filePaths[0];
    if (answer.canceled || !path) return null;
    return this.read(path);
  }

  /** A path of the recent list; a file that can no longer be read leaves the list. */
  async openRecent(path: string): Promise<FileOpenResult> {
    if (!this.recent.has(path)) throw new FileError(`"${basename(path)}" is not in the recent-files list.`);
    try {
      return await this.read(path);
    } catch (error) {
      this.recent.remove(path);
      throw error;
    }
  }

  /** Save: to `request.path` when the user chose it before, else where the save dialog says. */
  async save(window: BrowserWindow | null, request: FileSaveRequest): Promise<{ readonly path: string } | null> {
    let path = request.path;
    if (path !== undefined && !this.mayWrite(path)) {
      throw new FileError(`"${basename(path)}" was not opened or saved in UVMScope; use Save As to choose where to save.`);
    }
    if (path === undefined) {
      const options: SaveDialogOptions = {
        // a name, never a path: the renderer does not choose the folder
        defaultPath: join(this.defaultFolder(), basename(request.suggestedName)),
        filters: [{ name: request.filter.name, extensions: [...request.filter.extensions] }, { name: 'All files', extensions: ['*'] }],
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      };
      const answer = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      if (answer.canceled || !answer.filePath) return null;
      path = answer.filePath;
    }
    await writeFileAtomic(path, request.text);
    this.remember(path);
    return { path };
  }

  private remember(path: string): void {
    this.chosen.add(path);
    this.lastFolder = dirname(path);
    // an export (a PNG, an SVG, a trace, a slideshow) is written but is not something the app opens again
    if (!opensAgain(path)) return;
    this.recent.add(path);
    // the OS's own list: the Dock menu on macOS, the jump list on Windows
    app.addRecentDocument(path);
  }

  private defaultFolder(): string {
    if (this.lastFolder) return this.lastFolder;
    try {
      return app.getPath('documents');
    } catch {
      return app.getPath('home');
    }
  }
}
