/**
 * The app's tour editing (src/renderer/state/session.ts) over a real engine service in Node: the cursor's steps made
 * into a tour, edited, reordered, a stop deleted and undone; the scenario's own tour left as it is (stops go to a new
 * tour, a duplicate is editable); every edit an unsaved change until the session is saved, and a saved session opens
 * with the tours as edited and the edited tour the one N walks.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setEngineForTests, useDebugger } from '../../../src/renderer/state/store';
import { useDocument } from '../../../src/renderer/state/document';
import {
  addStopAtCursor,
  createTour,
  deleteStopAt,
  deleteTourAt,
  duplicateTourAt,
  isEditable,
  moveStopAt,
  openSessionFile,
  readAutosave,
  renameTourAt,
  sessionText,
  shownStopWords,
  startSessions,
  undoTourEdit,
  updateStopAt,
  useSession,
  walkTour,
  type KeyValueStorage,
} from '../../../src/renderer/state/session';
import { engineDouble } from './engine-double';

const scenario = (name: string) => readFileSync(new URL(`../../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function seek(step: number): Promise<void> {
  useDebugger.getState().seek(step);
  await until(() => useDebugger.getState().state?.step === step);
}

let stop: (() => void) | null = null;
beforeEach(async () => {
  setEngineForTests(engineDouble().client);
  useDebugger.setState({ breakpoints: [] });
  stop = startSessions(null);
  expect(await useDebugger.getState().load(scenario('gaia-maquire'), 'gaia-maquire.yaml')).toBe(true);
});
afterEach(() => {
  stop?.();
  stop = null;
});

const steps = (tour = useSession.getState().selected) => useSession.getState().tours[tour].stops.map((s) => s.step);

describe('editing tours in the app', () => {
  it('the scenario’s own tour stays as it is: a stop goes to a new tour, a duplicate can be edited', async () => {
    const own = useSession.getState().tours[0];
    expect(useSession.getState().builtin).toBe(own);
    expect(isEditable(0)).toBe(false);
    updateStopAt(0, 0, { title: 'mine' });
    deleteStopAt(0, 0);
    expect(useSession.getState().tours).toEqual([own]);
    expect(useSession.getState().edited).toBe(false);
    await seek(40);
    expect(addStopAtCursor()).toEqual({ tour: 1, stop: 0 });
    expect(useSession.getState().tours.map((t) => t.title)).toEqual([own.title, 'Tour 1']);
    expect(duplicateTourAt(0)).toBe(1);
    const copy = useSession.getState().tours[1];
    expect(copy.title).toBe(`${own.title} (copy)`);
    expect(copy.stops.map((s) => s.step)).toEqual(own.stops.map((s) => s.step));
    expect(isEditable(1)).toBe(true);
    // the copy is the author's: its words show as written, in any language
    updateStopAt(1, 0, { narration: 'my words' });
    expect(shownStopWords(copy.title, 0, useSession.getState().tours[1].stops[0], 'zh-CN').narration).toBe('my words');
    renameTourAt(1, 'Lecture 3');
    deleteTourAt(1);
    expect(useSession.getState().tours.map((t) => t.title)).toEqual([own.title, 'Tour 1']);
    undoTourEdit();
    expect(useSession.getState().tours.map((t) => t.title)).toEqual([own.title, 'Lecture 3', 'Tour 1']);
    expect(useSession.getState().selected).toBe(1);
  }, 60_000);

  it('three stops, reordered, one deleted and undone; unsaved until saved; the saved session opens with them', async () => {
    // an empty tour is not saved (the format wants a stop in each): the selection counts among those saved
    createTour('empty');
    createTour('Lecture');
    expect(useSession.getState().edited).toBe(true);
    expect(useDocument.getState().sessionEdited).toBe(true);
    for (const step of [30, 120, 400]) {
      await seek(step);
      addStopAtCursor();
    }
    expect(steps()).toEqual([30, 120, 400]);
    expect(useSession.getState().selected).toBe(2);
    updateStopAt(2, 0, { title: 'first faults', narration: 'The GPU faults on the file.' });
    updateStopAt(2, 2, { title: 'maquire', narration: 'maquire drops the stale copies.', ask: { kind: 'invalidations', from: 400, through: 410 } });
    moveStopAt(2, 2, 1);
    expect(steps()).toEqual([30, 400, 120]);
    deleteStopAt(2, 2);
    expect(steps()).toEqual([30, 400]);
    expect(useSession.getState().undo).toMatchObject({ what: 'stop' });
    undoTourEdit();
    expect(steps()).toEqual([30, 400, 120]);

    const text = await sessionText();
    const saved = JSON.parse(text);
    expect(saved.tours[1].title).toBe('Lecture');
    // the stop's question is saved with it
    expect(saved.tours[1].stops[1]).toEqual({ step: 400, title: 'maquire', narration: 'maquire drops the stale copies.', ask: { kind: 'invalidations', from: 400, through: 410 } });
    expect(saved.view.settings['tour.selected']).toBe(1);

    // another scenario forgets the edits (nothing left to save), the session brings them back, saved
    expect(await useDebugger.getState().load(scenario('default'), 'default.yaml')).toBe(true);
    await until(() => useSession.getState().builtin !== null && useSession.getState().tours.length === 1);
    expect(useDocument.getState().sessionEdited).toBe(false);
    expect(await openSessionFile(text, 'lecture.uvmsession')).toBe(true);
    const s = useSession.getState();
    expect(s.tours.map((t) => t.title)).toEqual(saved.tours.map((t: { title: string }) => t.title));
    expect(s.selected).toBe(1);
    expect(s.edited).toBe(false);
    expect(isEditable(0)).toBe(true);
    expect(s.tours[1].stops[1].ask).toEqual({ kind: 'invalidations', from: 400, through: 410 });
    // the walk is on the edited tour, at the stop of the saved cursor (400); N goes on from there
    expect(s.tour).toEqual({ index: 1, stop: 1 });
    walkTour(1);
    await until(() => useDebugger.getState().state?.step === 120);
    expect(useSession.getState().tour).toEqual({ index: 1, stop: 2 });
  }, 60_000);

  it('an edit goes into the autosave', async () => {
    stop?.();
    const map = new Map<string, string>();
    const storage: KeyValueStorage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    stop = startSessions(storage, 20);
    createTour('Autosaved');
    await seek(50);
    addStopAtCursor();
    updateStopAt(1, 0, { narration: 'kept through a crash' });
    await until(() => readAutosave(storage)?.text.includes('kept through a crash') === true);
    const tours = JSON.parse(readAutosave(storage)!.text).tours as { title: string; stops: { step: number }[] }[];
    expect(tours.find((t) => t.title === 'Autosaved')?.stops.map((x) => x.step)).toEqual([50]);
  }, 60_000);
});
