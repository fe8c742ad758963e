/**
 * Replaying a session: run its embedded scenario, put the cursor where the session had it, and compare the state
 * digest with the one saved. When they differ, say where the runs parted: the first step whose state differs,
 * found from the per-step fingerprints (fingerprint.ts) when the session has them, else to within the interval
 * between two of its checkpoint digests.
 */
import { parseBreakpointSpec, validateBreakpoint } from '../run/breakpoints';
import { EngineError, execute, type ExecuteOptions } from '../run/execute';
import type { Run } from '../run/run';
import { nameFromSource, parseScenario } from '../scenario/index';
import { ENGINE_VERSION } from '../version';
import { decodeFingerprints, stepFingerprints } from './fingerprint';
import { SESSION_LIMITS, type Session } from './format';
import { grouped } from './json';
import { parseSession, pathToString, type ParsedSession, type Path, type SessionError } from './parse';
import { stepFields } from './write';

/** Where a replay parted from the saved run. */
export interface Divergence {
  /** The first step whose state differs, when `exact`; otherwise the first step of the range it lies in. */
  step: number;
  exact: boolean;
  /** The steps it lies in, both included (from === to when exact). */
  from: number;
  to: number;
  /** How it was located, in words. */
  how: string;
}

export interface ReplayReport {
  /** The replay reached the saved state: the digests at the cursor agree. */
  match: boolean;
  source: string;
  scenario: string;
  /** The engine version that saved the session, and this one. */
  savedEngine: string;
  engine: string;
  cursor: number;
  /** Steps in the replayed run. */
  steps: number;
  digest: { saved: string; replayed: string | null };
  divergence: Divergence | null;
  /** What in the session does not fit the replayed run (a bookmark past its end, a breakpoint it refuses). */
  warnings: SessionError[];
  /** The replayed run, its cursor on the session's cursor (the last step when the run is shorter). */
  run: Run;
}

export type ReplayResult = { ok: true; report: ReplayReport } | { ok: false; errors: SessionError[] };

/** Reads and replays a session text: parseSession, then replaySession. */
export function openSession(text: string, source = 'session.uvmsession', options: ExecuteOptions = {}): ReplayResult {
  const parsed = parseSession(text, source);
  if (!parsed.ok) return parsed;
  return replaySession(parsed, options);
}

/** The scenario's file name as its own messages show it. */
export function scenarioFileOf(session: Session): string {
  return session.scenario.file || `${session.scenario.name}.yaml`;
}

/** Runs the session's scenario and checks the digest at its cursor. Errors only when the scenario cannot run. */
export function replaySession(parsed: ParsedSession, options: ExecuteOptions = {}): ReplayResult {
  const { session, source } = parsed;
  const located = (path: Path, message: string): SessionError => {
    const { line, col } = parsed.locate(path);
    return { source, line, col, path: pathToString(path), message };
  };
  const scenarioFile = scenarioFileOf(session);
  const scenario = parseScenario(session.scenario.text, scenarioFile);
  if (!scenario.ok) {
    const errors = scenario.errors.slice(0, SESSION_LIMITS.errors).map((e) =>
      located(['scenario', 'text'], `the embedded scenario does not parse: ${nameFromSource(scenarioFile)} line ${e.line}, column ${e.col}${e.path ? ` (${e.path})` : ''}: ${e.message}`),
    );
    return { ok: false, errors };
  }
  let run: Run;
  try {
    run = execute(scenario.scenario, options);
  } catch (e) {
    if (e instanceof EngineError) return { ok: false, errors: [located(['scenario', 'text'], `the embedded scenario cannot run: line ${e.line}, column ${e.col}: ${e.message}`)] };
    throw e;
  }

  const cursor = session.cursor;
  const saved = session.digests.atCursor;
  let replayed: string | null = null;
  if (cursor < run.stepCount) {
    run.seek(cursor);
    replayed = run.digest();
  }
  const match = replayed === saved;
  const divergence = match ? null : locateDivergence(session, run);
  run.seek(Math.min(cursor, run.stepCount - 1));

  const warnings: SessionError[] = [];
  if (cursor >= run.stepCount) warnings.push(located(['cursor'], `step ${grouped(cursor)} is past the replayed run's last step (${grouped(run.stepCount - 1)})`));
  for (const { path, step } of stepFields(session)) {
    if (step >= run.stepCount) warnings.push(located(path, `step ${grouped(step)} is past the replayed run's last step (${grouped(run.stepCount - 1)})`));
    if (warnings.length >= SESSION_LIMITS.errors) break;
  }
  session.breakpoints.forEach((b, i) => {
    const bp = parseBreakpointSpec(b.spec, { id: b.id, enabled: b.enabled });
    const why = bp.ok ? validateBreakpoint(bp.breakpoint, run) : `column ${bp.error.col}: ${bp.error.message}`;
    if (why) warnings.push(located(['breakpoints', i, 'spec'], `this build cannot set the breakpoint: ${why}`));
  });

  return {
    ok: true,
    report: {
      match,
      source,
      scenario: session.scenario.name,
      savedEngine: session.engine,
      engine: ENGINE_VERSION,
      cursor,
      steps: run.stepCount,
      digest: { saved, replayed },
      divergence,
      warnings,
      run,
    },
  };
}

/** The first step whose state differs between the saved run and `run`. Moves the run's cursor. */
export function locateDivergence(session: Session, run: Run): Divergence {
  const count = session.cursor + 1;
  const f = session.digests.steps;
  let prefix = '';
  if (f) {
    const saved = decodeFingerprints(f.fingerprints);
    if (saved) {
      const mine = stepFingerprints(run, count, f.stride);
      const n = Math.min(saved.length, mine.length);
      for (let g = 0; g < n; g++) {
        if (saved[g] === mine[g]) continue;
        const from = g * f.stride;
        const to = Math.min((g + 1) * f.stride, count) - 1;
        if (f.stride === 1) return { step: from, exact: true, from, to, how: `step ${grouped(from)} is the first whose change of state differs (per-step fingerprints)` };
        return { step: from, exact: false, from, to, how: `the first differing fingerprint covers steps ${grouped(from)}..${grouped(to)} (one fingerprint per ${grouped(f.stride)} steps)` };
      }
      if (run.stepCount < count) {
        const s = run.stepCount;
        return { step: s, exact: true, from: s, to: s, how: `the replayed run ends after step ${grouped(s - 1)}, the same up to there; the session's cursor is step ${grouped(session.cursor)}` };
      }
      prefix = `every step up to the cursor changed the state the same way, yet the digests differ (saved by engine ${session.engine}, replayed by ${ENGINE_VERSION}: the digest's layout may have changed); `;
    }
  }
  // checkpoint digests, the cursor's last
  const points = [...session.digests.checkpoints.filter((c) => c.step < session.cursor), { step: session.cursor, digest: session.digests.atCursor }];
  let lastMatch = -1;
  for (const c of points) {
    let differs = true;
    if (c.step < run.stepCount) {
      run.seek(c.step);
      differs = run.digest() !== c.digest;
    }
    if (differs) {
      const from = lastMatch + 1;
      const exact = from === c.step;
      const where = exact ? `step ${grouped(c.step)}` : `steps ${grouped(from)}..${grouped(c.step)}`;
      const how = `${prefix}${lastMatch < 0 ? 'no checkpoint before it matches' : `the state digest matches at step ${grouped(lastMatch)}`} and differs at step ${grouped(c.step)}${c.step >= run.stepCount ? ' (past the replayed run)' : ''}: the first difference is in ${where}`;
      return { step: from, exact, from, to: c.step, how };
    }
    lastMatch = c.step;
  }
  // unreachable: the cursor's digest differs, or locateDivergence was not called
  return { step: session.cursor, exact: false, from: 0, to: session.cursor, how: 'the digests differ at the cursor' };
}
