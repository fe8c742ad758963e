/**
 * Replaying a session: run its embedded scenario, put the cursor where the session had it, and compare the state
 * digest with the one saved. When they differ, say where the runs parted: the first step whose state differs,
 * found from the per-step fingerprints (fingerprint.ts) when the session has them, else to within the interval
 * between two of its checkpoint digests.
 */
import { parseBreakpointSpec, validateBreakpoint } from '../run/breakpoints';
import { EngineError, execute, type ExecuteOptions } from '../run/execute';
import type { Run } from '../run/run';
import { nameFromSource, parseScenario, type Scenario } from '../scenario/index';
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

function locator(parsed: ParsedSession): (path: Path, message: string) => SessionError {
  return (path, message) => {
    const { line, col } = parsed.locate(path);
    return { source: parsed.source, line, col, path: pathToString(path), message };
  };
}

/** The session's scenario, parsed, or its errors located at `scenario.text` (with the line inside the scenario). */
function embeddedScenario(parsed: ParsedSession): { ok: true; scenario: Scenario } | { ok: false; errors: SessionError[] } {
  const located = locator(parsed);
  const scenarioFile = scenarioFileOf(parsed.session);
  const scenario = parseScenario(parsed.session.scenario.text, scenarioFile);
  if (scenario.ok) return scenario;
  const errors = scenario.errors.slice(0, SESSION_LIMITS.errors).map((e) =>
    located(['scenario', 'text'], `the embedded scenario does not parse: ${nameFromSource(scenarioFile)} line ${e.line}, column ${e.col}${e.path ? ` (${e.path})` : ''}: ${e.message}`),
  );
  return { ok: false, errors };
}

/**
 * What can be checked without running: the embedded scenario parses, and every breakpoint spec parses and names
 * kinds, functions and fields this build knows (`uvmscope validate`). An empty list when all is well.
 */
export function checkSession(parsed: ParsedSession): SessionError[] {
  const scenario = embeddedScenario(parsed);
  const errors = scenario.ok ? [] : scenario.errors;
  const located = locator(parsed);
  parsed.session.breakpoints.forEach((b, i) => {
    const bp = parseBreakpointSpec(b.spec, { id: b.id, enabled: b.enabled });
    const why = bp.ok ? validateBreakpoint(bp.breakpoint) : `column ${bp.error.col}: ${bp.error.message}`;
    if (why) errors.push(located(['breakpoints', i, 'spec'], `this build cannot set the breakpoint: ${why}`));
  });
  return errors.slice(0, SESSION_LIMITS.errors);
}

/** Runs the session's scenario and checks the digest at its cursor. Errors only when the scenario cannot run. */
export function replaySession(parsed: ParsedSession, options: ExecuteOptions = {}): ReplayResult {
  const { session, source } = parsed;
  const located = locator(parsed);
  const scenario = embeddedScenario(parsed);
  if (!scenario.ok) return scenario;
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
  const divergence = compareRun(session, run);
  const match = replayed === saved && divergence === null;
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

/**
 * Compares the replayed run with what the session recorded: every step's fingerprint up to the horizon, the
 * checkpoint digests and the digest at the cursor. Null when all agree; otherwise where the runs parted: the first
 * step whose fingerprint differs (exact with one fingerprint per step), else the interval between the last
 * agreeing and the first disagreeing digest. Moves the run's cursor.
 */
export function compareRun(session: Session, run: Run): Divergence | null {
  const f = session.digests.steps;
  let prefix = '';
  if (f) {
    const saved = decodeFingerprints(f.fingerprints);
    if (saved) {
      const mine = stepFingerprints(run, f.count, f.stride);
      const n = Math.min(saved.length, mine.length);
      for (let g = 0; g < n; g++) {
        if (saved[g] === mine[g]) continue;
        const from = g * f.stride;
        const to = Math.min((g + 1) * f.stride, f.count) - 1;
        if (f.stride === 1) return { step: from, exact: true, from, to, how: `step ${grouped(from)} is the first whose change of state differs (per-step fingerprints)` };
        return { step: from, exact: false, from, to, how: `the first differing fingerprint covers steps ${grouped(from)}..${grouped(to)} (one fingerprint per ${grouped(f.stride)} steps)` };
      }
      if (run.stepCount < f.count) {
        const s = run.stepCount;
        return { step: s, exact: true, from: s, to: s, how: `the replayed run ends after step ${grouped(s - 1)}, the same up to there; the session names steps up to ${grouped(f.count - 1)}` };
      }
      prefix = `every step changed the state the same way, yet the digests differ (saved by engine ${session.engine}, replayed by ${ENGINE_VERSION}: the digest's layout may have changed); `;
    }
  }
  // the checkpoint digests and the cursor's, in step order
  const points = [...session.digests.checkpoints.filter((c) => c.step !== session.cursor), { step: session.cursor, digest: session.digests.atCursor }].sort((a, b) => a.step - b.step);
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
      const how = `${prefix}${lastMatch < 0 ? 'no digest before it matches' : `the state digest matches at step ${grouped(lastMatch)}`} and differs at step ${grouped(c.step)}${c.step >= run.stepCount ? ' (past the replayed run)' : ''}: the first difference is in ${where}`;
      return { step: from, exact, from, to: c.step, how };
    }
    lastMatch = c.step;
  }
  return null;
}
