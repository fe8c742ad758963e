/**
 * A real capture beside the model (protocol/views/capture.ts): parses the capture and the scenario it names, makes
 * the run *as captured* (engine/capture/compare.ts: scenarioAsCaptured) and compares it with the capture counter by
 * counter, size by size and step by step, with the records of both sides in columns for the capture panel's timeline.
 * The service installs the run as the loaded one.
 */
import type { CaptureComparisonView, CaptureCounterRow, CaptureHistogram, CaptureStepRow, Diagnostic, OpInfo } from '../../protocol';
import { parseCapture } from '../../engine/capture/parse';
import { buildPlan, captureSteps } from '../../engine/capture/plan';
import { UM_KINDS, type Capture } from '../../engine/capture/types';
import { COMPARED_COUNTERS, compareCounters, modelCounters, realCounters, scenarioAsCaptured, type Counters } from '../../engine/capture/compare';
import { EngineError, execute } from '../../engine/run/execute';
import type { Run } from '../../engine/run/run';
import { parseScenario } from '../../engine/scenario/index';
import type { Scenario } from '../../engine/scenario/types';
import { CLOCK_WORD } from '../../engine/uvm/counters';
import { copyDirection, K } from '../../engine/uvm/kinds';
import { timelineOf } from './timeline';

export type CapturePrepared = { ok: true; run: Run; scenario: Scenario; capture: Capture } | { ok: false; diagnostics: Diagnostic[] };

/** Parse both files, check the capture ran this scenario's plan, and run the scenario as the capture ran it. */
export function prepareCapture(captureText: string, captureName: string, scenarioText: string, scenarioName: string, onProgress?: (done: number, total: number) => void): CapturePrepared {
  if (typeof captureText !== 'string' || typeof scenarioText !== 'string') return { ok: false, diagnostics: [{ message: 'loadCapture needs the capture text and the scenario text' }] };
  const parsed = parseCapture(captureText);
  if (!parsed.ok) {
    return {
      ok: false,
      diagnostics: parsed.errors.map((e): Diagnostic => ({ message: e.message, ...(e.field ? { path: e.field } : {}), location: { file: captureName, line: e.line, column: 1 } })),
    };
  }
  const capture = parsed.capture;
  if (scenarioText === '') {
    return { ok: false, diagnostics: [{ message: `${captureName} was captured from ${capture.header.source} (“${capture.header.scenario}”), which is not a built-in scenario: open that scenario first, then the capture` }] };
  }
  const sc = parseScenario(scenarioText, scenarioName);
  if (!sc.ok) return { ok: false, diagnostics: sc.errors.map((e): Diagnostic => ({ message: e.message, path: e.path || undefined, location: { file: e.source, line: e.line, column: e.col } })) };
  const plan = buildPlan(sc.scenario, scenarioName);
  if (plan.ok && plan.plan.hash !== capture.header.planHash) {
    return {
      ok: false,
      diagnostics: [
        {
          message:
            `${captureName} was captured from another plan (hash ${capture.header.planHash}) than ${scenarioName} makes now (${plan.plan.hash}): ` +
            'the scenario changed since, so the two do not line up step by step. Capture it again (tools/uvm-capture/README.md).',
        },
      ],
    };
  }
  const { scenario } = scenarioAsCaptured(sc.scenario, capture.header);
  try {
    const run = execute(scenario, { onProgress: onProgress ? (done, total) => void onProgress(done, total) : undefined });
    return { ok: true, run, scenario: sc.scenario, capture };
  } catch (e) {
    if (e instanceof EngineError) return { ok: false, diagnostics: [{ message: e.message, path: e.path, location: { file: scenarioName, line: e.line, column: e.col } }] };
    throw e;
  }
}

const SCALARS = COMPARED_COUNTERS.map((c) => c.name);
const pick = (c: Counters | undefined): Record<string, number> => Object.fromEntries(SCALARS.map((n) => [n, c ? c[n] : 0]));

/** The comparison the capture panel shows. `original` is the scenario as written (its op names); `ops` the run's ops. */
export function compareCapture(run: Run, original: Scenario, capture: Capture, captureName: string, ops: readonly OpInfo[]): CaptureComparisonView {
  const { changes } = scenarioAsCaptured(original, capture.header);
  const model = modelCounters(run);
  const real = realCounters(capture);

  const compared = compareCounters(original, changes, model, real);
  const counters: CaptureCounterRow[] = compared.counters.map(({ name, cls, model: m, real: r, diff, ok }) => ({ name, cls, model: m, real: r, diff, ok }));
  const histograms: CaptureHistogram[] = compared.histograms.map(({ name, sizes, distance }) => ({ name, sizes, distance }));

  // simulated time right after each step the panel needs: every op's edges and every step that copied
  const index = timelineOf(run).index;
  const copySteps: number[] = [];
  const copies: { dir: number; bytes: number; step: number; op: number }[] = [];
  const store = run.ctx.store;
  for (let s = 0; s < run.stepCount; s++) {
    const [a, b] = run.transitionRange(s);
    let copied = false;
    for (let t = a; t < b; t++) {
      if (store.kindOf(t) !== K.copy) continue;
      const dir = copyDirection(store.beforeOf(t));
      copies.push({ dir: dir === 'htod' ? 0 : dir === 'dtoh' ? 1 : 2, bytes: store.afterOf(t), step: s, op: run.opOf(s) });
      copied = true;
    }
    if (copied) copySteps.push(s);
  }
  const wanted = new Set<number>();
  for (const s of copySteps) {
    wanted.add(s);
    if (s > 0) wanted.add(s - 1);
  }
  for (const o of ops) {
    if (o.firstStep > 0) wanted.add(o.firstStep - 1);
    if (o.lastStep >= 0) wanted.add(o.lastStep);
  }
  const list = [...wanted].sort((x, y) => x - y);
  const [clock] = list.length ? index.scalarsAt(list, [CLOCK_WORD]) : [new Float64Array(0)];
  const timeAfter = new Map<number, number>(list.map((s, i) => [s, clock[i]]));
  const before = (s: number) => (s <= 0 ? 0 : (timeAfter.get(s - 1) ?? 0));
  const after = (s: number) => timeAfter.get(s) ?? 0;

  // the capture numbers the plan's steps, which leave out `ask` ops (they take no step): plan step → scenario op
  const opOfPlanStep = captureSteps(original);
  const planStepOf = new Array<number>(original.steps.length).fill(-1);
  opOfPlanStep.forEach((op, k) => (planStepOf[op] = k));
  const capturedSteps = new Map(capture.steps.map((s) => [s.step, s]));
  const steps: CaptureStepRow[] = original.steps.map((st, i) => {
    const o = ops[i];
    const k = capturedSteps.get(planStepOf[i]);
    const m = pick(model.steps[i]);
    const r = pick(planStepOf[i] < 0 ? undefined : real.steps.get(planStepOf[i]));
    return {
      step: i,
      op: st.op,
      firstStep: o?.firstStep ?? -1,
      captured: !!k && !k.skipped,
      realStart: k?.start ?? 0,
      realEnd: k?.end ?? 0,
      modelStart: o && o.firstStep >= 0 ? before(o.firstStep) : 0,
      modelEnd: o && o.lastStep >= 0 ? after(o.lastStep) : 0,
      model: m,
      real: r,
      differs: COMPARED_COUNTERS.filter((c) => c.cls === 'exact' && m[c.name] !== r[c.name]).map((c) => c.name),
    };
  });

  const n = capture.records.length;
  const rec = {
    count: n,
    kinds: [...UM_KINDS],
    kind: new Uint8Array(n),
    start: new Float64Array(n),
    end: new Float64Array(n),
    region: new Int32Array(n),
    offset: new Float64Array(n),
    bytes: new Float64Array(n),
    step: new Int32Array(n),
  };
  const starts = capture.steps.map((s) => s.start);
  capture.records.forEach((r, i) => {
    rec.kind[i] = UM_KINDS.indexOf(r.kind);
    rec.start[i] = r.start;
    rec.end[i] = r.end ?? -1;
    rec.region[i] = r.region ?? -1;
    rec.offset[i] = r.offset ?? -1;
    rec.bytes[i] = r.bytes ?? -1;
    // the step whose [start, next start) holds the record, as the capture's summary assigns it
    let at = -1;
    for (let k = 0; k < starts.length && starts[k] <= r.start; k++) at = capture.steps[k].step;
    rec.step[i] = at < 0 ? -1 : (opOfPlanStep[at] ?? -1);
  });

  const c = copies.length;
  const modelCopies = { count: c, dir: new Uint8Array(c), start: new Float64Array(c), end: new Float64Array(c), bytes: new Float64Array(c), op: new Int32Array(c), modelStep: new Int32Array(c) };
  copies.forEach((x, i) => {
    modelCopies.dir[i] = x.dir;
    modelCopies.start[i] = before(x.step);
    modelCopies.end[i] = after(x.step);
    modelCopies.bytes[i] = x.bytes;
    modelCopies.op[i] = x.op;
    modelCopies.modelStep[i] = x.step;
  });

  const h = capture.header;
  return {
    fileName: captureName,
    scenario: h.scenario,
    source: h.source,
    date: h.date,
    machine: {
      gpu: h.machine.gpu,
      driverVersion: h.machine.driverVersion,
      cudaDriverVersion: h.machine.driverApiVersion,
      cudaRuntimeVersion: h.machine.cudaRuntimeVersion,
      memoryBytes: h.machine.memoryBytes,
      link: h.machine.link,
      pcie: h.machine.pcie,
      kernel: h.machine.kernel,
    },
    changes,
    counters,
    histograms,
    steps,
    records: rec,
    modelCopies,
    dropped: capture.end.dropped,
    ok: counters.every((r) => r.ok !== false),
  };
}
