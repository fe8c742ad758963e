/**
 * Unsaved changes: the renderer reports them (`bridge.setDirty`), and main asks before
 * they would be lost — when the window closes or the app quits (Save / Don't Save /
 * Cancel), and before a file from outside (command line, OS, Open Recent) replaces the
 * document.
 *
 * "Save" sends `file.save` to the renderer, which answers with one `saveFile` call; the
 * window closes when that save succeeds, and stays open when it is cancelled or fails.
 */
import { app, dialog, type BrowserWindow, type Event } from 'electron';
import type { MenuCommand } from '../protocol/bridge';
import { t } from './i18n/index';

/** How long after the close prompt's "Save" the renderer's save must start to count as that save. */
export const SAVE_TO_CLOSE_MS = 10_000;

/** The close prompt's buttons, in the order of its answers: 0 Save, 1 Don't Save, 2 Cancel. */
export function closeButtons(): string[] {
  return [t('unsaved.close.save'), t('unsaved.close.dontSave'), t('unsaved.close.cancel')];
}

export class UnsavedChanges {
  private dirty = false;
  /** Set once the user chose to lose the changes (or they were saved): the next close goes through. */
  private allowClose = false;
  private prompting = false;
  /** The app is quitting (Cmd+Q, the Quit item): once the window may close, quit rather than just close. */
  private quitting = false;
  /** When the close prompt's "Save" was chosen, until the renderer's save starts. */
  private saveToCloseAt: number | null = null;

  constructor(
    private readonly window: BrowserWindow,
    private readonly send: (command: MenuCommand) => void,
    private readonly now: () => number = Date.now,
  ) {
    window.on('close', (event) => this.onClose(event));
    app.on('before-quit', () => {
      this.quitting = true;
    });
  }

  isDirty(): boolean {
    return this.dirty;
  }

  setDirty(dirty: boolean): void {
    this.dirty = dirty;
    // macOS shows a dot in the close button of an edited document
    this.window.setDocumentEdited(dirty);
  }

  /** Before a file from outside replaces the document: true when there is nothing to lose or the user agrees. */
  async confirmReplace(name: string): Promise<boolean> {
    if (!this.dirty) return true;
    const { response } = await dialog.showMessageBox(this.window, {
      type: 'warning',
      buttons: [t('unsaved.replace.open'), t('unsaved.replace.cancel')],
      defaultId: 1,
      cancelId: 1,
      message: t('unsaved.replace.message', { file: name }),
      detail: t('unsaved.replace.detail'),
    });
    return response === 0;
  }

  /**
   * A save has started. When it is the one the close prompt asked for, the returned
   * function closes the window once told the save succeeded.
   */
  saveStarted(): (saved: boolean) => void {
    const asked = this.saveToCloseAt !== null && this.now() - this.saveToCloseAt <= SAVE_TO_CLOSE_MS;
    this.saveToCloseAt = null;
    if (!asked) return () => undefined;
    return (saved) => {
      if (saved) {
        this.setDirty(false);
        this.closeNow();
      } else {
        this.quitting = false;
      }
    };
  }

  private onClose(event: Event): void {
    if (!this.dirty || this.allowClose) return;
    event.preventDefault();
    if (!this.prompting) void this.prompt();
  }

  private async prompt(): Promise<void> {
    this.prompting = true;
    try {
      const { response } = await dialog.showMessageBox(this.window, {
        type: 'warning',
        buttons: closeButtons(),
        defaultId: 0,
        cancelId: 2,
        message: t('unsaved.close.message'),
        detail: t('unsaved.close.detail'),
      });
      if (response === 0) {
        this.saveToCloseAt = this.now();
        this.send('file.save');
      } else if (response === 1) {
        this.closeNow();
      } else {
        this.quitting = false;
      }
    } finally {
      this.prompting = false;
    }
  }

  private closeNow(): void {
    this.allowClose = true;
    if (this.quitting) app.quit();
    else if (!this.window.isDestroyed()) this.window.close();
  }
}
