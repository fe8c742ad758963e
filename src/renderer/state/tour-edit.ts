/**
 * Editing guided tours: pure operations on a session's list of tours, each returning a new list (the old one is kept
 * whole, so an undo is the list from before). Indices out of range leave the list as it was. session.ts wraps these
 * as the app's actions (unsaved changes, the autosave, undo); the tours panel (panels/tours) calls those.
 */
import type { OpInfo, PredictKind, PredictQuestion, SessionTour, TourStopInfo } from '../../protocol';

/** The session format's limits on the words a tour carries (as for notes: long enough, never unbounded). */
export const TOUR_TITLE_LIMIT = 200;
export const STOP_TITLE_LIMIT = 200;
export const NARRATION_LIMIT = 8 * 1024;

const clip = (text: string, limit: number) => text.slice(0, limit);

function replaceTour(tours: readonly SessionTour[], index: number, tour: SessionTour): readonly SessionTour[] {
  return tours.map((t, i) => (i === index ? tour : t));
}

/** A new, empty tour at the end; its index is the list's last. */
export function addTour(tours: readonly SessionTour[], title: string): readonly SessionTour[] {
  return [...tours, { title: clip(title.trim(), TOUR_TITLE_LIMIT), stops: [] }];
}

export function renameTour(tours: readonly SessionTour[], index: number, title: string): readonly SessionTour[] {
  const t = tours[index];
  const name = clip(title.trim(), TOUR_TITLE_LIMIT);
  if (!t || !name || name === t.title) return tours;
  return replaceTour(tours, index, { ...t, title: name });
}

export function removeTour(tours: readonly SessionTour[], index: number): readonly SessionTour[] {
  if (!tours[index]) return tours;
  return tours.filter((_, i) => i !== index);
}

/**
 * A copy of tour `index` under `title`, right after it; `words` may give each stop's title and narration in other
 * words (a built-in tour's in the UI's language), so the copy holds what its author saw.
 */
export function duplicateTour(
  tours: readonly SessionTour[],
  index: number,
  title: string,
  words?: (stop: TourStopInfo, i: number) => { title: string; narration: string },
): readonly SessionTour[] {
  const t = tours[index];
  if (!t) return tours;
  const stops = t.stops.map((s, i) => ({ ...s, ...(words ? words(s, i) : {}) }));
  const copy: SessionTour = { title: clip(title.trim() || t.title, TOUR_TITLE_LIMIT), stops };
  return [...tours.slice(0, index + 1), copy, ...tours.slice(index + 1)];
}

/** Add a stop to tour `index`, after stop `after` (default: at the end). */
export function addStop(tours: readonly SessionTour[], index: number, stop: TourStopInfo, after?: number): readonly SessionTour[] {
  const t = tours[index];
  if (!t) return tours;
  const at = after === undefined ? t.stops.length : Math.max(0, Math.min(t.stops.length, after + 1));
  const clean = cleanStop(stop);
  return replaceTour(tours, index, { ...t, stops: [...t.stops.slice(0, at), clean, ...t.stops.slice(at)] });
}

function cleanStop(stop: TourStopInfo): TourStopInfo {
  const { ask, ...rest } = stop;
  const out: TourStopInfo = { ...rest, title: clip(stop.title, STOP_TITLE_LIMIT), narration: clip(stop.narration, NARRATION_LIMIT) };
  return ask ? { ...out, ask } : out;
}

export type StopPatch = Partial<Pick<TourStopInfo, 'step' | 'title' | 'narration'>> & { readonly ask?: PredictQuestion | null };

/** Change stop `stop` of tour `index`: its step, title, narration, or question (`ask: null` removes it). */
export function updateStop(tours: readonly SessionTour[], index: number, stop: number, patch: StopPatch): readonly SessionTour[] {
  const t = tours[index];
  const s = t?.stops[stop];
  if (!t || !s) return tours;
  const { ask, ...words } = patch;
  let next: TourStopInfo = { ...s, ...words };
  if (ask === null) {
    const { ask: _dropped, ...without } = next;
    void _dropped;
    next = without;
  } else if (ask) next = { ...next, ask };
  // a stop's question starts where the stop is
  if (patch.step !== undefined && next.ask && next.ask.from !== next.step) next = { ...next, ask: { ...next.ask, from: next.step, through: Math.max(next.ask.through, next.step + 1) } };
  return replaceTour(tours, index, { ...t, stops: t.stops.map((x, i) => (i === stop ? cleanStop(next) : x)) });
}

/** Move stop `from` of tour `index` to position `to` (the others close up around it). */
export function moveStop(tours: readonly SessionTour[], index: number, from: number, to: number): readonly SessionTour[] {
  const t = tours[index];
  if (!t || !t.stops[from]) return tours;
  const target = Math.max(0, Math.min(t.stops.length - 1, to));
  if (target === from) return tours;
  const stops = [...t.stops];
  const [moved] = stops.splice(from, 1);
  stops.splice(target, 0, moved);
  return replaceTour(tours, index, { ...t, stops });
}

export function removeStop(tours: readonly SessionTour[], index: number, stop: number): readonly SessionTour[] {
  const t = tours[index];
  if (!t || !t.stops[stop]) return tours;
  return replaceTour(tours, index, { ...t, stops: t.stops.filter((_, i) => i !== stop) });
}

/**
 * The step a question at `from` asks through by default: the end of the op after the stop — the op the stop is in
 * when it goes on past the stop, else the next op that does something after it. Null when nothing follows.
 */
export function defaultThrough(ops: readonly OpInfo[], from: number, totalSteps: number): number | null {
  const after = ops.filter((o) => o.index >= 0 && o.lastStep > from && o.op !== 'note' && o.op !== 'bookmark').sort((a, b) => a.firstStep - b.firstStep);
  const inside = after.find((o) => o.firstStep <= from);
  const next = inside ?? after[0];
  if (next) return next.lastStep;
  return from + 1 < totalSteps ? from + 1 : null;
}

/** The question a stop at `step` asks by default: `kind`, from the stop through the end of the op after it. */
export function defaultAsk(kind: PredictKind, step: number, ops: readonly OpInfo[], totalSteps: number): PredictQuestion | null {
  const through = defaultThrough(ops, step, totalSteps);
  return through === null ? null : { kind, from: step, through };
}

/** A stop's question as the format wants it: asked from the stop's own step, through a later one, a prompt with words or none. */
function askToSave(stop: TourStopInfo): TourStopInfo {
  const q = stop.ask;
  if (!q) return stop;
  if (q.through <= stop.step) {
    const { ask: _dropped, ...rest } = stop;
    void _dropped;
    return rest;
  }
  if (q.from === stop.step && (q.prompt === undefined || q.prompt.trim() !== '')) return stop;
  const { prompt, ...rest } = q;
  return { ...stop, ask: { ...rest, from: stop.step, ...(prompt?.trim() ? { prompt } : {}) } };
}

/** The session format's caps on tours (docs/session-format.md). */
export const TOURS_LIMIT = 100;
export const STOPS_LIMIT = 1000;

/**
 * The tours as a saved session carries them: the format wants every tour to have a stop and every title words, so a
 * tour still empty is left out, an emptied title reads `untitled(step)` and a question starts at its stop; at most the
 * format's counts.
 */
export function toursToSave(tours: readonly SessionTour[], untitled: (step: number) => string): readonly SessionTour[] {
  return tours
    .filter((t) => t.stops.length > 0)
    .slice(0, TOURS_LIMIT)
    .map((t) => {
      const stops = t.stops.slice(0, STOPS_LIMIT).map((s) => askToSave(s.title.trim() ? s : { ...s, title: clip(untitled(s.step), STOP_TITLE_LIMIT) }));
      const title = t.title.trim() ? t.title : clip(untitled(t.stops[0].step), TOUR_TITLE_LIMIT);
      return stops.every((s, i) => s === t.stops[i]) && stops.length === t.stops.length && title === t.title ? t : { title, stops };
    });
}
