/**
 * The renderer's session state (src/renderer/state/session.ts) over a real engine service in Node: opening a session
 * restores its user state and verdict, tours walk stop by stop, bookmarks toggle at the cursor, the steps visited are
 * recorded and forgotten with a plain load, and the autosave writes one whole envelope, offers it at start and
 * restores it.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setEngineForTests, useDebugger } from '../../../src/renderer/state/store';
import {
  AUTOSAVE_KEY,
  discardAutosave,
  looksLikeSession,
  openSessionFile,
  readAutosave,
  restoreAutosave,
  sessionFileName,
  sessionText,
  startSessions,
  toggleBookmark,
  useSession,
  walkTour,
  withUserBookmarks,
  writeAutosave,
  type KeyValueStorage,
} from '../../../src/renderer/state/session';
import { engineDouble } from './engine-double';

const exampleText = (name: string) => readFileSync(new URL(`../../../assets/sessions/${name}.uvmsession`, import.meta.url), 'utf8');
const scenario = (name: string) => readFileSync(new URL(`../../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function memoryStorage(): KeyValueStorage & { map: Map<string, string>; writes: number } {
  const map = new Map<string, string>();
  return {
    map,
    writes: 0,
    getItem: (k) => map.get(k) ?? null,
    setItem(k, v) {
      this.writes++;
      map.set(k, v);
    },
    removeItem: (k) => void map.delete(k),
  };
}

/** Resolves once `check` holds (polled), or fails after `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let stop: (() => void) | null = null;
beforeEach(() => {
  setEngineForTests(engineDouble().client);
  // breakpoints outlive a load (the store's rule): each test starts with none
  useDebugger.setState({ breakpoints: [] });
  useSession.setState({ name: '', path: [], bookmarks: [], notes: [], tours: [], settings: {}, verdict: null, tour: null, offer: null, lastAutosave: null });
});
afterEach(() => {
  stop?.();
  stop = null;
});

describe('the session state', () => {
  it('tells a session from a scenario', () => {
    expect(looksLikeSession(exampleText('gaia-maquire-tour'))).toBe(true);
    expect(looksLikeSession(scenario('default'))).toBe(false);
    expect(looksLikeSession('{"format":"uvm-capture"}')).toBe(false);
  });

  it('opens a session: run, cursor, breakpoints, bookmarks, tours and the verdict', async () => {
    stop = startSessions(null);
    const saved = JSON.parse(exampleText('gaia-maquire-tour'));
    expect(await openSessionFile(exampleText('gaia-maquire-tour'), 'gaia-maquire-tour.uvmsession')).toBe(true);
    const d = useDebugger.getState();
    expect(d.state?.step).toBe(saved.cursor);
    expect(d.state?.digest).toBe(saved.digests.atCursor);
    expect(d.fileName).toBe('gaia-maquire.yaml');
    expect(d.breakpoints.map((b) => ({ id: b.id, spec: b.spec, enabled: b.enabled }))).toEqual(saved.breakpoints);
    await until(() => useDebugger.getState().breakpoints.every((b) => b.status));
    const s = useSession.getState();
    expect(s.bookmarks).toEqual(saved.bookmarks);
    expect(s.tours).toEqual(saved.tours);
    expect(s.path).toEqual(saved.path);
    expect(s.verdict?.replay.match).toBe(true);
    // the cursor is the first tour's first stop: the tour starts there
    expect(s.tour).toEqual({ index: 0, stop: 0 });
    expect(sessionFileName()).toBe('gaia-maquire-tour.uvmsession');
    // a broken one opens nothing and says why; the session stays
    expect(await openSessionFile('{"format":"uvmsession","version":1}', 'bad.uvmsession')).toBe(false);
    expect(useDebugger.getState().diagnostics[0].location?.file).toBe('bad.uvmsession');
    expect(useSession.getState().tours).toEqual(saved.tours);
  }, 60_000);

  it("builds the scenario's own tour for a run that arrived before it started (boot.ts loads before the app renders)", async () => {
    expect(await useDebugger.getState().load(scenario('thrashing'), 'thrashing.yaml')).toBe(true);
    expect(useSession.getState().tours).toEqual([]);
    stop = startSessions(null);
    const s = useSession.getState();
    expect(s.tours).toHaveLength(1);
    expect(s.builtin).toBe(s.tours[0]);
    expect(s.tours[0].stops.length).toBeGreaterThanOrEqual(2);
  });

  it('walks a tour by stops, recording the path, and forgets the session on a plain load', async () => {
    stop = startSessions(null);
    const saved = JSON.parse(exampleText('hmm-evict-chunk-tour'));
    const stops = saved.tours[0].stops as { step: number }[];
    await openSessionFile(exampleText('hmm-evict-chunk-tour'), 'hmm.uvmsession');
    const before = useSession.getState().path.length;
    for (const i of [1, 2, 3]) {
      walkTour(1);
      await until(() => useDebugger.getState().state?.step === stops[i].step);
      expect(useSession.getState().tour).toEqual({ index: 0, stop: i });
    }
    walkTour(-1);
    await until(() => useDebugger.getState().state?.step === stops[2].step);
    expect(useSession.getState().path.slice(before)).toEqual([stops[1].step, stops[2].step, stops[3].step, stops[2].step]);
    // the first stop is as far back as it goes
    for (let i = 0; i < 4; i++) walkTour(-1);
    await until(() => useDebugger.getState().state?.step === stops[0].step);
    expect(useSession.getState().tour?.stop).toBe(0);

    await useDebugger.getState().load(scenario('default'), 'default.yaml');
    const s = useSession.getState();
    expect([s.bookmarks, s.path, s.tour, s.verdict, s.name]).toEqual([[], [], null, null, '']);
    // the session's tours are gone; what is left is the scenario's own tour, from its bookmarks and notes
    expect(s.tours.map((t) => t.title)).toEqual([useDebugger.getState().run!.scenario]);
    expect(s.tours[0].stops[0].step).toBe(0);
  }, 60_000);

  it('toggles a bookmark at the cursor, and the saved text holds it with the breakpoints', async () => {
    stop = startSessions(null);
    await useDebugger.getState().load(scenario('default'), 'default.yaml');
    useDebugger.getState().seek(42);
    await until(() => useDebugger.getState().state?.step === 42);
    expect(toggleBookmark()).toBe(true);
    expect(useSession.getState().bookmarks).toEqual([{ step: 42, label: 'step 42' }]);
    await useDebugger.getState().addBreakpoint('copy');
    const text = JSON.parse(await sessionText());
    expect(text.cursor).toBe(42);
    expect(text.bookmarks).toEqual([{ step: 42, label: 'step 42' }]);
    expect(text.breakpoints).toEqual([{ id: expect.any(Number), spec: 'copy', enabled: true }]);
    expect(text.path).toEqual([42]);
    expect(text.view.settings).toMatchObject({ 'play.speed': expect.any(String), 'play.by': expect.any(String) });
    expect(sessionFileName()).toBe('default.uvmsession');
    expect(toggleBookmark()).toBe(false);
    expect(useSession.getState().bookmarks).toEqual([]);
  }, 60_000);

  it('autosaves one whole envelope after a change, offers it at the next start, and restores it', async () => {
    const storage = memoryStorage();
    stop = startSessions(storage, 20);
    await useDebugger.getState().load(scenario('default'), 'default.yaml');
    // a load is not a change: nothing is written
    await new Promise((r) => setTimeout(r, 60));
    expect(storage.writes).toBe(0);
    useDebugger.getState().seek(30);
    useDebugger.getState().seek(31);
    await until(() => readAutosave(storage)?.step === 31);
    const envelope = readAutosave(storage)!;
    expect(envelope).toMatchObject({ version: 1, name: 'default.uvmsession', step: 31 });
    expect(looksLikeSession(envelope.text)).toBe(true);
    const digest = useDebugger.getState().state?.digest;
    stop();

    // the next start: the offer, and no autosave over it until it is answered
    await useDebugger.getState().load(scenario('gaia-maquire'), 'gaia-maquire.yaml');
    const writes = storage.writes;
    stop = startSessions(storage, 20);
    expect(useSession.getState().offer?.step).toBe(31);
    useDebugger.getState().seek(3);
    await new Promise((r) => setTimeout(r, 80));
    expect(storage.writes).toBe(writes);
    expect(await restoreAutosave()).toBe(true);
    expect(useDebugger.getState().state?.step).toBe(31);
    expect(useDebugger.getState().state?.digest).toBe(digest);
    expect(useSession.getState().verdict?.replay.match).toBe(true);
    expect(useSession.getState().offer).toBeNull();
  }, 60_000);

  it('puts the user bookmarks among the ops as bookmark ops in step order, for the timeline', () => {
    const ops = [
      { index: 0, op: 'cpu.write', label: 'w', firstStep: 0, lastStep: 9, line: 1 },
      { index: 1, op: 'bookmark', label: 'b', text: 'b', firstStep: 9, lastStep: 9, line: 2 },
      { index: 2, op: 'gpu.kernel', label: 'k', firstStep: 10, lastStep: 30, line: 3 },
    ];
    expect(withUserBookmarks(ops, [])).toBe(ops);
    const merged = withUserBookmarks(ops, [{ step: 20, label: 'mine' }, { step: 5, label: 'early' }]);
    expect(merged.map((o) => [o.op, o.firstStep, o.text ?? o.label])).toEqual([
      ['cpu.write', 0, 'w'],
      ['bookmark', 5, 'early'],
      ['bookmark', 9, 'b'],
      ['gpu.kernel', 10, 'k'],
      ['bookmark', 20, 'mine'],
    ]);
    // never mistaken for a scenario op
    expect(merged.filter((o) => o.index < 0).every((o) => o.op === 'bookmark')).toBe(true);
  });

  it('reads a broken or foreign autosave as none, and discarding removes it', () => {
    const storage = memoryStorage();
    for (const raw of ['', 'not json', '{"version":2,"savedAt":1,"text":"{}"}', '{"version":1,"savedAt":1,"text":"name: x"}', 'null']) {
      storage.map.set(AUTOSAVE_KEY, raw);
      expect(readAutosave(storage)).toBeNull();
    }
    storage.map.set(AUTOSAVE_KEY, JSON.stringify({ version: 1, savedAt: 5, name: 'a.uvmsession', scenario: 'A', step: 3, text: '{"format":"uvmsession"}' }));
    expect(readAutosave(storage)).toMatchObject({ savedAt: 5, step: 3 });
    discardAutosave(storage);
    expect(storage.map.has(AUTOSAVE_KEY)).toBe(false);
    // a full storage refuses the write: false, and the autosave before it stays whole
    storage.map.set(AUTOSAVE_KEY, JSON.stringify({ version: 1, savedAt: 7, name: 'b.uvmsession', scenario: 'B', step: 4, text: '{"format":"uvmsession"}' }));
    const full: KeyValueStorage = { getItem: (k) => storage.getItem(k), setItem: () => { throw new DOMException('quota', 'QuotaExceededError'); }, removeItem: () => undefined };
    expect(writeAutosave(full, { version: 1, savedAt: 9, name: 'c', scenario: 'C', step: 5, text: '{"format":"uvmsession"}' })).toBe(false);
    expect(readAutosave(storage)).toMatchObject({ savedAt: 7, step: 4 });
    // storage that throws (disabled, full) reads as none
    expect(readAutosave({ getItem: () => { throw new Error('denied'); }, setItem: () => undefined, removeItem: () => undefined })).toBeNull();
  });
});
