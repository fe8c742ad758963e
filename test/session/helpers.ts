/** Shared helpers for the session tests: small scenarios run once, sessions written from them, edits of their JSON. */
import { execute } from '../../src/engine/run/execute.js';
import type { Run } from '../../src/engine/run/run.js';
import { formatScenarioError, parseScenario } from '../../src/engine/scenario/index.js';
import { formatSessionError, parseSession, type ParsedSession } from '../../src/engine/session/parse.js';
import { writeSession, type SessionUserState } from '../../src/engine/session/write.js';
import { BUSY, SMALL } from '../cli/helpers.js';

export { BUSY, SMALL };

export function runOf(text: string, source = 'test.yaml'): Run {
  const r = parseScenario(text, source);
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return execute(r.scenario);
}

/** A session of a scenario text, written by writeSession. */
export function sessionText(scenario: string, user: SessionUserState = {}, file = 'small.yaml'): string {
  const w = writeSession(runOf(scenario, file), { text: scenario, file }, user);
  if (!w.ok) throw new Error(w.errors.map(formatSessionError).join('\n'));
  return w.text;
}

export function parsed(text: string, source = 'test.uvmsession'): ParsedSession {
  const r = parseSession(text, source);
  if (!r.ok) throw new Error(r.errors.map(formatSessionError).join('\n'));
  return r;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** Marks a field to delete in `edited`. */
export const DELETE = Symbol('delete');

/** The session's JSON with the value at `path` replaced (or deleted), as indented JSON text again. */
export function edited(text: string, path: readonly (string | number)[], value: unknown): string {
  const doc = JSON.parse(text) as Json;
  let here = doc as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) here = here[seg] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === DELETE) {
    if (Array.isArray(here)) here.splice(Number(last), 1);
    else delete here[last];
  } else here[last] = value as Json;
  return JSON.stringify(doc, null, 2);
}

/** The value at a path of the session's JSON. */
export function valueAt(text: string, path: readonly (string | number)[]): unknown {
  let here = JSON.parse(text) as unknown;
  for (const seg of path) here = (here as Record<string | number, unknown>)[seg];
  return here;
}

/** A session whose embedded scenario is another text (the digests still those of the first). */
export function withScenario(text: string, scenario: string): string {
  return edited(text, ['scenario', 'text'], scenario);
}

/** By brute force: the first step whose state digest differs between two scenarios' runs, up to `last`; -1 if none. */
export function firstDifferingStep(a: string, b: string, last: number): number {
  const ra = runOf(a);
  const rb = runOf(b);
  for (let s = 0; s <= last; s++) {
    if (s >= rb.stepCount || s >= ra.stepCount) return s;
    ra.seek(s);
    rb.seek(s);
    if (ra.digest() !== rb.digest()) return s;
  }
  return -1;
}
