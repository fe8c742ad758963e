/**
 * Session recipes: a small YAML file that says which scenario to run and where its bookmarks, notes, tour stops and
 * cursor go, by *place* rather than by step number, so that the session can be made again (`uvmscope session`) when
 * the model or the scenario changes and its step numbers move. The shipped examples (assets/sessions) are made this
 * way; docs/session-format.md describes the format.
 *
 * A place is one of:
 *   - a step number: `1234`;
 *   - `start` or `end` (the first and the last step);
 *   - `op N`: the first step of the scenario's op N (0-based, as breakpoint conditions count ops);
 *   - `bookmark NAME`: the last step of the scenario's `- bookmark: NAME` op;
 *   - a breakpoint spec (breakpoints.ts): its first hit after the place before it in the same list (the previous
 *     bookmark, note or stop), or from the start for the first, e.g. `line gaia_maquire:walk`, `evictChunk`.
 */
import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { findNextHit, MAX_SPEC_LENGTH, parseBreakpointSpec, validateBreakpoint } from '../run/breakpoints';
import type { Run } from '../run/run';
import { fnScenarioOp } from '../uvm/code';
import { QUESTION_KINDS, SESSION_LIMITS, type SessionBookmark, type SessionNote, type SessionTour, type TourStop } from './format';
import { grouped } from './json';
import { pathToString, type Path, type SessionError } from './parse';
import { writeSession, type SessionScenarioSource, type WriteResult } from './write';

const L = SESSION_LIMITS;
/** Recipes are written by people: 1 MiB is far more than any needs. */
export const MAX_RECIPE_CHARS = 1024 * 1024;

const place = z.union([z.number().int().min(0).max(L.maxStep), z.string().min(1).max(MAX_SPEC_LENGTH)]);
const label = z.string().min(1).max(L.labelChars);
const text = z.string().min(1).max(L.textChars);

const recipeSchema = z.strictObject({
  /** The scenario file, relative to the recipe. */
  scenario: z.string().min(1).max(L.fileNameChars),
  /** Where the cursor goes; the first tour's first stop when absent, else the end. */
  cursor: place.optional(),
  breakpoints: z.array(z.union([z.string().min(1).max(MAX_SPEC_LENGTH), z.strictObject({ spec: z.string().min(1).max(MAX_SPEC_LENGTH), enabled: z.boolean().default(true) })])).max(L.breakpoints).default([]),
  bookmarks: z.array(z.strictObject({ at: place, label })).max(L.bookmarks).default([]),
  notes: z.array(z.strictObject({ at: place, text })).max(L.notes).default([]),
  tours: z
    .array(
      z.strictObject({
        title: label,
        stops: z
          .array(
            z.strictObject({
              at: place,
              title: label,
              narration: text,
              /** The stop asks the learner to predict from its step through `through` (a place after it). */
              ask: z.strictObject({ predict: z.enum(QUESTION_KINDS), through: place, prompt: text.optional() }).optional(),
            }),
          )
          .min(1)
          .max(L.stopsPerTour),
      }),
    )
    .max(L.tours)
    .default([]),
  view: z.strictObject({ settings: z.record(z.string().max(64), z.union([z.string().max(L.labelChars), z.number(), z.boolean()])).default({}) }).optional(),
});

export type Recipe = z.output<typeof recipeSchema>;
type Place = z.output<typeof place>;

export interface ParsedRecipe {
  recipe: Recipe;
  source: string;
  /** Line and column of a field of the recipe (or of the nearest enclosing one). */
  locate(path: Path): { line: number; col: number };
}

export type RecipeResult = ({ ok: true } & ParsedRecipe) | { ok: false; errors: SessionError[] };

/** Parses a recipe's YAML. Never throws. */
export function parseRecipe(source: string, file = 'recipe.yaml'): RecipeResult {
  const error = (line: number, col: number, path: Path, message: string): SessionError => ({ source: file, line, col, path: pathToString(path), message });
  if (source.length > MAX_RECIPE_CHARS) return { ok: false, errors: [error(1, 1, [], `a recipe may be at most 1 MiB`)] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.slice(0, L.errors).map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return error(line, col, [], e.message.split('\n')[0] ?? e.message);
    }) };
  }
  const locate = (path: Path): { line: number; col: number } => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : (doc.getIn(path.slice(0, n), true) as Node | undefined);
      if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) return lineCounter.linePos(node.range[0] as number);
    }
    return { line: 1, col: 1 };
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, errors: [error(1, 1, [], e instanceof Error ? e.message : String(e))] };
  }
  if (!isMap(doc.contents)) return { ok: false, errors: [error(1, 1, [], 'expected a recipe: a map with scenario, cursor, breakpoints, bookmarks, notes, tours and view')] };
  const parsed = recipeSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.slice(0, L.errors).map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
        const { line, col } = locate(path);
        const extra = issue.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
        return error(line, col, path, `${issue.message}${extra}`);
      }),
    };
  }
  return { ok: true, recipe: parsed.data, source: file, locate };
}

/**
 * Runs nothing itself: given the recipe's scenario already executed, resolves every place to a step and writes the
 * session (write.ts). Errors name the recipe's field (a breakpoint that never hits, an unknown bookmark…).
 */
export function sessionFromRecipe(parsed: ParsedRecipe, run: Run, scenario: SessionScenarioSource): WriteResult {
  const { recipe } = parsed;
  const errors: SessionError[] = [];
  const fail = (path: Path, message: string): void => {
    const { line, col } = parsed.locate(path);
    errors.push({ source: parsed.source, line, col, path: pathToString(path), message });
  };
  const resolveList = <T extends { at: Place }>(list: readonly T[], path: Path): number[] => {
    let prev = -1;
    return list.map((item, i) => {
      const step = resolvePlace(run, item.at, prev, (m) => fail([...path, i, 'at'], m));
      if (step !== null) prev = step;
      return step ?? 0;
    });
  };

  const breakpoints = recipe.breakpoints.map((b, i) => {
    const spec = typeof b === 'string' ? b : b.spec;
    const enabled = typeof b === 'string' ? true : b.enabled;
    const p = parseBreakpointSpec(spec);
    const why = p.ok ? validateBreakpoint(p.breakpoint, run) : `column ${p.error.col}: ${p.error.message}`;
    if (why) fail(['breakpoints', i], why);
    return { id: i + 1, spec, enabled };
  });
  const bookmarkSteps = resolveList(recipe.bookmarks, ['bookmarks']);
  const bookmarks: SessionBookmark[] = recipe.bookmarks.map((b, i) => ({ step: bookmarkSteps[i], label: b.label }));
  const noteSteps = resolveList(recipe.notes, ['notes']);
  const notes: SessionNote[] = recipe.notes.map((n, i) => ({ step: noteSteps[i], text: n.text }));
  const tours: SessionTour[] = recipe.tours.map((t, ti) => {
    const steps = resolveList(t.stops, ['tours', ti, 'stops']);
    return {
      title: t.title,
      stops: t.stops.map((s, i): TourStop => {
        const stop: TourStop = { step: steps[i], title: s.title, narration: s.narration };
        if (!s.ask) return stop;
        // the question runs from the stop's step through a place after it (a breakpoint's next hit after the stop)
        const path = ['tours', ti, 'stops', i, 'ask', 'through'];
        const through = resolvePlace(run, s.ask.through, stop.step, (m) => fail(path, m));
        if (through === null) return stop;
        if (through <= stop.step) fail(path, `the question must end after the stop's step ${grouped(stop.step)}; \`${String(s.ask.through)}\` is step ${grouped(through)}`);
        return { ...stop, ask: { kind: s.ask.predict, from: stop.step, through, ...(s.ask.prompt !== undefined ? { prompt: s.ask.prompt } : {}) } };
      }),
    };
  });
  let cursor = run.stepCount - 1;
  if (recipe.cursor !== undefined) cursor = resolvePlace(run, recipe.cursor, -1, (m) => fail(['cursor'], m)) ?? cursor;
  else if (tours.length > 0) cursor = tours[0].stops[0].step;
  if (errors.length > 0) return { ok: false, errors };
  // the path: the tour's stops in order, as if the user had walked it
  const path = tours.flatMap((t) => t.stops.map((s) => s.step));
  return writeSession(run, scenario, { cursor, path, breakpoints, bookmarks, notes, tours, view: { settings: recipe.view?.settings ?? {} } }, 'session.uvmsession');
}

/** The step that enters each scenario op (the op's line in the scenario frame), by op index. */
function opEntries(run: Run): number[] {
  const out: number[] = [];
  const steps = run.ctx.steps;
  for (let s = 0; s < run.stepCount; s++) if (steps.depthOf(s) === 0 && steps.lineOf(s) === fnScenarioOp.at.op) out[steps.opOf(s)] ??= s;
  return out;
}

/** The step a place names, or null after reporting why it names none. `prev` is the step of the place before. */
export function resolvePlace(run: Run, at: Place, prev: number, fail: (message: string) => void): number | null {
  const last = run.stepCount - 1;
  if (typeof at === 'number') {
    if (at > last) {
      fail(`step ${grouped(at)} is past the run's last step (${grouped(last)})`);
      return null;
    }
    return at;
  }
  const word = at.trim();
  if (word === 'start') return 0;
  if (word === 'end') return last;
  const op = /^op\s+(\d+)$/.exec(word);
  if (op) {
    const n = Number(op[1]);
    const entry = opEntries(run)[n];
    if (entry !== undefined) return entry;
    if (run.scenario.steps[n]?.op === 'ask') fail(`op ${n} is an \`ask\`, which takes no step: name the op after it`);
    else fail(`the scenario has no op ${n} (it has ${run.scenario.steps.length}, numbered from 0)`);
    return null;
  }
  const bm = /^bookmark\s+(.+)$/.exec(word);
  if (bm) {
    const name = bm[1].trim();
    const i = run.scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === name);
    if (i < 0) {
      const names = run.scenario.steps.flatMap((s) => (s.op === 'bookmark' ? [s.name] : []));
      fail(`the scenario has no bookmark ${JSON.stringify(name)}${names.length ? ` (it has ${names.join(', ')})` : ''}`);
      return null;
    }
    const entries = opEntries(run);
    // the bookmark's last step: the step before the next op that has one (an `ask` has none)
    const next = entries.slice(i + 1).find((e) => e !== undefined);
    if (entries[i] !== undefined) return (next ?? run.stepCount) - 1;
    fail(`bookmark ${JSON.stringify(name)} has no step in the run`);
    return null;
  }
  const p = parseBreakpointSpec(word);
  if (!p.ok) {
    fail(`not a place: a step number, start, end, op N, bookmark NAME or a breakpoint spec (column ${p.error.col}: ${p.error.message})`);
    return null;
  }
  const why = validateBreakpoint(p.breakpoint, run);
  if (why) {
    fail(why);
    return null;
  }
  const hit = findNextHit(run, [p.breakpoint], prev);
  if (!hit) {
    fail(`\`${word}\` never hits ${prev < 0 ? 'in the run' : `after step ${grouped(prev)} (the place before it)`}`);
    return null;
  }
  return hit.step;
}
