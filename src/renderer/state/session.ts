/**
 * The user's session (docs/session-format.md): what the app saves beside the run — the steps visited, bookmarks,
 * notes, guided tours, the layout and view settings — and the walk through a tour, the verdict of the last session
 * opened, and the autosave.
 *
 * - Open: the host replays the session (store.openSession); this restores the user state, the layout and settings,
 *   and keeps the verdict (match, or the first diverging step) for the banner.
 * - Save: the host writes the run with `userState()`; Electron writes the file atomically, the browser downloads it.
 * - Autosave: a while after each change (a step, a breakpoint, a bookmark) the session goes to localStorage under one
 *   key in one `setItem` — all or nothing: the previous autosave stays whole until the new one replaces it.
 * - A plain load (another scenario) forgets the session: its bookmarks and tours belong to the run they were made on.
 */
import { create } from 'zustand';
import type { ObjectRef, OpInfo, OpenedSession, PredictAnswerRecord, RunInfo, SessionBookmark, SessionNote, SessionReplayInfo, SessionTour, SessionUserState, TourStopInfo } from '../../protocol';
import { i18n } from '../i18n';
import { translateNote, translateTourStop, translateTourTitle } from '../i18n/narration';
import { useDocument } from './document';
import * as edit from './tour-edit';
import { applyLayout, layoutJSON } from '../app/layout-ref';
import { saveSessionFile } from '../files';
import { scenarioTour } from './scenario-tour';
import { setAnswers, usePredict } from './predict';
import { useDebugger } from './store';
import { PLAY_GRANULARITIES, PLAY_SPEEDS, usePlayer, type PlayGranularity, type PlaySpeed } from './player';

/** The session format keeps the last this many visited steps. */
export const SESSION_PATH_LIMIT = 10_000;
/** The one localStorage key of the autosave. */
export const AUTOSAVE_KEY = 'uvmscope.autosave.v1';
/** How long after the last change the autosave is written. */
export const AUTOSAVE_DELAY_MS = 2000;
/** A layout larger than the format allows is not saved (the session keeps the default). */
const LAYOUT_LIMIT = 256 * 1024;

/** A session file, as opposed to a scenario: a JSON object whose `format` is "uvmsession" near its start (as the engine's looksLikeSession). */
export function looksLikeSession(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  return /^\s*\{/.test(head) && /"format"\s*:\s*"uvmsession"/.test(head);
}

export interface TourPosition {
  /** Which of the session's tours. */
  readonly index: number;
  /** The stop the presenter is on; -1 before the first. */
  readonly stop: number;
}

export interface SessionState {
  /** The session file this came from or was saved as ('' for none). */
  name: string;
  path: readonly number[];
  bookmarks: readonly SessionBookmark[];
  notes: readonly SessionNote[];
  tours: readonly SessionTour[];
  /** View settings kept from the session that this build does not use itself. */
  settings: Readonly<Record<string, string | number | boolean>>;
  /** The verdict of the last session opened, until dismissed. */
  verdict: { readonly name: string; readonly replay: SessionReplayInfo } | null;
  /** The tour being walked, or null. */
  tour: TourPosition | null;
  /** An autosave found at start, offered for restoring; autosaving waits while it is offered. */
  offer: AutosaveEnvelope | null;
  /** When the last autosave was written (ms since the epoch), for tests and the status. */
  lastAutosave: number | null;
  /** The example sessions' dialog is open. */
  examplesOpen: boolean;
  /** The note editor is open. */
  noteEditorOpen: boolean;
  /** The tour the tours panel shows and N walks when none is under way. */
  selected: number;
  /** The scenario's own tour (state/scenario-tour.ts) after a plain load: shown, walked, duplicated, not edited. */
  builtin: SessionTour | null;
  /** The tours were edited since the session was opened or saved (an unsaved change). */
  edited: boolean;
  /** The last destructive tour edit, for its Undo (a toast offers it). */
  undo: TourUndo | null;
}

/** What an Undo puts back: the tours (and which was selected) as they were before a stop or a tour was deleted. */
export interface TourUndo {
  readonly what: 'stop' | 'tour';
  /** The deleted stop's or tour's title, for the toast. */
  readonly title: string;
  readonly tours: readonly SessionTour[];
  readonly selected: number;
  /** When it was deleted (ms since the epoch); each deletion is a new undo. */
  readonly at: number;
}

const EMPTY: Pick<SessionState, 'name' | 'path' | 'bookmarks' | 'notes' | 'tours' | 'settings' | 'verdict' | 'tour' | 'selected' | 'builtin' | 'edited' | 'undo'> = {
  name: '',
  path: [],
  bookmarks: [],
  notes: [],
  tours: [],
  settings: {},
  verdict: null,
  tour: null,
  selected: 0,
  builtin: null,
  edited: false,
  undo: null,
};

export const useSession = create<SessionState>()(() => ({ ...EMPTY, offer: null, lastAutosave: null, examplesOpen: false, noteEditorOpen: false }));

/** The view setting that remembers, in a saved session, which tour N walks. */
const SELECTED_TOUR = 'tour.selected';

/** True while a session is being opened: the run that arrives is the session's, not a plain load. */
let opening = false;
/** Bumped on each user change; the autosave writes when it moved. */
let revision = 0;
const changeListeners = new Set<() => void>();
function changed(): void {
  revision++;
  for (const l of changeListeners) l();
}

// ------------------------------------------------------------------ open and save

/** Open a session's text: replay it, then restore its user state, layout and settings. False when it does not open (the store holds why). */
export async function openSessionFile(text: string, name: string): Promise<boolean> {
  opening = true;
  let opened: OpenedSession | null;
  try {
    opened = await useDebugger.getState().openSession(text, name);
  } finally {
    opening = false;
  }
  if (!opened) return false;
  const u = opened.user;
  // the tour the session was saved with selected (the tours panel's), else its first
  const saved = Number(u.view.settings[SELECTED_TOUR]);
  const selected = Number.isInteger(saved) && saved >= 0 && saved < u.tours.length ? saved : 0;
  const first = u.tours[selected];
  const stop = first ? first.stops.findIndex((s) => s.step === opened.replay.cursor) : -1;
  useSession.setState({
    name,
    path: u.path.slice(-SESSION_PATH_LIMIT),
    bookmarks: u.bookmarks,
    notes: u.notes,
    tours: u.tours,
    settings: u.view.settings,
    verdict: { name, replay: opened.replay },
    tour: first ? { index: selected, stop } : null,
    selected,
    builtin: null,
    undo: null,
  });
  markEdited(false);
  // the learner's graded predictions (predict mode) come back with the session
  setAnswers(u.answers ?? []);
  applyLayout(u.view.layout);
  applySettings(u.view.settings);
  return true;
}

function applySettings(settings: Readonly<Record<string, string | number | boolean>>): void {
  const player = usePlayer.getState();
  const speed = settings['play.speed'];
  const wanted = PLAY_SPEEDS.find((s) => String(s) === String(speed));
  if (wanted !== undefined) player.setSpeed(wanted as PlaySpeed);
  const by = settings['play.by'];
  if (typeof by === 'string' && (PLAY_GRANULARITIES as readonly string[]).includes(by)) player.setGranularity(by as PlayGranularity);
}

/** Everything the app saves beside the run, as the protocol carries it. */
export function userState(): SessionUserState {
  const { state, breakpoints } = useDebugger.getState();
  const s = useSession.getState();
  const player = usePlayer.getState();
  let layout = layoutJSON();
  if (layout && JSON.stringify(layout).length > LAYOUT_LIMIT) layout = null;
  return {
    cursor: state?.step ?? 0,
    path: s.path.slice(-SESSION_PATH_LIMIT),
    breakpoints: breakpoints.map((b) => ({ id: b.id, spec: b.spec, enabled: b.enabled })),
    bookmarks: s.bookmarks,
    notes: s.notes,
    tours: edit.toursToSave(s.tours, (step) => i18n.t('tours:stopTitle', { step })),
    ...(usePredict.getState().answers.length > 0 ? { answers: answersToSave(usePredict.getState().answers) } : {}),
    view: { layout, settings: { ...s.settings, 'play.speed': String(player.speed), 'play.by': player.granularity, [SELECTED_TOUR]: savedIndex(s.tours, s.selected) } },
  };
}

/** The session format's caps on predict answers (docs/session-format.md): a longer list or answer makes a file no one can open. */
const ANSWERS_LIMIT = 1_000;
const MARKS_PER_ANSWER = 100_000;

/**
 * The answers as a saved session carries them: the last 1,000, each with its first 100,000 marks (the host grades the
 * whole answer, up to the protocol's million marks; the counts saved stay the whole answer's).
 */
function answersToSave(answers: readonly PredictAnswerRecord[]): readonly PredictAnswerRecord[] {
  const kept = answers.length > ANSWERS_LIMIT ? answers.slice(-ANSWERS_LIMIT) : answers;
  return kept.map((a) => (a.answer.length > MARKS_PER_ANSWER ? { ...a, answer: a.answer.slice(0, MARKS_PER_ANSWER) } : a));
}

/** Where tour `index` is among the tours saved (empty ones are left out: tour-edit.ts toursToSave); 0 when it is not. */
function savedIndex(tours: readonly SessionTour[], index: number): number {
  if (!tours[index] || tours[index].stops.length === 0) return 0;
  const at = tours.slice(0, index).filter((t) => t.stops.length > 0).length;
  return at < edit.TOURS_LIMIT ? at : 0;
}

/** The name a saved session is offered under: the session's own, else the scenario's with `.uvmsession`. */
export function sessionFileName(): string {
  const { name } = useSession.getState();
  if (name) return name;
  const file = useDebugger.getState().fileName || 'scenario.yaml';
  return `${file.replace(/\.(ya?ml|json|uvmsession)$/i, '')}.uvmsession`;
}

/** The session's text now (the host writes it, digests and all). */
export function sessionText(): Promise<string> {
  return useDebugger.getState().sessionText(userState());
}

// ------------------------------------------------------------------ bookmarks, notes, tours

/** Add a bookmark at the cursor, or remove the one there. Returns whether one is there now. */
export function toggleBookmark(label?: string): boolean {
  const step = useDebugger.getState().state?.step;
  if (step === undefined) return false;
  const { bookmarks } = useSession.getState();
  const here = bookmarks.some((b) => b.step === step);
  const next = here
    ? bookmarks.filter((b) => b.step !== step)
    : [...bookmarks, { step, label: (label?.trim() || i18n.t('session:bookmark.default', { step })).slice(0, 200) }].sort((a, b) => a.step - b.step);
  useSession.setState({ bookmarks: next });
  changed();
  return !here;
}

export function removeBookmark(step: number): void {
  useSession.setState({ bookmarks: useSession.getState().bookmarks.filter((b) => b.step !== step) });
  changed();
}

/**
 * The scenario's ops with the user's bookmarks among them, as bookmark ops (negative indices, in step order): the
 * timeline flags them as it flags the scenario's own `- bookmark:` ops.
 */
export function withUserBookmarks(ops: readonly OpInfo[], bookmarks: readonly SessionBookmark[]): readonly OpInfo[] {
  if (bookmarks.length === 0) return ops;
  const marks = bookmarks.map((b, i): OpInfo => ({ index: -1 - i, op: 'bookmark', label: b.label, text: b.label, firstStep: b.step, lastStep: b.step, line: 0 }));
  return [...ops, ...marks].sort((a, b) => a.firstStep - b.firstStep);
}

/** Whether two object references name the same object. */
export function sameObject(a: ObjectRef | undefined | null, b: ObjectRef | undefined | null): boolean {
  if (!a || !b || a.kind !== b.kind) return false;
  const ka = Object.keys(a).sort();
  return ka.length === Object.keys(b).length && ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

/** The notes to show now: pinned to the cursor's step (and no object, or the selected one), or to the selected object alone. */
export function notesAt(notes: readonly SessionNote[], step: number | undefined, selection: ObjectRef | null): SessionNote[] {
  return notes.filter((n) => {
    if (n.object) return sameObject(n.object, selection) && (n.step === undefined || n.step === step);
    return n.step !== undefined && n.step === step;
  });
}

/** Pin a note to the cursor's step (and to the selected object, when `withObject` and one is selected). */
export function addNote(text: string, withObject: boolean): boolean {
  const body = text.trim().slice(0, 8 * 1024);
  const { state, selection } = useDebugger.getState();
  if (!body || !state) return false;
  const note: SessionNote = { step: state.step, ...(withObject && selection ? { object: selection } : {}), text: body };
  useSession.setState({ notes: [...useSession.getState().notes, note] });
  changed();
  return true;
}

export function removeNote(note: SessionNote): void {
  useSession.setState({ notes: useSession.getState().notes.filter((n) => n !== note) });
  changed();
}

export function showNoteEditor(open: boolean): void {
  useSession.setState({ noteEditorOpen: open });
}

/** Start a tour (its first stop) or walk the one under way by `delta` stops; the cursor goes to the stop's step. */
export function walkTour(delta: 1 | -1, index?: number): void {
  const { tours, tour, selected } = useSession.getState();
  const which = index ?? tour?.index ?? (tours[selected] ? selected : 0);
  const t = tours[which];
  if (!t || t.stops.length === 0) return;
  const from = tour && tour.index === which ? tour.stop : -1;
  const stop = from < 0 ? 0 : Math.max(0, Math.min(t.stops.length - 1, from + delta));
  useSession.setState({ tour: { index: which, stop } });
  useDebugger.getState().seek(t.stops[stop].step);
}

export function closeTour(): void {
  useSession.setState({ tour: null });
}

// ------------------------------------------------------------------ editing tours (the tours panel)

/** Whether tour `index` may be edited: every tour but the scenario's own (duplicate that to change it). */
export function isEditable(index: number): boolean {
  const { tours, builtin } = useSession.getState();
  const t = tours[index];
  return t !== undefined && t !== builtin;
}

/** Stops written in the app: the caption shows their words as written, never a built-in tour's translation. */
const authored = new WeakSet<TourStopInfo>();
/**
 * A stop's title and narration as the caption and the tours panel show them: as written when written in the app, else
 * a built-in tour's in `language` (src/renderer/i18n/narration.ts) — a scenario's own tour narrates with the
 * scenario's notes, which translate as notes.
 */
export function shownStopWords(tourTitle: string, index: number, stop: TourStopInfo, language: string): { title: string; narration: string } {
  if (authored.has(stop)) return { title: stop.title, narration: stop.narration };
  const words = translateTourStop(tourTitle, index, stop, language);
  return words.narration === stop.narration ? { title: words.title, narration: translateNote(stop.narration, language) } : words;
}

/** Tell the document (the close prompt, the page's beforeunload) whether tour edits are unsaved. */
function markEdited(edited: boolean): void {
  if (useSession.getState().edited !== edited) useSession.setState({ edited });
  if (useDocument.getState().sessionEdited !== edited) useDocument.setState({ sessionEdited: edited });
}

/** Put an edited list of tours in place: the walk and the selection follow it; an unsaved change, autosaved. */
function setTours(next: readonly SessionTour[], selected: number, undo?: TourUndo, restoring = false): void {
  const s = useSession.getState();
  if (next === s.tours && selected === s.selected) return;
  if (!restoring) {
    const known = new Set(s.tours.flatMap((t) => t.stops));
    for (const t of next) for (const stop of t.stops) if (!known.has(stop)) authored.add(stop);
  }
  const sel = next.length === 0 ? 0 : Math.max(0, Math.min(next.length - 1, selected));
  let tour = s.tour;
  if (tour) {
    // the walk stays on its tour: the same object wherever it moved, or the one edited in its place; it ends with it
    let index = next.indexOf(s.tours[tour.index]);
    if (index < 0 && next.length === s.tours.length && next[tour.index]) index = tour.index;
    tour = index >= 0 ? { index, stop: Math.min(tour.stop, next[index].stops.length - 1) } : null;
  }
  useSession.setState({ tours: next, selected: sel, tour, ...(undo ? { undo } : {}) });
  markEdited(true);
  changed();
}

/** A default name for a new tour: `Tour 2`, the first number not taken. */
function newTourTitle(): string {
  const titles = new Set(useSession.getState().tours.map((t) => t.title));
  for (let n = 1; ; n++) {
    const title = i18n.t('tours:defaultTitle', { n });
    if (!titles.has(title)) return title;
  }
}

/** Make a new, empty tour (named `title`, or `Tour n`) and select it. Returns its index. */
export function createTour(title?: string): number {
  const { tours } = useSession.getState();
  const next = edit.addTour(tours, title?.trim() || newTourTitle());
  setTours(next, next.length - 1);
  return next.length - 1;
}

export function selectTour(index: number): void {
  const { tours, tour } = useSession.getState();
  if (!tours[index]) return;
  // the tour bar shows the tour N will walk
  useSession.setState({ selected: index, tour: tour && tour.index === index ? tour : { index, stop: -1 } });
}

export function renameTourAt(index: number, title: string): void {
  if (!isEditable(index)) return;
  const { tours, selected } = useSession.getState();
  setTours(edit.renameTour(tours, index, title), selected);
}

/** Delete tour `index`; the toast offers Undo. */
export function deleteTourAt(index: number): void {
  const { tours, selected } = useSession.getState();
  const t = tours[index];
  if (!t) return;
  setTours(edit.removeTour(tours, index), index < selected || selected >= tours.length - 1 ? selected - 1 : selected, { what: 'tour', title: t.title, tours, selected, at: Date.now() });
}

/** Copy tour `index` into a new, editable tour right after it, in the words it shows now (a built-in tour's in the UI's language). */
export function duplicateTourAt(index: number): number {
  const { tours } = useSession.getState();
  const t = tours[index];
  if (!t) return -1;
  const lang = i18n.language;
  const shownTitle = translateTourTitle(t.title, lang);
  const taken = new Set(tours.map((x) => x.title));
  let title = i18n.t('tours:copyTitle', { title: shownTitle });
  for (let n = 2; taken.has(title); n++) title = i18n.t('tours:copyTitleN', { title: shownTitle, n });
  const next = edit.duplicateTour(tours, index, title, (stop, i) => shownStopWords(t.title, i, stop, lang));
  setTours(next, index + 1);
  return index + 1;
}

/** The words a new stop at `step` starts with: a bookmark's name or the op there (else `Step n`), and the note in effect. */
function stopWords(step: number): { title: string; narration: string } {
  const d = useDebugger.getState();
  const mark = useSession.getState().bookmarks.find((b) => b.step === step);
  const ops = d.run?.ops ?? [];
  const here = ops.filter((o) => o.firstStep <= step && step <= o.lastStep && o.op !== 'note');
  // the scenario's bookmark there by its name, else the op that runs there, else (on a note) the op the note introduces
  const next = ops.find((o) => o.firstStep > step && o.op !== 'note' && o.op !== 'bookmark');
  const named = here.find((o) => o.op === 'bookmark')?.text ?? here.find((o) => o.op !== 'bookmark')?.label ?? next?.label;
  const title = mark?.label ?? named ?? i18n.t('tours:stopTitle', { step });
  const note = d.state?.step === step && d.state.narration ? translateNote(d.state.narration, i18n.language) : '';
  return { title, narration: note };
}

/**
 * Add the cursor's step as a stop of the selected tour, after the stop the walk is on (else at the end); when the
 * selected tour cannot be edited (the scenario's own) or there is none, a new tour gets it. Returns where it went.
 */
export function addStopAtCursor(): { tour: number; stop: number } | null {
  const step = useDebugger.getState().state?.step;
  if (step === undefined) return null;
  let { selected } = useSession.getState();
  if (!isEditable(selected)) selected = createTour();
  const { tours, tour } = useSession.getState();
  const after = tour && tour.index === selected && tour.stop >= 0 ? tour.stop : undefined;
  const next = edit.addStop(tours, selected, { step, ...stopWords(step) }, after);
  setTours(next, selected);
  const stop = after === undefined ? next[selected].stops.length - 1 : after + 1;
  // the walk is on the new stop: the caption shows it, N goes on from it
  useSession.setState({ tour: { index: selected, stop } });
  return { tour: selected, stop };
}

export function updateStopAt(index: number, stop: number, patch: edit.StopPatch): void {
  if (!isEditable(index)) return;
  const { tours, selected } = useSession.getState();
  setTours(edit.updateStop(tours, index, stop, patch), selected);
}

/** Move a stop; the walk, when on it, moves with it. */
export function moveStopAt(index: number, from: number, to: number): void {
  if (!isEditable(index)) return;
  const { tours, selected, tour } = useSession.getState();
  const next = edit.moveStop(tours, index, from, to);
  if (next === tours) return;
  setTours(next, selected);
  if (tour && tour.index === index && tour.stop >= 0) {
    const moved = next[index].stops.indexOf(tours[index].stops[tour.stop]);
    useSession.setState({ tour: { index, stop: moved } });
  }
}

/** Delete a stop; the toast offers Undo. */
export function deleteStopAt(index: number, stop: number): void {
  if (!isEditable(index)) return;
  const { tours, selected } = useSession.getState();
  const s = tours[index]?.stops[stop];
  if (!s) return;
  setTours(edit.removeStop(tours, index, stop), selected, { what: 'stop', title: s.title, tours, selected, at: Date.now() });
}

/** Put back what the last deletion took. */
export function undoTourEdit(): void {
  const { undo } = useSession.getState();
  if (!undo) return;
  useSession.setState({ undo: null });
  setTours(undo.tours, undo.selected, undefined, true);
}

export function dismissUndo(): void {
  useSession.setState({ undo: null });
}

/** Walk to stop `stop` of tour `index`: the caption shows it and the cursor goes to its step. */
export function goToStop(index: number, stop: number): void {
  const s = useSession.getState().tours[index]?.stops[stop];
  if (!s) return;
  useSession.setState({ selected: index, tour: { index, stop } });
  useDebugger.getState().seek(s.step);
}

export function showExamples(open: boolean): void {
  useSession.setState({ examplesOpen: open });
}

export function dismissVerdict(): void {
  useSession.setState({ verdict: null });
}

// ------------------------------------------------------------------ autosave

export interface AutosaveEnvelope {
  readonly version: 1;
  /** When it was written, ms since the epoch. */
  readonly savedAt: number;
  /** The session's file name, the scenario's name and the cursor, for the offer. */
  readonly name: string;
  readonly scenario: string;
  readonly step: number;
  /** The session's text. */
  readonly text: string;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The autosave in storage, when there is a whole one (anything else reads as none). */
export function readAutosave(storage: KeyValueStorage): AutosaveEnvelope | null {
  let raw: string | null;
  try {
    raw = storage.getItem(AUTOSAVE_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const e = JSON.parse(raw) as Partial<AutosaveEnvelope>;
    if (e.version !== 1 || typeof e.savedAt !== 'number' || typeof e.text !== 'string' || !looksLikeSession(e.text)) return null;
    return { version: 1, savedAt: e.savedAt, name: String(e.name ?? ''), scenario: String(e.scenario ?? ''), step: Number(e.step ?? 0), text: e.text };
  } catch {
    return null;
  }
}

/** Write the autosave: one key, one setItem. False when storage refused it (full, disabled): the old one stays. */
export function writeAutosave(storage: KeyValueStorage, envelope: AutosaveEnvelope): boolean {
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify(envelope));
    return true;
  } catch {
    return false;
  }
}

export function discardAutosave(storage: KeyValueStorage): void {
  try {
    storage.removeItem(AUTOSAVE_KEY);
  } catch {
    // nothing to do: storage is disabled
  }
  useSession.setState({ offer: null });
}

/** Restore the offered autosave: open its session. */
export async function restoreAutosave(): Promise<boolean> {
  const { offer } = useSession.getState();
  if (!offer) return false;
  useSession.setState({ offer: null });
  return openSessionFile(offer.text, offer.name || 'autosave.uvmsession');
}

/**
 * Follow the user: record the steps visited, forget the session on a plain load, and autosave `delay` ms after the
 * last change. An autosave found in `storage` at start is offered (useSession's `offer`) and is not overwritten
 * until the user answers. Returns the function that stops it.
 */
export function startSessions(storage: KeyValueStorage | null, delay = AUTOSAVE_DELAY_MS): () => void {
  if (storage) useSession.setState({ offer: readAutosave(storage) });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let written = revision;
  let writing = false;

  const write = async () => {
    timer = null;
    if (!storage || written === revision) return;
    const d = useDebugger.getState();
    if (useSession.getState().offer || d.status !== 'ready' || !d.run || usePlayer.getState().playing || writing) {
      schedule();
      return;
    }
    writing = true;
    const at = revision;
    try {
      const text = await sessionText();
      const ok = writeAutosave(storage, { version: 1, savedAt: Date.now(), name: sessionFileName(), scenario: d.run.scenario, step: d.state?.step ?? 0, text });
      written = at;
      if (ok) useSession.setState({ lastAutosave: Date.now() });
    } catch {
      // the host refused (a step past the run): try again after the next change
      written = at;
    } finally {
      writing = false;
    }
    if (written !== revision) schedule();
  };
  const schedule = () => {
    if (!storage) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void write(), delay);
  };
  changeListeners.add(schedule);

  const specs = (list: readonly { id: number; spec: string; enabled: boolean }[]) => list.map((b) => `${b.id}:${b.enabled ? 1 : 0}:${b.spec}`).join('\n');
  // a new run: a session's own (keep what openSessionFile restores) or a plain load (forget the session; the
  // scenario's own tour, from its bookmarks and notes, is there to walk with N)
  const newRun = (run: RunInfo) => {
    if (opening) return;
    const own = scenarioTour(run.scenario, run.ops);
    useSession.setState({ ...EMPTY, tours: own ? [own] : [], builtin: own });
    markEdited(false);
  };
  const off = useDebugger.subscribe((s, prev) => {
    if (s.run !== prev.run && s.run) {
      newRun(s.run);
      return;
    }
    if (!s.run || s.run !== prev.run) return;
    const step = s.state?.step;
    if (step !== undefined && step !== prev.state?.step) {
      const { path } = useSession.getState();
      if (path[path.length - 1] !== step) useSession.setState({ path: path.length >= SESSION_PATH_LIMIT ? [...path.slice(1 - SESSION_PATH_LIMIT), step] : [...path, step] });
      changed();
    } else if (s.breakpoints !== prev.breakpoints && specs(s.breakpoints) !== specs(prev.breakpoints)) {
      changed();
    }
  });
  // the first scenario's load starts before the app renders (boot.ts): its run may have arrived before this subscribed
  const first = useDebugger.getState().run;
  if (first && useSession.getState().tours.length === 0) newRun(first);
  // a graded prediction is a change the autosave keeps (predict mode)
  const offAnswers = usePredict.subscribe((s, prev) => {
    if (s.answers !== prev.answers && s.answers.length > 0) changed();
  });
  return () => {
    off();
    offAnswers();
    changeListeners.delete(schedule);
    if (timer) clearTimeout(timer);
  };
}

/** File → Save Session: write the session and hand it to the shell (Electron's atomic save, or a download). */
export async function saveSessionAs(): Promise<string | null> {
  const text = await sessionText();
  const saved = await saveSessionFile(text, sessionFileName());
  if (saved !== null) {
    const name = saved.slice(Math.max(saved.lastIndexOf('/'), saved.lastIndexOf('\\')) + 1);
    useSession.setState({ name });
    markEdited(false);
  }
  return saved;
}
