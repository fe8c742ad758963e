import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { app, BrowserWindow, dialog, resetElectron } from './electron-double';
import { Documents, OPEN_FILTERS, opensAgain } from '../../src/main/documents';
import { RecentFiles } from '../../src/main/recent-files';

let dir: string;
let recent: RecentFiles;
let documents: Documents;
let window: BrowserWindow;

beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(join(tmpdir(), 'uvmscope-docs-'));
  app.paths = { documents: join(dir, 'Documents'), home: dir, userData: join(dir, 'userData') };
  recent = new RecentFiles(join(dir, 'recent.json')).load();
  documents = new Documents(recent);
  window = new BrowserWindow({ width: 800, height: 600 });
});
afterEach(async () => {
  await recent.flushed();
  rmSync(dir, { recursive: true, force: true });
});

const request = { suggestedName: 'scenario.yaml', text: 'name: mine\n', filter: { name: 'UVMScope scenario', extensions: ['yaml', 'yml'] } };

describe('opening', () => {
  it('shows the native open dialog for scenarios and sessions; null when cancelled', async () => {
    expect(await documents.openWithDialog(window as never)).toBeNull();
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(window, expect.objectContaining({ properties: ['openFile'], filters: OPEN_FILTERS }));
  });

  it('reads the chosen file and puts it first in the recent lists', async () => {
    const path = join(dir, 'mine.yaml');
    writeFileSync(path, 'name: mine\n');
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [path] });
    expect(await documents.openWithDialog(window as never)).toEqual({ path, name: 'mine.yaml', text: 'name: mine\n' });
    expect(recent.list()).toEqual([path]);
    expect(app.addRecentDocument).toHaveBeenCalledWith(path);
    // the next dialog opens in its folder
    await documents.openWithDialog(window as never);
    expect(dialog.showOpenDialog.mock.calls[1][1]).toMatchObject({ defaultPath: dir });
  });

  it('opens a path of the recent list only', async () => {
    const path = join(dir, 'mine.yaml');
    writeFileSync(path, 'x');
    await expect(documents.openRecent(path)).rejects.toThrow('"mine.yaml" is not in the recent-files list.');
    recent.add(path);
    expect(await documents.openRecent(path)).toMatchObject({ path, text: 'x' });
  });

  it('drops a recent file that is gone, saying why', async () => {
    const path = join(dir, 'gone.yaml');
    recent.add(path);
    await expect(documents.openRecent(path)).rejects.toThrow('"gone.yaml" could not be read: it does not exist');
    expect(recent.has(path)).toBe(false);
  });
});

describe('saving', () => {
  it('asks where with the save dialog (the suggested name, the filter), then writes atomically', async () => {
    const path = join(dir, 'saved.yaml');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
    expect(await documents.save(window as never, request)).toEqual({ path });
    const options = dialog.showSaveDialog.mock.calls[0][1] as { defaultPath: string; filters: unknown[] };
    expect(options.defaultPath).toBe(join(dir, 'Documents', 'scenario.yaml'));
    expect(options.filters[0]).toEqual({ name: 'UVMScope scenario', extensions: ['yaml', 'yml'] });
    expect(readFileSync(path, 'utf8')).toBe('name: mine\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(recent.list()[0]).toBe(path);
  });

  it('keeps exports (PNG, SVG, trace, slideshow) out of Open Recent: the app does not open them', async () => {
    for (const name of ['map.png', 'map.svg', 'run.trace.json', 'frames.html']) {
      const path = join(dir, name);
      dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
      expect(await documents.save(window as never, { ...request, suggestedName: name })).toEqual({ path });
    }
    expect(recent.list()).toEqual([]);
    expect(opensAgain('/x/a.uvmsession')).toBe(true);
    expect(opensAgain('/x/capture.JSONL')).toBe(true);
    expect(opensAgain('/x/a.png')).toBe(false);
    expect(opensAgain('/x/noextension')).toBe(false);
  });

  it('returns null when the save dialog is cancelled, writing nothing', async () => {
    expect(await documents.save(window as never, request)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('offers only the name the renderer suggests, never its folder', async () => {
    await documents.save(window as never, { ...request, suggestedName: '../../etc/passwd' });
    expect((dialog.showSaveDialog.mock.calls[0][1] as { defaultPath: string }).defaultPath).toBe(join(dir, 'Documents', 'passwd'));
  });

  it('saves without asking to a file the user opened or saved before', async () => {
    const path = join(dir, 'mine.yaml');
    writeFileSync(path, 'old');
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [path] });
    await documents.openWithDialog(window as never);
    expect(await documents.save(window as never, { ...request, path, text: 'new' })).toEqual({ path });
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
  });

  it('refuses to write to a path the user never chose', async () => {
    const path = join(dir, 'not-chosen.yaml');
    await expect(documents.save(window as never, { ...request, path })).rejects.toThrow('"not-chosen.yaml" was not opened or saved in UVMScope; use Save As to choose where to save.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says in one sentence why a write failed', async () => {
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: join(dir, 'no-such-folder', 'x.yaml') });
    await expect(documents.save(window as never, request)).rejects.toThrow('"x.yaml" could not be saved: it does not exist (it may have been moved or deleted).');
  });
});
