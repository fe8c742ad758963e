/**
 * The engine service: one loaded run and the debugger's cursor over it, answering the
 * protocol's requests. Pure TypeScript with no host APIs, so the Worker host, the
 * utilityProcess host and the tests all drive the very same object; each host only
 * carries messages (worker.ts, utility.ts).
 */
import type {
  BreakpointSpec,
  BreakpointStatus,
  CodeFunctionInfo,
  Diagnostic,
  EngineRequest,
  EngineResponse,
  LoadCaptureRequest,
  OkResponse,
  OpInfo,
  RunInfo,
  StateView,
  StepRequest,
  TransitionInfo,
} from '../protocol';
import { allFunctions, codeLine } from '../engine/core/code';
import { countHits, findNextHit, findPrevHit, parseBreakpointSpec, validateBreakpoint, formatBreakpoint, type Breakpoint } from '../engine/run/breakpoints';
import { kindNames } from '../engine/run/bp-fields';
import { EngineError, execute } from '../engine/run/execute';
import type { Run } from '../engine/run/run';
import { parseScenario } from '../engine/scenario/index';
import { toChromeTrace } from '../engine/run/trace-export';
import { COUNTERS } from '../engine/uvm/counters';
import { ENGINE_VERSION } from '../engine/version';
import { opLabel } from './op-label';
import { answerView } from './views/index';
import { compareCapture, prepareCapture } from './views/capture';
import { transitionInfo } from './transition-info';
import { openSessionText, saveSessionText } from './session';
import { gradeRequest } from './predict';
import { resolveAsks } from '../engine/predict/ask';
import { opSpans } from '../engine/run/op-spans';

/** The state view lists at most this many of the cursor step's transitions. */
const STATE_TRANSITIONS = 200;
/** Hit steps sent per breakpoint for the timeline's marks. */
const HIT_STEPS = 2000;

export class EngineService {
  private run: Run | null = null;
  private fileName = '';
  private ops: OpInfo[] = [];
  private breakpoints: Breakpoint[] = [];
  /** The digest of the cursor's state, kept while the cursor stays: views ask for none of their own. */
  private digestCache = { run: null as Run | null, step: -1, digest: '' };

  /** Answer one request. Never throws: every failure becomes an `error` response. */
  handle(request: EngineRequest, onProgress?: (done: number, total: number) => void): EngineResponse {
    try {
      return this.dispatch(request, onProgress);
    } catch (e) {
      return { type: 'error', id: request.id, diagnostics: [{ message: e instanceof Error ? e.message : String(e) }] };
    }
  }

  private dispatch(request: EngineRequest, onProgress?: (done: number, total: number) => void): EngineResponse {
    if (request.type === 'load') return this.load(request.id, request.source, request.fileName, request.cursor, onProgress);
    if (request.type === 'loadCapture') return this.loadCapture(request, onProgress);
    if (request.type === 'openSession') return this.openSession(request.id, request.text, request.fileName, onProgress);
    const run = this.run;
    if (!run) return { type: 'error', id: request.id, diagnostics: [{ message: 'no scenario is loaded yet' }] };
    switch (request.type) {
      case 'state':
        return this.ok(request.id, run);
      case 'seek': {
        if (!Number.isInteger(request.step)) return this.fail(request.id, `step must be an integer, not ${String(request.step)}`);
        run.seek(Math.max(0, Math.min(run.stepCount - 1, request.step)));
        return this.ok(request.id, run);
      }
      case 'step':
        return this.step(run, request);
      case 'breakpoints':
        return { ...this.ok(request.id, run), breakpoints: this.setBreakpoints(run, request.breakpoints) };
      case 'view':
        return { ...this.ok(request.id, run, false), view: answerView(run, request.query) };
      case 'saveSession': {
        const saved = saveSessionText(run, request);
        return saved.ok ? { ...this.ok(request.id, run), sessionText: saved.text } : { type: 'error', id: request.id, diagnostics: saved.diagnostics };
      }
      case 'exportTrace':
        return { ...this.ok(request.id, run), traceText: JSON.stringify(toChromeTrace(run)) };
      case 'grade': {
        const graded = gradeRequest(run, request);
        return graded.ok ? { ...this.ok(request.id, run, false), grade: graded.grade } : { type: 'error', id: request.id, diagnostics: graded.diagnostics };
      }
      default: {
        const unknown: { type: string; id: number } = request;
        return this.fail(unknown.id, `unknown request type ${JSON.stringify(unknown.type)}`);
      }
    }
  }

  private load(id: number, source: string, fileName: string, cursor: number | undefined, onProgress?: (done: number, total: number) => void): EngineResponse {
    if (typeof source !== 'string' || typeof fileName !== 'string') return this.fail(id, 'load needs the scenario text and its file name');
    const parsed = parseScenario(source, fileName);
    if (!parsed.ok) {
      return {
        type: 'error',
        id,
        diagnostics: parsed.errors.map((e): Diagnostic => ({ message: e.message, path: e.path || undefined, location: { file: e.source, line: e.line, column: e.col } })),
      };
    }
    let run: Run;
    try {
      run = execute(parsed.scenario, { onProgress: onProgress ? (done, total) => void onProgress(done, total) : undefined });
    } catch (e) {
      if (e instanceof EngineError) return { type: 'error', id, diagnostics: [{ message: e.message, path: e.path, location: { file: fileName, line: e.line, column: e.col } }] };
      throw e;
    }
    this.run = run;
    this.fileName = fileName;
    this.ops = opsOf(run);
    this.breakpoints = [];
    run.seek(Math.max(0, Math.min(run.stepCount - 1, cursor ?? 0)));
    return { ...this.ok(id, run), run: this.runInfo(run) };
  }

  /** A real capture with the scenario it names: the scenario's run as captured becomes the loaded run (views/capture.ts). */
  private loadCapture(request: LoadCaptureRequest, onProgress?: (done: number, total: number) => void): EngineResponse {
    const prepared = prepareCapture(request.capture, request.captureName, request.scenario, request.scenarioName, onProgress);
    if (!prepared.ok) return { type: 'error', id: request.id, diagnostics: prepared.diagnostics };
    const run = prepared.run;
    this.run = run;
    this.fileName = request.scenarioName;
    this.ops = opsOf(run);
    this.breakpoints = [];
    run.seek(0);
    const capture = compareCapture(run, prepared.scenario, prepared.capture, request.captureName, this.ops);
    return { ...this.ok(request.id, run), run: this.runInfo(run), capture };
  }

  /** A saved session: its replayed run becomes the loaded run, the cursor on the session's (hosts/session.ts). */
  private openSession(id: number, text: string, fileName: string, onProgress?: (done: number, total: number) => void): EngineResponse {
    const opened = openSessionText(text, fileName, { onProgress: onProgress ? (done, total) => void onProgress(done, total) : undefined });
    if (!opened.ok) return { type: 'error', id, diagnostics: opened.diagnostics };
    const run = opened.run;
    this.run = run;
    this.fileName = opened.opened.scenarioFile;
    this.ops = opsOf(run);
    this.breakpoints = [];
    return { ...this.ok(id, run), run: this.runInfo(run), session: opened.opened };
  }

  private step(run: Run, request: StepRequest): EngineResponse {
    const forward = request.direction === 'forward';
    const from = run.cursor;
    let to: number;
    let stoppedBy: OkResponse['stoppedBy'];
    switch (request.granularity) {
      case 'into':
        to = forward ? run.nextInto() : run.prevInto();
        break;
      case 'over':
        to = forward ? run.nextOver() : run.prevOver();
        break;
      case 'out':
        to = forward ? run.nextOut() : run.prevOut();
        break;
      case 'op': {
        // ops without steps (an `ask`) are passed over
        const op = run.opOf(from);
        const has = (k: number) => (this.ops[k]?.firstStep ?? -1) >= 0;
        let k = op - 1;
        if (forward) {
          k = op + 1;
          while (k < this.ops.length && !has(k)) k++;
        } else if (op >= 0 && from > this.ops[op].firstStep) k = op;
        else while (k >= 0 && !has(k)) k--;
        const target = this.ops[k];
        to = target ? target.firstStep : forward ? run.stepCount - 1 : 0;
        break;
      }
      case 'continue': {
        const active = this.breakpoints.filter((b) => b.enabled);
        const hit = active.length ? (forward ? findNextHit(run, active, from) : findPrevHit(run, active, from)) : null;
        if (hit) {
          to = hit.step;
          stoppedBy = { reason: 'breakpoint', breakpoint: hit.breakpoint.id, transition: hit.transition };
        } else to = forward ? run.stepCount - 1 : 0;
        break;
      }
      default:
        return this.fail(request.id, `unknown step granularity ${JSON.stringify(request.granularity)}`);
    }
    run.seek(to);
    if (!stoppedBy && to === from) stoppedBy = { reason: forward ? 'end' : 'start' };
    else if (!stoppedBy && request.granularity === 'continue') stoppedBy = { reason: forward ? 'end' : 'start' };
    return { ...this.ok(request.id, run), stoppedBy };
  }

  private setBreakpoints(run: Run, specs: readonly BreakpointSpec[]): BreakpointStatus[] {
    if (!Array.isArray(specs)) throw new TypeError('breakpoints must be a list');
    const parsed: Breakpoint[] = [];
    const statuses: BreakpointStatus[] = [];
    for (const s of specs) {
      const result = parseBreakpointSpec(String(s.spec), { id: s.id, enabled: s.enabled !== false, run });
      if (!result.ok) {
        statuses.push({ id: s.id, ok: false, hitCount: 0, hitSteps: [], error: { message: result.error.message, column: result.error.col } });
        continue;
      }
      const why = validateBreakpoint(result.breakpoint, run);
      if (why) {
        statuses.push({ id: s.id, ok: false, hitCount: 0, hitSteps: [], error: { message: why, column: 1 } });
        continue;
      }
      parsed.push(result.breakpoint);
      statuses.push({ id: s.id, ok: true, canonical: formatBreakpoint(result.breakpoint), hitCount: 0, hitSteps: [] });
    }
    this.breakpoints = parsed;
    const counts = countHits(run, parsed);
    return statuses.map((st) => {
      const k = parsed.findIndex((b) => b.id === st.id);
      if (k < 0) return st;
      return { ...st, hitCount: counts[k], hitSteps: hitSteps(run, parsed[k]) };
    });
  }

  private runInfo(run: Run): RunInfo {
    const m = run.ctx.m;
    const functions: Record<string, CodeFunctionInfo> = {};
    for (const f of allFunctions()) {
      functions[f.name] = { name: f.name, file: f.file, lines: f.lines, labels: f.lines.map((_, k) => codeLine(f.firstLine + k).label) };
    }
    const sc = run.scenario;
    const saved = run.cursor;
    run.seek(run.stepCount - 1);
    const endTimeNs = run.simTimeNs();
    run.seek(saved);
    return {
      scenario: sc.name,
      description: sc.description,
      fileName: this.fileName,
      totalSteps: run.stepCount,
      totalTransitions: run.transitionCount,
      processors: [{ id: 0, name: 'cpu', memoryBytes: sc.machine.cpuMemory }, ...sc.machine.gpus.map((g, i) => ({ id: i + 1, name: m.gpuName(i + 1), memoryBytes: g.memory }))],
      regions: sc.regions.map((r) => {
        const info = m.regions[r.index];
        const hasBlocks = info && info.blocks > 0 && (r.kind === 'managed' || r.kind === 'file');
        return { index: r.index, name: r.name, kind: r.kind, bytes: r.size, firstBlock: hasBlocks ? info.firstBlock : -1, blocks: hasBlocks ? info.blocks : 0 };
      }),
      ops: this.ops,
      functions,
      kinds: kindNames(),
      counterNames: [...COUNTERS],
      endTimeNs,
      engineVersion: ENGINE_VERSION,
      ...(sc.open !== undefined ? { open: { bookmark: sc.open, step: openStep(this.ops, sc.open) } } : {}),
    };
  }

  private ok(id: number, run: Run, withTransitions = true): OkResponse {
    return { type: 'ok', id, state: this.stateView(run, withTransitions) };
  }

  private fail(id: number, message: string): EngineResponse {
    return { type: 'error', id, diagnostics: [{ message }] };
  }

  /** Hashing the whole state costs tens of ms on a big run; a view request at the same cursor reuses it. */
  private digestAt(run: Run): string {
    const c = this.digestCache;
    if (c.run !== run || c.step !== run.cursor) this.digestCache = { run, step: run.cursor, digest: run.digest() };
    return this.digestCache.digest;
  }

  private stateView(run: Run, withTransitions: boolean): StateView {
    const step = run.cursor;
    const op = run.opOf(step);
    const [a, b] = run.transitionRange(step);
    const transitions: TransitionInfo[] = [];
    if (withTransitions) for (let t = a; t < b && transitions.length < STATE_TRANSITIONS; t++) transitions.push(transitionInfo(run, t, step));
    let narration: string | undefined;
    for (let k = Math.min(op, this.ops.length - 1); k >= 0; k--) {
      if (this.ops[k].op === 'note') {
        narration = this.ops[k].text;
        break;
      }
    }
    return {
      step,
      totalSteps: run.stepCount,
      simTimeNs: run.simTimeNs(),
      digest: this.digestAt(run),
      stack: run.stackOf(step).map((f) => ({ step: f.step, function: f.fn, file: f.file, line: f.line, text: f.text })),
      op,
      narration,
      transitions,
      transitionCount: b - a,
      counters: run.counters(),
    };
  }
}

/** Each op's first and last step, found in one pass over the steps. */
function opsOf(run: Run): OpInfo[] {
  const sc = run.scenario;
  const { first, last } = opSpans(run);
  const asks = resolveAsks(sc, first, last);
  return sc.steps.map((op, index) => {
    const ask = asks[index];
    return {
      index,
      op: op.op,
      label: opLabel(sc, op),
      firstStep: first[index],
      lastStep: last[index],
      line: op.loc.line,
      text: op.op === 'note' ? op.text : op.op === 'bookmark' ? op.name : undefined,
      ...(ask ? { ask } : {}),
    };
  });
}

/**
 * The step a scenario opens at for its `open:` bookmark: the first step of the next op that has steps (the note that
 * says what is about to happen, in the built-in scenarios), so the user lands where the marked path begins with
 * its narration showing; the bookmark's own step shows the same state but the previous op's note. The bookmark's
 * own step when nothing follows it; 0 when the bookmark has no step (the parser makes sure it exists).
 */
export function openStep(ops: readonly OpInfo[], bookmark: string): number {
  const at = ops.findIndex((o) => o.op === 'bookmark' && o.text === bookmark);
  if (at < 0) return 0;
  const next = ops.slice(at + 1).find((o) => o.firstStep >= 0);
  return next?.firstStep ?? Math.max(0, ops[at].firstStep);
}

/** The steps where one breakpoint hits, at most HIT_STEPS of them. */
function hitSteps(run: Run, bp: Breakpoint): number[] {
  const out: number[] = [];
  let from = -1;
  while (out.length < HIT_STEPS) {
    const hit = findNextHit(run, [bp], from);
    if (!hit) break;
    out.push(hit.step);
    from = hit.step;
  }
  return out;
}
