/**
 * Making a session: a run and what the user did with it in, a `.uvmsession` document out. Pure and deterministic:
 * the same run and user state give the same bytes (fixed key order, no clock), so a saved example can be
 * regenerated and compared. Writing the file atomically is the caller's job (the CLI's writeFileAtomic, main's
 * saveFile). writeSession re-reads what it wrote with parseSession, so a writer never produces a file its reader
 * refuses.
 */
import type { Run } from '../run/run';
import { ENGINE_VERSION } from '../version';
import { copyQuestion } from '../predict/grade';
import { checkpointSteps, encodeFingerprints, stepFingerprints, strideFor } from './fingerprint';
import {
  FINGERPRINT_ALGORITHM,
  SESSION_FORMAT,
  SESSION_LIMITS,
  SESSION_VERSION,
  type Session,
  type SessionAnswer,
  type SessionBookmark,
  type SessionBreakpoint,
  type SessionNote,
  type SessionTour,
  type SessionView,
  type StepDigest,
} from './format';
import type { JsonValue } from './json';
import { parseSession, pathToString, type SessionError } from './parse';

/** What the user did with the run: everything but the scenario and the digests. Absent fields are empty. */
export interface SessionUserState {
  /** The step the cursor is on; the run's cursor when absent. */
  cursor?: number;
  /** Steps visited, oldest first; only the last 10,000 are kept. */
  path?: readonly number[];
  breakpoints?: readonly SessionBreakpoint[];
  bookmarks?: readonly SessionBookmark[];
  notes?: readonly SessionNote[];
  tours?: readonly SessionTour[];
  /** Predict mode's graded answers, oldest first. */
  answers?: readonly SessionAnswer[];
  view?: Partial<SessionView>;
}

/** The scenario as the user loaded it: the text is embedded verbatim. */
export interface SessionScenarioSource {
  text: string;
  /** The file it came from (shown in titles and messages). */
  file?: string;
}

/**
 * The session document for a run at a cursor. The digests cover steps 0..the horizon, the last step the session
 * names (clamped to the run: writeSession reports steps past it). The run's cursor is left where it was.
 */
export function buildSession(run: Run, scenario: SessionScenarioSource, user: SessionUserState = {}): Session {
  const cursor = user.cursor ?? run.cursor;
  if (!Number.isInteger(cursor) || cursor < 0 || cursor >= run.stepCount) throw new RangeError(`cursor ${cursor} is outside the run's steps 0..${run.stepCount - 1}`);
  const was = run.cursor;
  const checkpoints: StepDigest[] = [];
  let atCursor: string;
  const fullPath = user.path ?? [];
  const path = fullPath.slice(Math.max(0, fullPath.length - SESSION_LIMITS.path));
  const named = [
    ...path,
    ...(user.bookmarks ?? []).map((b) => b.step),
    ...(user.notes ?? []).flatMap((n) => (n.step === undefined ? [] : [n.step])),
    ...(user.tours ?? []).flatMap((t) => t.stops.flatMap((s) => (s.ask ? [s.step, s.ask.through] : [s.step]))),
    // a question's span is proved too: the steps it grades
    ...(user.answers ?? []).map((a) => a.question.through),
  ];
  const horizon = Math.min(run.stepCount - 1, named.reduce((a, b) => (Number.isInteger(b) && b > a ? b : a), cursor));
  try {
    for (const step of checkpointSteps(horizon)) {
      run.seek(step);
      checkpoints.push({ step, digest: run.digest() });
    }
    run.seek(cursor);
    atCursor = run.digest();
  } finally {
    run.seek(was);
  }
  const count = horizon + 1;
  const stride = strideFor(count);
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    engine: ENGINE_VERSION,
    scenario: { name: run.scenario.name, file: scenario.file ?? '', text: scenario.text },
    cursor,
    path,
    breakpoints: (user.breakpoints ?? []).map((b) => ({ id: b.id, spec: b.spec, enabled: b.enabled })),
    bookmarks: (user.bookmarks ?? []).map((b) => ({ step: b.step, label: b.label })),
    notes: (user.notes ?? []).map((n) => ({ ...(n.step !== undefined ? { step: n.step } : {}), ...(n.object !== undefined ? { object: { ...n.object } } : {}), text: n.text })),
    tours: (user.tours ?? []).map((t) => ({
      title: t.title,
      stops: t.stops.map((s) => ({ step: s.step, title: s.title, narration: s.narration, ...(s.ask ? { ask: copyQuestion(s.ask) } : {}) })),
    })),
    answers: (user.answers ?? []).map((a) => ({
      question: copyQuestion(a.question),
      answer: a.answer.map((m) => ({ region: m.region, page: m.page, target: m.target })),
      counts: { correct: a.counts.correct, missed: a.counts.missed, wrong: a.counts.wrong },
    })),
    view: {
      layout: user.view?.layout ?? null,
      settings: Object.fromEntries(Object.entries(user.view?.settings ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
    digests: {
      atCursor,
      checkpoints,
      steps: { algorithm: FINGERPRINT_ALGORITHM, stride, count, fingerprints: encodeFingerprints(stepFingerprints(run, count, stride)) },
    },
  };
}

export type WriteResult = { ok: true; text: string; session: Session } | { ok: false; errors: SessionError[] };

/**
 * Builds, serialises and re-reads a session: the text to save, or what the reader refused in it (a label too long,
 * a step past the run's end…) located in that text.
 */
export function writeSession(run: Run, scenario: SessionScenarioSource, user: SessionUserState = {}, source = 'session.uvmsession'): WriteResult {
  const session = buildSession(run, scenario, user);
  const text = serializeSession(session);
  const back = parseSession(text, source);
  if (!back.ok) return { ok: false, errors: back.errors };
  const errors: SessionError[] = [];
  for (const { path, step } of stepFields(session)) {
    if (step >= run.stepCount) {
      const { line, col } = back.locate(path);
      errors.push({ source, line, col, path: pathToString(path), message: `step ${step} is past the run's last step (${run.stepCount - 1})` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, text, session: back.session };
}

/** Every step number a session holds besides the cursor and digests, with its field path. */
export function* stepFields(s: Session): Generator<{ path: (string | number)[]; step: number }> {
  for (let i = 0; i < s.path.length; i++) yield { path: ['path', i], step: s.path[i] };
  for (let i = 0; i < s.bookmarks.length; i++) yield { path: ['bookmarks', i, 'step'], step: s.bookmarks[i].step };
  for (let i = 0; i < s.notes.length; i++) {
    const step = s.notes[i].step;
    if (step !== undefined) yield { path: ['notes', i, 'step'], step };
  }
  for (let t = 0; t < s.tours.length; t++) {
    for (let i = 0; i < s.tours[t].stops.length; i++) {
      const stop = s.tours[t].stops[i];
      yield { path: ['tours', t, 'stops', i, 'step'], step: stop.step };
      if (stop.ask) yield { path: ['tours', t, 'stops', i, 'ask', 'through'], step: stop.ask.through };
    }
  }
  for (let i = 0; i < s.answers.length; i++) yield { path: ['answers', i, 'question', 'through'], step: s.answers[i].question.through };
}

const WIDTH = 100;

/**
 * The session as pretty JSON: two-space indents; an array of numbers or strings on as few lines as fit in 100
 * columns; an object of plain values on one line when it fits. Keys keep the document's order.
 */
export function serializeSession(session: Session): string {
  const out: string[] = [];
  write(session as unknown as JsonValue, '', out);
  return `${out.join('')}\n`;
}

function isPlain(v: JsonValue): v is null | string | number | boolean {
  return v === null || typeof v !== 'object';
}

function inline(v: JsonValue): string | null {
  if (isPlain(v)) return JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : null;
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  if (!entries.every(([, x]) => isPlain(x))) return null;
  return `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${JSON.stringify(x)}`).join(', ')} }`;
}

function write(v: JsonValue, indent: string, out: string[]): void {
  const one = inline(v);
  if (one !== null && indent.length + one.length <= WIDTH) {
    out.push(one);
    return;
  }
  if (isPlain(v)) {
    out.push(JSON.stringify(v));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.every(isPlain)) {
      // fill lines with items
      out.push('[');
      let line = '';
      for (let i = 0; i < v.length; i++) {
        const item = JSON.stringify(v[i]) + (i + 1 < v.length ? ',' : '');
        if (line && inner.length + line.length + 1 + item.length > WIDTH) {
          out.push(`\n${inner}${line}`);
          line = item;
        } else line = line ? `${line} ${item}` : item;
      }
      out.push(`\n${inner}${line}\n${indent}]`);
      return;
    }
    out.push('[');
    v.forEach((x, i) => {
      out.push(`\n${inner}`);
      write(x, inner, out);
      if (i + 1 < v.length) out.push(',');
    });
    out.push(`\n${indent}]`);
    return;
  }
  const entries = Object.entries(v);
  out.push('{');
  entries.forEach(([k, x], i) => {
    out.push(`\n${inner}${JSON.stringify(k)}: `);
    write(x, inner, out);
    if (i + 1 < entries.length) out.push(',');
  });
  out.push(`\n${indent}}`);
}
