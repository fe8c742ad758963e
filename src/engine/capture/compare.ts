/**
 * The model against a real capture of the same scenario, counter by counter (`uvmscope compare`).
 *
 * The model runs the scenario *as the capture ran it* (scenarioAsCaptured): on the real GPU's memory and link, with
 * the driver's prefetch and thrashing settings read from the capture's `uvm_params`, and with the steps the capture
 * could not run (notes, GAIA, HMM, gdrcopy, a second process) left out. A scenario that shrinks the GPU to show
 * eviction, or turns the prefetcher off, is thus compared with what the real driver did, not with a counterfactual
 * it never ran.
 *
 * Counters come in three classes:
 * - exact: what the driver decides deterministically from the access pattern (bytes moved each way, CPU faults,
 *   pages mapped remotely, bytes evicted). Two captures of one plan agree on them; the model must too.
 * - timing: what depends on how the GPU's warps interleave and on the clock (how many fault groups, how the
 *   prefetcher's bytes split between groups, transfer sizes of GPU-fault migrations, thrashing and throttling).
 *   Reported, checked only against a tolerance given on the command line.
 * - time: the model's simulated time against the capture's wall time of its steps (which includes the CPU's own
 *   work on the data and the kernels' compute, neither modelled). Reported, never checked.
 */
import { execute } from '../run/execute';
import type { Run } from '../run/run';
import { LINK_PRESETS, DEFAULT_POLICY, DEFAULT_FAULT_WINDOW_PAGES } from '../scenario/defaults';
import type { Scenario, StepSpec } from '../scenario/types';
import { Cause, copyCause, copyDirection, K } from '../uvm/kinds';
import { summarizeCapture, type CaptureCounters } from './summary';
import { captureSteps } from './plan';
import { batchCostEstimate, COPY_DIRECTIONS, lineNs, type ServiceSample } from './fit';
import type { Capture, CaptureHeader } from './types';

const CHUNK = 2 * 1024 * 1024;
/** tools/uvm-capture/uvm_capture.cu Runner::run: `touchPages<<<blocks, 256>>>`. */
export const CAPTURE_THREADS_PER_BLOCK = 256;

export type CounterClass = 'exact' | 'timing' | 'time';

/** A scalar counter both sides have, in the same unit. */
export const COMPARED_COUNTERS = [
  { name: 'htod_bytes', cls: 'exact' },
  { name: 'dtoh_bytes', cls: 'exact' },
  { name: 'dtod_bytes', cls: 'exact' },
  { name: 'cpu_faults', cls: 'exact' },
  { name: 'remote_maps', cls: 'exact' },
  { name: 'eviction_bytes', cls: 'exact' },
  { name: 'prefetch_bytes', cls: 'timing' },
  { name: 'gpu_fault_groups', cls: 'timing' },
  { name: 'thrashing', cls: 'timing' },
  { name: 'throttling', cls: 'timing' },
  { name: 'time_ns', cls: 'time' },
] as const satisfies readonly { name: string; cls: CounterClass }[];

export type ComparedCounter = (typeof COMPARED_COUNTERS)[number]['name'];

/** Transfer-size histograms, compared by the share of bytes moved in copies of a size the other side did not use. */
export const COMPARED_HISTOGRAMS = ['htod_transfers', 'dtoh_transfers', 'dtod_transfers'] as const;
export type ComparedHistogram = (typeof COMPARED_HISTOGRAMS)[number];

/** A tolerance: an absolute difference, or a fraction of the real value (for histograms: of the bytes). */
export type Tolerance = { abs: number } | { rel: number };

export type Counters = Record<ComparedCounter, number> & Record<ComparedHistogram, Record<string, number>>;

export interface CounterRow {
  name: ComparedCounter;
  cls: CounterClass;
  model: number;
  real: number;
  /** model − real. */
  diff: number;
  /** |diff| / real (null when real is 0 and model is not). */
  rel: number | null;
  tolerance: Tolerance | null;
  /** null when not checked. */
  ok: boolean | null;
}

export interface HistogramRow {
  name: ComparedHistogram;
  /** Every size either side used, ascending: [bytes, model count, real count]. */
  sizes: Array<[number, number, number]>;
  /** Half the L1 distance between the two byte-share distributions: 0 same shape, 1 no size in common. */
  distance: number;
  tolerance: Tolerance | null;
  ok: boolean | null;
}

export interface StepDifference {
  step: number;
  op: string;
  counter: ComparedCounter;
  model: number;
  real: number;
}

export interface Comparison {
  scenario: string;
  /** What running the scenario as captured changed, one line each. */
  changes: string[];
  counters: CounterRow[];
  histograms: HistogramRow[];
  /** For each exact counter that disagrees, the first scenario step where its per-step values differ. */
  firstDifferences: StepDifference[];
  ok: boolean;
}

/** The scenario as the real machine ran it (see the file comment); `changes` says what differs from the file. */
export function scenarioAsCaptured(s: Scenario, h: CaptureHeader): { scenario: Scenario; changes: string[] } {
  const changes: string[] = [];
  const params = h.machine.uvmParams;
  const prefetch = params.uvm_perf_prefetch_enable === '0' ? 'off' : 'density';
  const threshold = Number(params.uvm_perf_prefetch_threshold ?? DEFAULT_POLICY.prefetchThreshold);
  const thrashing = params.uvm_perf_thrashing_enable !== '0';
  const policy = { ...s.policy, prefetch, prefetchThreshold: Number.isFinite(threshold) ? threshold : DEFAULT_POLICY.prefetchThreshold, thrashing, gdrSharedMapping: false, uvmSharedMapping: false } as Scenario['policy'];
  if (s.policy.prefetch !== policy.prefetch) changes.push(`policy.prefetch ${s.policy.prefetch} → ${policy.prefetch} (uvm_perf_prefetch_enable=${params.uvm_perf_prefetch_enable ?? '?'})`);
  if (s.policy.prefetchThreshold !== policy.prefetchThreshold) changes.push(`policy.prefetchThreshold ${s.policy.prefetchThreshold} → ${policy.prefetchThreshold}`);
  if (s.policy.thrashing !== policy.thrashing) changes.push(`policy.thrashing ${s.policy.thrashing ? 'on' : 'off'} → ${policy.thrashing ? 'on' : 'off'}`);
  if (s.policy.uvmSharedMapping) changes.push('policy.uvmSharedMapping on → off (the real driver gives each open its own address_space)');
  if (s.policy.gdrSharedMapping) changes.push('policy.gdrSharedMapping on → off');

  // each GPU the capture ran on (the header's `gpus`, by CUDA ordinal = the scenario's GPU order) gives its memory
  const gpus = s.machine.gpus.map((g, i) => {
    const real = h.gpus[i];
    if (!real) return g;
    // (a 1.0 capture's one GPU is read from its machine line: parse.ts gpuOfMachine)
    const memory = Math.floor(real.memoryBytes / CHUNK) * CHUNK;
    if (g.memory !== memory) changes.push(`machine.gpus[${i}].memory ${g.memory} → ${memory} (the capture's GPU${i === 0 ? '' : ` ${i}`})`);
    if (g.faultWindowPages !== DEFAULT_FAULT_WINDOW_PAGES) changes.push(`machine.gpus[${i}].faultWindowPages ${g.faultWindowPages} → ${DEFAULT_FAULT_WINDOW_PAGES}`);
    return { ...g, memory, faultWindowPages: DEFAULT_FAULT_WINDOW_PAGES };
  });
  // the model's GPUs are peers (docs/model.md, "Two GPUs"): say so when the capture's were not
  for (const p of h.peers) {
    if (!p.enabled) {
      changes.push(
        `peer access gpu${p.from} → gpu${p.to} was ${p.canAccessPeer ? `not enabled (${p.error ?? 'refused'})` : 'not possible (cudaDeviceCanAccessPeer 0)'} on the capture's machine; the model's GPUs are peers, so where it copies device to device the driver staged through the CPU (device to host, then host to device)`,
      );
    }
  }
  const linkKind = h.machine.link === 'nvlink-c2c' ? 'nvlink-c2c' : h.machine.pcie.trim().startsWith('4') ? 'pcie4' : 'pcie5';
  const link = s.machine.link.kind === linkKind ? s.machine.link : LINK_PRESETS[linkKind];
  if (link !== s.machine.link) changes.push(`machine.link ${s.machine.link.kind} → ${linkKind} (the capture's link)`);

  // tools/uvm-capture launches every kernel as touchPages<<<ceil(n / 256), 256>>>: one thread per page touch
  // (unless it ran them as a grid-stride loop, `--grid-stride`: the model's fault window stands for that shape)
  const stride = /--grid-stride (\d+) (\d+)/.exec(h.command);
  const launch = stride
    ? undefined
    : { threadsPerBlock: CAPTURE_THREADS_PER_BLOCK, multiprocessors: h.machine.multiprocessors > 0 ? h.machine.multiprocessors : 132, threadsPerMultiprocessor: 2048 };
  if (s.steps.some((st) => st.op === 'gpu.kernel')) {
    changes.push(
      launch
        ? `gpu.kernel launched as the capture tool does: one thread per page, ${CAPTURE_THREADS_PER_BLOCK} a block, on ${launch.multiprocessors} SMs`
        : `gpu.kernel as the capture ran it, a grid-stride loop of ${stride![1]} × ${stride![2]} threads: the fault window of ${DEFAULT_FAULT_WINDOW_PAGES} pages`,
    );
  }
  const planned = captureSteps(s);
  const skipped = new Map(h.skipped.filter((k) => k.step < planned.length).map((k) => [planned[k.step], k]));
  let dropped = 0;
  const steps: StepSpec[] = s.steps.map((step, i) => {
    const k = skipped.get(i);
    if (k && step.op !== 'note' && step.op !== 'bookmark') {
      dropped++;
      return { op: 'note', text: `not run by the capture: ${k.why}`, loc: step.loc };
    }
    if (step.op === 'gpu.kernel') return launch ? { ...step, faultWindowPages: DEFAULT_FAULT_WINDOW_PAGES, launch } : { ...step, faultWindowPages: DEFAULT_FAULT_WINDOW_PAGES };
    return step;
  });
  if (dropped > 0) changes.push(`${dropped} step${dropped === 1 ? '' : 's'} the capture could not run left out (${[...skipped.values()].filter((k) => k.op !== 'note' && k.op !== 'bookmark').map((k) => `${k.step} ${k.op}`).join(', ')})`);
  if (s.steps.some((st) => st.op === 'gpu.kernel' && st.faultWindowPages !== DEFAULT_FAULT_WINDOW_PAGES)) changes.push(`gpu.kernel faultWindowPages → ${DEFAULT_FAULT_WINDOW_PAGES}`);
  return { scenario: { ...s, policy, machine: { ...s.machine, gpus, link }, steps }, changes };
}

/** The model's counters per scenario step, in the capture's units (summary.ts), and their total. */
export function modelCounters(run: Run): { total: Counters; steps: Counters[] } {
  const ops = run.scenario.steps.length;
  const steps = Array.from({ length: ops }, () => emptyModel());
  const store = run.ctx.store;
  // copies, by the op their step belongs to
  for (let s = 0; s < run.stepCount; s++) {
    const op = run.opOf(s);
    const [a, b] = run.transitionRange(s);
    for (let t = a; t < b; t++) {
      const kind = store.kindOf(t);
      if (kind === K.copy) {
        const x = store.beforeOf(t);
        const cause = copyCause(x);
        const bytes = store.afterOf(t);
        const c = steps[op];
        const dir = copyDirection(x);
        c[`${dir}_bytes`] += bytes;
        const hist = c[`${dir}_transfers`];
        hist[String(bytes)] = (hist[String(bytes)] ?? 0) + 1;
        if (cause === Cause.prefetch) c.prefetch_bytes += bytes;
        if (cause === Cause.eviction) c.eviction_bytes += bytes;
      }
    }
  }
  // the running counters, differenced at the last step of each op
  const lastStep = new Array<number>(ops).fill(-1);
  for (let s = 0; s < run.stepCount; s++) lastStep[run.opOf(s)] = s;
  const cursor = run.cursor;
  let prev = { cpu_faults: 0, remote_maps: 0, gpu_fault_batches: 0, thrashing: 0, throttling: 0, time: 0 };
  for (let op = 0; op < ops; op++) {
    if (lastStep[op] < 0) continue;
    run.seek(lastStep[op]);
    const c = run.counters();
    const now = { cpu_faults: c.cpu_faults, remote_maps: c.remote_maps, gpu_fault_batches: c.gpu_fault_batches, thrashing: c.thrashing, throttling: c.throttling, time: run.simTimeNs() };
    const m = steps[op];
    m.cpu_faults = now.cpu_faults - prev.cpu_faults;
    m.remote_maps = now.remote_maps - prev.remote_maps;
    m.gpu_fault_groups = now.gpu_fault_batches - prev.gpu_fault_batches;
    m.thrashing = now.thrashing - prev.thrashing;
    m.throttling = now.throttling - prev.throttling;
    m.time_ns = Math.round(now.time - prev.time);
    prev = now;
  }
  run.seek(cursor);
  const total = emptyModel();
  for (const c of steps) addInto(total, c);
  return { total, steps };
}

/**
 * The model's GPU-fault work by batches: for each batch (a `faultBatch` event), the distinct va_blocks its faults fell
 * in (service_fault_batch takes each block's lock once), its fault entries after coalescing (the `gpuFault` events) and
 * the raw entries it fetched (the event's count, duplicates included). scripts/refit-costs.ts fits a cost per batch,
 * per va_block and per entry with them.
 */
export function faultWork(run: Run): { batches: number; blocks: number; entries: number; raw: number } {
  const store = run.ctx.store;
  let batches = 0;
  let total = 0;
  let entries = 0;
  let raw = 0;
  let blocks = new Set<number>();
  for (let t = 0; t < store.length; t++) {
    const kind = store.kindOf(t);
    if (kind === K.faultBatch) {
      total += blocks.size;
      blocks = new Set();
      batches++;
      raw += store.beforeOf(t);
    } else if (kind === K.gpuFault) {
      blocks.add(store.objOf(t));
      entries++;
    }
  }
  return { batches, blocks: total + blocks.size, entries, raw };
}

/** The model's (batch, va_block) services: faultWork's `blocks`. */
export function blockServices(run: Run): number {
  return faultWork(run).blocks;
}

/**
 * One capture's sample for fitServiceCost (capture/fit.ts): the model run as captured with every GPU-fault batch cost
 * (`faultBatchNs`, `faultGridBatchNs`, `faultGridBlockNs`) 0, its
 * kernels' simulated time less their copies on the link's lines (`modelNs`: the TLB invalidates, maps and unmaps it
 * charges per block), its batches, va_block services and fault entries, and the capture's GPU-fault service time (`restNs`: the time
 * some fault group was open, less the copies in it).
 */
export function serviceSample(name: string, s: Scenario, capture: Capture): ServiceSample {
  const asCaptured = scenarioAsCaptured(s, capture.header).scenario;
  const free = execute({ ...asCaptured, machine: { ...asCaptured.machine, costs: { ...asCaptured.machine.costs, faultBatchNs: 0, faultGridBatchNs: 0, faultGridBlockNs: 0 } } }, {});
  free.seek(free.stepCount - 1);
  const counts = modelCounters(free);
  let modelNs = 0;
  counts.steps.forEach((c, i) => {
    if (asCaptured.steps[i].op !== 'gpu.kernel') return;
    modelNs += c.time_ns;
    for (const d of COPY_DIRECTIONS) for (const [b, n] of Object.entries(c[`${d}_transfers`])) modelNs -= n * lineNs(asCaptured.machine.link[d], Number(b));
  });
  const batches = counts.total.gpu_fault_groups;
  const estimate = batchCostEstimate(capture, batches);
  const work = faultWork(free);
  return { name, restNs: estimate.groupNs - estimate.copyNs, modelNs, batches, blocks: work.blocks, entries: work.entries, raw: work.raw };
}

/** The capture's counters in the comparison's terms. */
export function realCounters(capture: Capture): { total: Counters; steps: Map<number, Counters> } {
  const summary = summarizeCapture(capture);
  const steps = new Map<number, Counters>();
  for (const s of summary.steps) steps.set(s.step, fromCapture(s.counters, s.duration_ns, capture, s.step));
  return { total: fromCapture(summary.counters, summary.duration_ns, capture, null), steps };
}

function fromCapture(c: CaptureCounters, durationNs: number, capture: Capture, step: number | null): Counters {
  let evictionBytes = 0;
  for (const r of capture.records) {
    if ((r.kind === 'dtoh' || r.kind === 'dtod') && r.cause === 'eviction' && (step === null || stepOfRecord(capture, r.start) === step)) evictionBytes += r.bytes ?? 0;
  }
  return {
    htod_bytes: c.htod_bytes,
    dtoh_bytes: c.dtoh_bytes,
    dtod_bytes: c.dtod_bytes,
    cpu_faults: c.cpu_faults,
    remote_maps: c.remote_maps,
    eviction_bytes: evictionBytes,
    prefetch_bytes: c.prefetch_bytes,
    gpu_fault_groups: c.gpu_fault_batches,
    thrashing: c.thrashing,
    throttling: c.throttling,
    time_ns: durationNs,
    htod_transfers: { ...c.htod_transfers },
    dtoh_transfers: { ...c.dtoh_transfers },
    dtod_transfers: { ...c.dtod_transfers },
  };
}

/** The step whose [start, next start) holds t, as summary.ts assigns records. */
function stepOfRecord(capture: Capture, t: number): number | null {
  let at: number | null = null;
  for (const s of capture.steps) {
    if (s.start <= t) at = s.step;
    else break;
  }
  return at;
}

function emptyModel(): Counters {
  const out = {} as Counters;
  for (const c of COMPARED_COUNTERS) out[c.name] = 0;
  for (const h of COMPARED_HISTOGRAMS) out[h] = {};
  return out;
}

function addInto(into: Counters, c: Counters): void {
  for (const k of COMPARED_COUNTERS) into[k.name] += c[k.name];
  for (const h of COMPARED_HISTOGRAMS) for (const [size, n] of Object.entries(c[h])) into[h][size] = (into[h][size] ?? 0) + n;
}

/** Half the L1 distance between the byte shares of two size → count histograms. */
export function histogramDistance(a: Record<string, number>, b: Record<string, number>): number {
  const bytes = (h: Record<string, number>) => Object.entries(h).reduce((n, [s, c]) => n + Number(s) * c, 0);
  const ta = bytes(a);
  const tb = bytes(b);
  if (ta === 0 && tb === 0) return 0;
  if (ta === 0 || tb === 0) return 1;
  let d = 0;
  for (const size of new Set([...Object.keys(a), ...Object.keys(b)])) d += Math.abs((Number(size) * (a[size] ?? 0)) / ta - (Number(size) * (b[size] ?? 0)) / tb);
  return d / 2;
}

function within(diff: number, real: number, t: Tolerance): boolean {
  return 'abs' in t ? Math.abs(diff) <= t.abs : Math.abs(diff) <= t.rel * Math.abs(real);
}

/**
 * Compares a scenario's model run (as captured) with the capture. `tolerances` names counters and histograms to
 * check; exact counters are checked with tolerance 0 unless given another.
 */
export function compareWithCapture(s: Scenario, capture: Capture, tolerances: ReadonlyMap<string, Tolerance> = new Map()): Comparison {
  const { scenario, changes } = scenarioAsCaptured(s, capture.header);
  const run = execute(scenario, {});
  run.seek(run.stepCount - 1);
  return compareCounters(s, changes, modelCounters(run), realCounters(capture), tolerances);
}

/**
 * The comparison of counters already gathered (modelCounters of a run as captured, realCounters of the capture): what
 * compareWithCapture does after running the model, for a caller that holds the run already (the app's host).
 */
export function compareCounters(
  s: Scenario,
  changes: string[],
  model: { total: Counters; steps: Counters[] },
  real: { total: Counters; steps: ReadonlyMap<number, Counters> },
  tolerances: ReadonlyMap<string, Tolerance> = new Map(),
): Comparison {
  const counters: CounterRow[] = COMPARED_COUNTERS.map(({ name, cls }) => {
    const m = model.total[name];
    const r = real.total[name];
    const diff = m - r;
    const tolerance = tolerances.get(name) ?? (cls === 'exact' ? { abs: 0 } : null);
    return { name, cls, model: m, real: r, diff, rel: r !== 0 ? Math.abs(diff) / Math.abs(r) : diff === 0 ? 0 : null, tolerance, ok: tolerance ? within(diff, r, tolerance) : null };
  });
  const histograms: HistogramRow[] = COMPARED_HISTOGRAMS.map((name) => {
    const m = model.total[name];
    const r = real.total[name];
    const sizes = [...new Set([...Object.keys(m), ...Object.keys(r)])].map(Number).sort((x, y) => x - y);
    const distance = histogramDistance(m, r);
    const tolerance = tolerances.get(name) ?? null;
    const ok = tolerance ? distance <= ('rel' in tolerance ? tolerance.rel : tolerance.abs) : null;
    return { name, sizes: sizes.map((b) => [b, m[String(b)] ?? 0, r[String(b)] ?? 0] as [number, number, number]), distance, tolerance, ok };
  });
  // the capture numbers the plan's steps, which leave out `ask` ops (plan.ts captureSteps)
  const captureStep = new Array<number>(s.steps.length).fill(-1);
  captureSteps(s).forEach((at, k) => (captureStep[at] = k));
  const firstDifferences: StepDifference[] = [];
  for (const row of counters) {
    if (row.ok !== false || row.cls !== 'exact') continue;
    for (let i = 0; i < model.steps.length; i++) {
      const m = model.steps[i][row.name];
      const r = real.steps.get(captureStep[i])?.[row.name] ?? 0;
      if (m !== r) {
        firstDifferences.push({ step: i, op: s.steps[i].op, counter: row.name, model: m, real: r });
        break;
      }
    }
  }
  const ok = counters.every((c) => c.ok !== false) && histograms.every((h) => h.ok !== false);
  return { scenario: s.name, changes, counters, histograms, firstDifferences, ok };
}
