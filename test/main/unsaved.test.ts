import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { app, BrowserWindow, dialog, resetElectron } from './electron-double';
import { closeButtons, SAVE_TO_CLOSE_MS, UnsavedChanges } from '../../src/main/unsaved';

let window: BrowserWindow;
let send: ReturnType<typeof vi.fn<(command: string) => void>>;
let now: number;
let unsaved: UnsavedChanges;

beforeEach(() => {
  resetElectron();
  window = new BrowserWindow({ width: 800, height: 600 });
  send = vi.fn();
  now = 1_000_000;
  unsaved = new UnsavedChanges(window as never, send, () => now);
});

const answer = (response: number) => dialog.showMessageBox.mockImplementationOnce(async () => ({ response, checkboxChecked: false }));
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('closing with unsaved changes', () => {
  it('offers Save, Don’t Save and Cancel, in the order of their answers', () => {
    expect(closeButtons()).toEqual(['Save', "Don't Save", 'Cancel']);
  });

  it('closes at once when there is nothing unsaved', () => {
    window.close();
    expect(window.destroyed).toBe(true);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('asks Save / Don’t Save / Cancel when the renderer reported changes', async () => {
    unsaved.setDirty(true);
    expect(window.documentEdited).toBe(true);
    answer(2);
    window.close();
    await settle();
    expect(dialog.showMessageBox).toHaveBeenCalledOnce();
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({ buttons: ['Save', "Don't Save", 'Cancel'], cancelId: 2, message: 'Do you want to save your changes?' });
    // Cancel: the window stays
    expect(window.destroyed).toBe(false);
  });

  it('Don’t Save closes the window and loses the changes', async () => {
    unsaved.setDirty(true);
    answer(1);
    window.close();
    await settle();
    expect(window.destroyed).toBe(true);
    expect(send).not.toHaveBeenCalled();
  });

  it('Save asks the renderer to save, and closes once that save succeeded', async () => {
    unsaved.setDirty(true);
    answer(0);
    window.close();
    await settle();
    expect(send).toHaveBeenCalledWith('file.save');
    expect(window.destroyed).toBe(false);
    const finished = unsaved.saveStarted();
    finished(true);
    expect(window.destroyed).toBe(true);
    expect(unsaved.isDirty()).toBe(false);
  });

  it('Save keeps the window open when the save is cancelled or fails, and a later save does not close it', async () => {
    unsaved.setDirty(true);
    answer(0);
    window.close();
    await settle();
    unsaved.saveStarted()(false);
    expect(window.destroyed).toBe(false);
    unsaved.saveStarted()(true);
    expect(window.destroyed).toBe(false);
  });

  it('a save that starts long after the prompt is an ordinary save', async () => {
    unsaved.setDirty(true);
    answer(0);
    window.close();
    await settle();
    now += SAVE_TO_CLOSE_MS + 1;
    unsaved.saveStarted()(true);
    expect(window.destroyed).toBe(false);
  });

  it('asks once however often close is pressed while asking', async () => {
    unsaved.setDirty(true);
    let reply: (value: { response: number; checkboxChecked: boolean }) => void = () => undefined;
    dialog.showMessageBox.mockImplementationOnce(() => new Promise((resolve) => (reply = resolve)));
    window.close();
    window.close();
    expect(dialog.showMessageBox).toHaveBeenCalledOnce();
    reply({ response: 2, checkboxChecked: false });
    await settle();
  });

  it('quitting (Cmd+Q) quits once the changes are dealt with', async () => {
    unsaved.setDirty(true);
    app.emit('before-quit');
    answer(1);
    window.close();
    await settle();
    expect(app.quit).toHaveBeenCalledOnce();
  });

  it('becomes clean when the renderer says so', () => {
    unsaved.setDirty(true);
    unsaved.setDirty(false);
    expect(window.documentEdited).toBe(false);
    window.close();
    expect(window.destroyed).toBe(true);
  });
});

describe('a file from outside replacing the document', () => {
  it('opens without asking when nothing is unsaved', async () => {
    expect(await unsaved.confirmReplace('mine.yaml')).toBe(true);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('asks first when there are unsaved changes', async () => {
    unsaved.setDirty(true);
    answer(1);
    expect(await unsaved.confirmReplace('mine.yaml')).toBe(false);
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({ message: 'Open "mine.yaml" and lose your unsaved changes?' });
    answer(0);
    expect(await unsaved.confirmReplace('mine.yaml')).toBe(true);
  });
});
