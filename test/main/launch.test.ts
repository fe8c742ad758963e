import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { app, preventable, resetElectron } from './electron-double';
import { claimSingleInstance, fileFromArgv, listenForOpenFile } from '../../src/main/launch';

let dir: string;
let scenario: string;
beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(join(tmpdir(), 'uvmscope-launch-'));
  scenario = join(dir, 'mine.yaml');
  writeFileSync(scenario, 'name: mine\n');
  mkdirSync(join(dir, 'a-folder'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a file on the command line', () => {
  it('is the argument after the executable of a packaged app', () => {
    expect(fileFromArgv(['/opt/UVMScope/uvmscope', scenario], '/', { defaultApp: false })).toBe(scenario);
  });

  it('is resolved against the working directory', () => {
    expect(fileFromArgv(['uvmscope', 'mine.yaml'], dir, { defaultApp: false })).toBe(scenario);
  });

  it('skips the app path of an unpackaged app (`electron . file`, `electron out/main/index.js file`)', () => {
    expect(fileFromArgv(['electron', '.', 'mine.yaml'], dir, { defaultApp: true })).toBe(scenario);
    writeFileSync(join(dir, 'index.js'), '');
    expect(fileFromArgv(['electron', 'index.js'], dir, { defaultApp: true })).toBeNull();
    expect(fileFromArgv(['electron', '--no-sandbox', 'index.js', 'mine.yaml'], dir, { defaultApp: true })).toBe(scenario);
  });

  it('skips switches Chromium and macOS add', () => {
    expect(fileFromArgv(['uvmscope', scenario, '--original-process-start-time=1234', '--enable-logging', '-psn_0_12345'], '/', { defaultApp: false })).toBe(scenario);
  });

  it('takes what follows `--` as it is', () => {
    const dashed = join(dir, '-odd.yaml');
    writeFileSync(dashed, '');
    expect(fileFromArgv(['uvmscope', '--', '-odd.yaml'], dir, { defaultApp: false })).toBe(dashed);
  });

  it('is none when nothing names an existing file (a folder, a missing file, no argument)', () => {
    expect(fileFromArgv(['uvmscope'], dir, { defaultApp: false })).toBeNull();
    expect(fileFromArgv(['uvmscope', 'a-folder'], dir, { defaultApp: false })).toBeNull();
    expect(fileFromArgv(['uvmscope', 'missing.yaml'], dir, { defaultApp: false })).toBeNull();
  });
});

describe('one instance at a time', () => {
  it('takes the lock, handing this command line to the first instance', () => {
    const onSecondInstance = vi.fn();
    expect(claimSingleInstance(app as never, { launch: { argv: ['uvmscope', 'mine.yaml'], cwd: dir }, defaultApp: false, onSecondInstance })).toBe(true);
    expect(app.requestSingleInstanceLock).toHaveBeenCalledWith({ argv: ['uvmscope', 'mine.yaml'], cwd: dir });
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('quits when another instance holds the lock', () => {
    app.lockAvailable = false;
    const onSecondInstance = vi.fn();
    expect(claimSingleInstance(app as never, { launch: { argv: ['uvmscope'], cwd: dir }, defaultApp: false, onSecondInstance })).toBe(false);
    expect(app.quit).toHaveBeenCalledOnce();
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('a second launch opens its file here, from the command line it handed over', () => {
    const onSecondInstance = vi.fn();
    claimSingleInstance(app as never, { launch: { argv: ['uvmscope'], cwd: '/' }, defaultApp: false, onSecondInstance });
    // Chromium reorders argv and adds switches; additionalData is what the second instance saw
    app.emit('second-instance', preventable(), ['uvmscope', '--allow-file-access-from-files', 'elsewhere.yaml'], '/', { argv: ['uvmscope', 'mine.yaml'], cwd: dir });
    expect(onSecondInstance).toHaveBeenLastCalledWith(scenario);
  });

  it('falls back to argv and the working directory when the handed-over data is not ours', () => {
    const onSecondInstance = vi.fn();
    claimSingleInstance(app as never, { launch: { argv: ['uvmscope'], cwd: '/' }, defaultApp: false, onSecondInstance });
    app.emit('second-instance', preventable(), ['uvmscope', '--original-process-start-time=1', 'mine.yaml'], dir, { argv: 'not a list' });
    expect(onSecondInstance).toHaveBeenLastCalledWith(scenario);
    app.emit('second-instance', preventable(), ['uvmscope'], dir, undefined);
    expect(onSecondInstance).toHaveBeenLastCalledWith(null);
  });
});

describe("macOS's open-file", () => {
  it('hands on the path and tells macOS the app handles it', () => {
    const onFile = vi.fn();
    listenForOpenFile(app as never, onFile);
    const event = preventable();
    app.emit('open-file', event, scenario);
    expect(event.defaultPrevented).toBe(true);
    expect(onFile).toHaveBeenCalledWith(scenario);
    app.emit('open-file', preventable(), 'relative.yaml');
    expect(onFile).toHaveBeenCalledTimes(1);
  });
});
