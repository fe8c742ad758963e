/**
 * Sessions for the engine service (docs/session-format.md, "For the app"): open = parseSession then replaySession,
 * whose replayed run (cursor on the session's) becomes the loaded run; save = writeSession over the loaded run with
 * the user state the renderer sends. The engine's types are translated to the protocol's here.
 */
import type { Diagnostic, OpenedSession, SaveSessionRequest, SessionUserState } from '../protocol';
import type { Run } from '../engine/run/run';
import type { ExecuteOptions } from '../engine/run/execute';
import type { JsonObject } from '../engine/session/json';
import { parseSession, type SessionError } from '../engine/session/parse';
import { replaySession, scenarioFileOf } from '../engine/session/replay';
import { writeSession } from '../engine/session/write';

/** A session error as the protocol's located diagnostic. */
export function sessionDiagnostic(e: SessionError): Diagnostic {
  return { message: e.message, path: e.path || undefined, location: { file: e.source, line: e.line, column: e.col } };
}

export type OpenSessionResult = { ok: true; run: Run; opened: OpenedSession } | { ok: false; diagnostics: Diagnostic[] };

/** Parse and replay a session's text. Never throws for bad input: every refusal is located. */
export function openSessionText(text: string, fileName: string, options: ExecuteOptions = {}): OpenSessionResult {
  if (typeof text !== 'string' || typeof fileName !== 'string') return { ok: false, diagnostics: [{ message: 'openSession needs the session text and its file name' }] };
  const parsed = parseSession(text, fileName);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.errors.map(sessionDiagnostic) };
  const replayed = replaySession(parsed, options);
  if (!replayed.ok) return { ok: false, diagnostics: replayed.errors.map(sessionDiagnostic) };
  const { report } = replayed;
  const s = parsed.session;
  const user: SessionUserState = {
    cursor: s.cursor,
    path: s.path,
    breakpoints: s.breakpoints,
    bookmarks: s.bookmarks,
    notes: s.notes,
    tours: s.tours,
    ...(s.answers.length > 0 ? { answers: s.answers } : {}),
    view: { layout: s.view.layout, settings: s.view.settings },
  };
  return {
    ok: true,
    run: report.run,
    opened: {
      fileName,
      scenarioFile: scenarioFileOf(s),
      scenarioText: s.scenario.text,
      user,
      replay: {
        match: report.match,
        cursor: report.cursor,
        steps: report.steps,
        digest: report.digest,
        divergence: report.divergence,
        warnings: report.warnings.map(sessionDiagnostic),
        savedEngine: report.savedEngine,
        engine: report.engine,
      },
    },
  };
}

export type SaveSessionResult = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] };

/** The session text for the loaded run and the renderer's user state, or what the writer refused in it. */
export function saveSessionText(run: Run, request: Pick<SaveSessionRequest, 'source' | 'fileName' | 'user'>): SaveSessionResult {
  const { user } = request;
  if (!user || typeof request.source !== 'string') return { ok: false, diagnostics: [{ message: 'saveSession needs the scenario text and the user state' }] };
  const cursor = Math.max(0, Math.min(run.stepCount - 1, Number.isInteger(user.cursor) ? user.cursor : run.cursor));
  const written = writeSession(
    run,
    { text: request.source, file: request.fileName },
    {
      cursor,
      // steps past the run (a path from an earlier run) would make the writer refuse the whole session
      path: user.path.filter((p) => Number.isInteger(p) && p >= 0 && p < run.stepCount),
      breakpoints: user.breakpoints.map((b) => ({ id: b.id, spec: b.spec, enabled: b.enabled })),
      bookmarks: user.bookmarks.map((b) => ({ step: b.step, label: b.label })),
      notes: user.notes.map((n) => ({ ...(n.step !== undefined ? { step: n.step } : {}), ...(n.object !== undefined ? { object: { ...n.object } } : {}), text: n.text })),
      tours: user.tours.map((t) => ({ title: t.title, stops: t.stops.map((x) => ({ step: x.step, title: x.title, narration: x.narration, ...(x.ask ? { ask: { ...x.ask } } : {}) })) })),
      // the writer re-reads what it wrote: a malformed answer comes back as a located error, not a bad file
      answers: (user.answers ?? []).map((a) => ({ question: { ...a.question }, answer: a.answer.map((m) => ({ ...m })), counts: { ...a.counts } })),
      view: { layout: (user.view?.layout ?? null) as JsonObject | null, settings: { ...(user.view?.settings ?? {}) } },
    },
    'session.uvmsession',
  );
  if (!written.ok) return { ok: false, diagnostics: written.errors.map(sessionDiagnostic) };
  return { ok: true, text: written.text };
}
