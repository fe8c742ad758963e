/**
 * The user's document (src/renderer/state/document.ts) over a real engine service in Node: what Save writes, when
 * there are unsaved changes, what a failed open keeps, and what the shell is told (Electron's setDirty, the web
 * build's beforeunload).
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { documentToSave, isDirty, openDocument, useDocument, watchUnsaved } from '../../../src/renderer/state/document';
import { setEngineForTests, useDebugger } from '../../../src/renderer/state/store';
import { engineDouble } from './engine-double';

const scenario = (name: string) => readFileSync(new URL(`../../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');
const DEFAULT = scenario('default');

beforeEach(() => {
  setEngineForTests(engineDouble().client);
  useDocument.setState({ draft: null, savedText: '', lastAttempt: null });
});

describe('the document', () => {
  it('has unsaved changes when the editor’s text differs from the text last opened or saved', () => {
    const doc = useDocument.getState();
    expect(isDirty(useDocument.getState())).toBe(false);
    doc.setDraft(DEFAULT, 'default.yaml', true);
    expect(isDirty(useDocument.getState())).toBe(false);
    doc.setDraft(`${DEFAULT}  - note: mine\n`, 'default.yaml');
    expect(isDirty(useDocument.getState())).toBe(true);
    // typed back to what it was: nothing to lose
    doc.setDraft(DEFAULT, 'default.yaml');
    expect(isDirty(useDocument.getState())).toBe(false);
    doc.setDraft(`${DEFAULT}  - note: mine\n`, 'mine.yaml');
    doc.markSaved(`${DEFAULT}  - note: mine\n`);
    expect(isDirty(useDocument.getState())).toBe(false);
  });

  it('Save writes the editor’s text under its name, or the loaded scenario when no editor reported', async () => {
    expect(await openDocument(DEFAULT, 'default.yaml')).toBe(true);
    expect(documentToSave()).toEqual({ text: DEFAULT, name: 'default.yaml' });
    useDocument.getState().setDraft('uvmscope: 1\n# edited, not run\n', 'mine.yaml');
    expect(documentToSave()).toEqual({ text: 'uvmscope: 1\n# edited, not run\n', name: 'mine.yaml' });
    // the run is still the one loaded: Save does not write the run's text
    expect(useDebugger.getState().source).toBe(DEFAULT);
  });

  it('a file that fails to open is kept, with its located errors, and the loaded run stays', async () => {
    await openDocument(DEFAULT, 'default.yaml');
    const run = useDebugger.getState().run;
    const bad = DEFAULT.replace('{ name: data, size: 16MiB }', '{ name: data, size: lots }');
    expect(await openDocument(bad, 'broken.yaml')).toBe(false);
    const attempt = useDocument.getState().lastAttempt;
    expect(attempt?.name).toBe('broken.yaml');
    expect(attempt?.text).toBe(bad);
    const line = bad.split('\n').findIndex((l) => l.includes('size: lots')) + 1;
    expect(attempt?.diagnostics[0]).toMatchObject({ path: 'regions[0].size', location: { file: 'broken.yaml', line } });
    expect(attempt?.diagnostics[0]?.message).toContain('"lots"');
    expect(useDebugger.getState().run).toBe(run);
    // the next open that works forgets it
    expect(await openDocument(scenario('first-touch'), 'first-touch.yaml')).toBe(true);
    expect(useDocument.getState().lastAttempt).toBeNull();
  });
});

describe('telling the shell', () => {
  it('Electron: setDirty on every change of unsaved changes, and only then', () => {
    const setDirty = vi.fn();
    const target = { addEventListener: vi.fn(), removeEventListener: vi.fn() };
    const stop = watchUnsaved({ setDirty }, target);
    const doc = useDocument.getState();
    doc.setDraft('a', 'x.yaml', true);
    doc.setDraft('ab', 'x.yaml');
    doc.setDraft('abc', 'x.yaml');
    expect(setDirty.mock.calls).toEqual([[true]]);
    doc.markSaved('abc');
    expect(setDirty.mock.calls).toEqual([[true], [false]]);
    // no beforeunload in Electron: it would cancel the close without asking
    expect(target.addEventListener).not.toHaveBeenCalled();
    stop();
    doc.setDraft('abcd', 'x.yaml');
    expect(setDirty).toHaveBeenCalledTimes(2);
  });

  it('the web build: a beforeunload prompt while there is something to lose', () => {
    const target = new EventTarget();
    const stop = watchUnsaved(undefined, target as unknown as Window);
    // a browser's BeforeUnloadEvent has a settable returnValue; Node's Event does not
    class BeforeUnload extends Event {
      override returnValue: boolean = true;
    }
    const unload = () => {
      const event = new BeforeUnload('beforeunload', { cancelable: true });
      target.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(unload()).toBe(false);
    useDocument.getState().setDraft('edited', 'x.yaml');
    expect(unload()).toBe(true);
    useDocument.getState().markSaved('edited');
    expect(unload()).toBe(false);
    useDocument.getState().setDraft('edited again', 'x.yaml');
    stop();
    expect(unload()).toBe(false);
  });
});
