/**
 * A run as Chrome trace-event JSON (the "JSON Array/Object Format" that chrome://tracing and Perfetto's UI open):
 * what happened over simulated time, one track per thing a reader wants to follow.
 *
 * Time. The clock is word 0 of the scalars heap; every `clock` transition carries the time before and after. An
 * event's timestamp is the clock when it was recorded. A costed event (copy, zero, TLB invalidate, replay) is followed
 * by the clock advance that pays for it, in the same step with nothing but counter writes between, and that advance
 * becomes its duration. A CPU fault lasts from its event to its `return` line (service and copies included); a GPU
 * fault batch from its fetch to the end of its replay; a scenario op from its opBegin to the next op's.
 * Timestamps are microseconds (the format's unit), exact to the nanosecond; `displayTimeUnit` is 'ns'.
 *
 * Tracks (pid 1, one tid each, named by thread_name metadata):
 *   scenario              the scenario's ops as slices named by op (gpu.kernel, cpu.read, note, …)
 *   <proc> faults         CPU: one slice per CPU fault; GPU: one slice per fault batch, an instant per fault entry
 *   <proc> driver         zeroing and TLB invalidates as slices; thrashing, throttle, eviction, prefetch hint and
 *                         remote map as instants
 *   copy HtoD/DtoH/DtoD   one slice per copy record, args: bytes, cause, block, first page, region page
 *   counter               `migrated bytes` {htod, dtoh, dtod}, cumulative
 *
 * Size. A run with more than `maxEvents` events (200,000 by default) is aggregated: page-level events are merged per
 * track into bins of simulated time, each bin one slice or instant whose `count` says how many it stands for, and
 * the trace's metadata says so. The export reads the transition log only (never the heaps), so the run's cursor
 * does not matter and is not moved.
 */

import { EVENT_HEAP } from '../core/store';
import { fnCpuFault } from '../uvm/code';
import { CLOCK_WORD } from '../uvm/counters';
import { ACCESS_NAMES, CAUSE_NAMES, K } from '../uvm/kinds';
import { PAGES_PER_BLOCK } from '../uvm/model';
import { ENGINE_VERSION } from '../version';
import type { Run } from './run';

export type TracePhase = 'X' | 'i' | 'C' | 'M';
export type TraceArgs = Record<string, string | number | boolean | Record<string, number>>;

export interface TraceEvent {
  name: string;
  ph: TracePhase;
  /** Microseconds of simulated time. */
  ts: number;
  /** 'X' only: microseconds. */
  dur?: number;
  pid: number;
  tid: number;
  cat?: string;
  /** 'i' only: the instant's scope ('t' = its thread's track). */
  s?: 't';
  args?: TraceArgs;
}

export interface TraceMetadata {
  generator: string;
  engine_version: string;
  scenario: string;
  source: string;
  sim_time_ns: number;
  steps: number;
  transitions: number;
  /** Event records (heap 0) in the run; more than `event_limit` makes the trace aggregated. */
  events: number;
  event_limit: number;
  aggregated: boolean;
  /** When aggregated: the width of a bin, in ns of simulated time, and what was merged. */
  bin_ns?: number;
  aggregation?: string;
  trace_events: number;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  metadata: TraceMetadata;
}

export interface TraceOptions {
  /** Runs with more events than this are aggregated (default 200,000). */
  maxEvents?: number;
  /** Bins per track when aggregating (default 5,000). */
  bins?: number;
}

export const TRACE_EVENT_LIMIT = 200_000;
export const TRACE_BINS = 5_000;

export const TRACE_PID = 1;
export const TID_SCENARIO = 1;
export const faultsTid = (proc: number): number => 100 + proc;
export const driverTid = (proc: number): number => 200 + proc;
export const COPY_DIRECTIONS = ['HtoD', 'DtoH', 'DtoD'] as const;
export const copyTid = (dir: number): number => 300 + dir;
export const BYTES_COUNTER = 'migrated bytes';

/** ns → µs, exact to the ns and printed without binary noise (682667 → 682.667). */
function us(ns: number): number {
  return Math.round(ns) / 1000;
}

interface SliceBin {
  bin: number;
  start: number;
  end: number;
  count: number;
  cat: string;
  /** The name every merged slice had, or null when they differed. */
  name: string | null;
  names: Record<string, number>;
  sums: Record<string, number>;
}

interface InstantBin {
  bin: number;
  ts: number;
  count: number;
  cat: string;
  sums: Record<string, number>;
}

interface CounterBin {
  bin: number;
  ts: number;
  values: Record<string, number>;
}

/** Numeric args that add up meaningfully when events are merged. */
const SUMMED = ['bytes', 'pages', 'entries', 'raw', 'instances'];

/** Collects trace events; when `binNs` > 0 it merges what it is given per track into bins of simulated time. */
class Sink {
  readonly events: TraceEvent[] = [];
  readonly used = new Set<number>();
  private readonly slices = new Map<number, SliceBin>();
  private readonly instants = new Map<string, InstantBin & { tid: number; name: string }>();
  private readonly counters = new Map<string, CounterBin>();

  constructor(readonly binNs: number) {}

  private binOf(ns: number): number {
    return Math.floor(ns / this.binNs);
  }

  /** A complete slice from `startNs` to `endNs`; `exact` keeps it out of the bins. */
  slice(tid: number, name: string, cat: string, startNs: number, endNs: number, args: TraceArgs, exact = false): void {
    this.used.add(tid);
    if (this.binNs === 0 || exact) {
      this.events.push({ name, cat, ph: 'X', ts: us(startNs), dur: Math.max(0, us(endNs) - us(startNs)), pid: TRACE_PID, tid, args });
      return;
    }
    const bin = this.binOf(startNs);
    let b = this.slices.get(tid);
    if (b && b.bin !== bin) {
      this.flushSlice(tid, b);
      b = undefined;
    }
    if (!b) {
      b = { bin, start: startNs, end: endNs, count: 0, cat, name, names: {}, sums: {} };
      this.slices.set(tid, b);
    }
    b.count++;
    b.end = Math.max(b.end, endNs);
    if (b.name !== name) b.name = null;
    b.names[name] = (b.names[name] ?? 0) + 1;
    addSums(b.sums, args);
  }

  instant(tid: number, name: string, cat: string, ns: number, args: TraceArgs): void {
    this.used.add(tid);
    if (this.binNs === 0) {
      this.events.push({ name, cat, ph: 'i', s: 't', ts: us(ns), pid: TRACE_PID, tid, args });
      return;
    }
    const key = `${tid}/${name}`;
    const bin = this.binOf(ns);
    let b = this.instants.get(key);
    if (b && b.bin !== bin) {
      this.flushInstant(b);
      b = undefined;
    }
    if (!b) {
      b = { bin, ts: ns, count: 0, cat, sums: {}, tid, name };
      this.instants.set(key, b);
    }
    b.count++;
    addSums(b.sums, args);
  }

  counter(name: string, ns: number, values: Record<string, number>): void {
    if (this.binNs === 0) {
      this.events.push({ name, ph: 'C', ts: us(ns), pid: TRACE_PID, tid: 0, args: { ...values } });
      return;
    }
    const bin = this.binOf(ns);
    const b = this.counters.get(name);
    if (b && b.bin !== bin) this.events.push({ name, ph: 'C', ts: us(b.ts), pid: TRACE_PID, tid: 0, args: b.values });
    if (!b || b.bin !== bin) this.counters.set(name, { bin, ts: ns, values: { ...values } });
    else {
      b.ts = ns;
      b.values = { ...values };
    }
  }

  private flushSlice(tid: number, b: SliceBin): void {
    const args: TraceArgs = { count: b.count, ...b.sums };
    if (b.name === null) args.names = b.names;
    this.events.push({ name: b.name ?? b.cat, cat: b.cat, ph: 'X', ts: us(b.start), dur: Math.max(0, us(b.end) - us(b.start)), pid: TRACE_PID, tid, args });
  }

  private flushInstant(b: InstantBin & { tid: number; name: string }): void {
    this.events.push({ name: b.name, cat: b.cat, ph: 'i', s: 't', ts: us(b.ts), pid: TRACE_PID, tid: b.tid, args: { count: b.count, ...b.sums } });
  }

  /** Flush every open bin and order the events by time (longer slices first at one time, so they enclose). */
  finish(): TraceEvent[] {
    for (const [tid, b] of this.slices) this.flushSlice(tid, b);
    for (const b of this.instants.values()) this.flushInstant(b);
    for (const [name, b] of this.counters) this.events.push({ name, ph: 'C', ts: us(b.ts), pid: TRACE_PID, tid: 0, args: b.values });
    this.slices.clear();
    this.instants.clear();
    this.counters.clear();
    // Array.prototype.sort is stable: events at one time keep their recorded order after the longer slices.
    return this.events.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  }
}

function addSums(sums: Record<string, number>, args: TraceArgs): void {
  for (const k of SUMMED) {
    const v = args[k];
    if (typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
  }
}

/** A slice whose end is the clock advance that follows it in the same step. */
interface Pending {
  step: number;
  emit(endNs: number): void;
}

/** The run as Chrome trace-event JSON; see the file comment for tracks, times and aggregation. */
export function toChromeTrace(run: Run, options: TraceOptions = {}): ChromeTrace {
  const { store, steps, m, scenario } = run.ctx;
  const limit = options.maxEvents ?? TRACE_EVENT_LIMIT;
  const total = store.length;

  // ---- pass 1: how many events, and how long the run is ----
  let events = 0;
  let endNs = 0;
  for (let t = 0; t < total; t++) {
    const heap = store.heapOf(t);
    if (heap === EVENT_HEAP) events++;
    else if (heap === m.hScalars && store.indexOf(t) === CLOCK_WORD) endNs = store.afterOf(t);
  }
  const aggregated = events > limit;
  const bins = Math.max(1, Math.floor(options.bins ?? TRACE_BINS));
  const binNs = aggregated ? Math.max(1, Math.ceil(endNs / bins)) : 0;
  const sink = new Sink(binNs);
  const binOps = aggregated && scenario.steps.length > bins;

  // ---- helpers ----
  const procName = (p: number) => m.gpuName(p);
  /** Region and region-relative page of a block's page, for args a reader can relate to the scenario. */
  const where = (block: number, page: number): TraceArgs => {
    const r = m.regions[m.blockRegion[block]];
    if (!r) return { block, first_page: page };
    return { region: r.name, page: (block - r.firstBlock) * PAGES_PER_BLOCK + page, block, block_page: page };
  };

  let now = 0;
  let pending: Pending | null = null;
  const settle = () => {
    if (pending) pending.emit(now);
    pending = null;
  };

  let cpuFault: { start: number; name: string; args: TraceArgs } | null = null;
  const closeCpuFault = () => {
    if (!cpuFault) return;
    sink.slice(faultsTid(0), cpuFault.name, 'cpu fault', cpuFault.start, now, cpuFault.args);
    cpuFault = null;
  };

  let batch: { gpu: number; start: number; args: TraceArgs } | null = null;
  const closeBatch = (end: number) => {
    if (!batch) return;
    sink.slice(faultsTid(batch.gpu), `fault batch ${batch.args.batch}`, 'fault batch', batch.start, end, batch.args);
    batch = null;
  };

  let op: { index: number; start: number; step: number } | null = null;
  const closeOp = () => {
    if (!op) return;
    const spec = scenario.steps[op.index];
    const args: TraceArgs = { index: op.index, line: spec?.loc.line ?? 0, first_step: op.step };
    if (spec) {
      if (spec.op === 'note') args.text = spec.text;
      else if (spec.op === 'bookmark') args.bookmark = spec.name;
      else if (spec.op === 'gpu.kernel') {
        args.gpu = procName(spec.gpu);
        args.regions = spec.accesses.map((a) => scenario.regions[a.region]?.name ?? a.region).join(', ');
        args.pages = spec.accesses.reduce((n, a) => n + a.pages.length, 0);
      } else if (spec.op === 'cpu.read' || spec.op === 'cpu.write') {
        args.region = scenario.regions[spec.access.region]?.name ?? spec.access.region;
        args.pages = spec.access.pages.length;
      } else if (spec.op === 'uvm.prefetch') {
        args.region = scenario.regions[spec.region]?.name ?? spec.region;
        args.to = procName(spec.to);
        args.bytes = spec.length;
      } else if (spec.op === 'uvm.advise') {
        args.region = scenario.regions[spec.region]?.name ?? spec.region;
        args.advice = spec.advice;
        if (spec.target !== null) args.target = procName(spec.target);
      }
    }
    sink.slice(TID_SCENARIO, spec?.op ?? `op ${op.index}`, 'scenario', op.start, now, args, !binOps);
    op = null;
  };

  const migrated = [0, 0, 0];
  let countersStarted = false;

  // ---- pass 2: walk the steps and their transitions in order ----
  const cpuFaultReturn = fnCpuFault.at.ret;
  for (let s = 0; s < steps.length; s++) {
    if (pending && pending.step !== s) settle();
    if (steps.lineOf(s) === cpuFaultReturn) closeCpuFault();
    const end = steps.endOf(s);
    for (let t = steps.startOf(s); t < end; t++) {
      const heap = store.heapOf(t);
      if (heap === m.hScalars) {
        if (store.indexOf(t) === CLOCK_WORD) {
          const after = store.afterOf(t);
          if (pending) {
            pending.emit(after);
            pending = null;
          }
          now = after;
        }
        continue; // counter writes between an event and its clock advance keep it pending
      }
      if (pending) settle();
      if (heap !== EVENT_HEAP) continue;
      const kind = store.kindOf(t);
      const obj = store.objOf(t);
      const idx = store.indexOf(t);
      const x = store.beforeOf(t);
      const y = store.afterOf(t);
      switch (kind) {
        case K.opBegin:
          closeCpuFault();
          closeBatch(now);
          closeOp();
          op = { index: obj, start: now, step: s };
          break;
        case K.cpuFault:
          closeCpuFault();
          cpuFault = { start: now, name: `cpu ${ACCESS_NAMES[x] ?? x} fault`, args: { ...where(obj, idx), access: ACCESS_NAMES[x] ?? x } };
          break;
        case K.faultBatch:
          closeBatch(now);
          batch = { gpu: obj, start: now, args: { batch: idx, raw: x, entries: y } };
          break;
        case K.gpuFault: {
          const access = ACCESS_NAMES[y & 0xff] ?? String(y & 0xff);
          sink.instant(faultsTid(x), `${access} fault`, 'gpu fault', now, { ...where(obj, idx), access, instances: y >>> 8 });
          break;
        }
        case K.replay:
          if (batch && batch.gpu === obj) pending = { step: s, emit: (e) => closeBatch(e) };
          break;
        case K.copy: {
          const src = x & 63;
          const dst = (x >>> 6) & 63;
          const cause = CAUSE_NAMES[x >>> 12] ?? String(x >>> 12);
          const dir = src === 0 ? 0 : dst === 0 ? 1 : 2;
          const start = now;
          const args: TraceArgs = { bytes: y, pages: y / 4096, cause, src: procName(src), dst: procName(dst), ...where(obj, idx) };
          pending = {
            step: s,
            emit: (e) => {
              sink.slice(copyTid(dir), `copy ${cause}`, 'copy', start, e, args);
              if (!countersStarted) {
                sink.counter(BYTES_COUNTER, 0, { htod: 0, dtoh: 0, dtod: 0 });
                countersStarted = true;
              }
              migrated[dir] += y;
              sink.counter(BYTES_COUNTER, e, { htod: migrated[0], dtoh: migrated[1], dtod: migrated[2] });
            },
          };
          break;
        }
        case K.zero: {
          const start = now;
          const args: TraceArgs = { bytes: y, ...where(obj, idx) };
          pending = { step: s, emit: (e) => sink.slice(driverTid(x), 'zero', 'driver', start, e, args) };
          break;
        }
        case K.tlbInvalidate: {
          const start = now;
          const args: TraceArgs = { membar_sys: x === 1 };
          pending = { step: s, emit: (e) => sink.slice(driverTid(obj), 'TLB invalidate', 'driver', start, e, args) };
          break;
        }
        case K.thrashingDetected:
          sink.instant(driverTid(x), 'thrashing', 'policy', now, where(obj, idx));
          break;
        case K.throttle:
          sink.instant(driverTid(x), 'throttle', 'policy', now, { ...where(obj, idx), until_us: us(y) });
          break;
        case K.evictChunk:
          sink.instant(driverTid(idx), 'eviction', 'eviction', now, { chunk: obj, block: x > 0 ? x - 1 : -1, pages: y });
          break;
        case K.prefetchHint:
          sink.instant(driverTid(x), 'prefetch hint', 'policy', now, { ...where(obj, idx), pages: y });
          break;
        case K.remoteMap:
          sink.instant(driverTid(x & 63), 'remote map', 'policy', now, { ...where(obj, idx), pages: y });
          break;
        default:
          break;
      }
    }
  }
  settle();
  closeCpuFault();
  closeBatch(now);
  closeOp();

  const body = sink.finish();
  const meta: TraceEvent[] = [{ name: 'process_name', ph: 'M', ts: 0, pid: TRACE_PID, tid: 0, args: { name: `UVMScope: ${scenario.name} (simulated time)` } }];
  const threadName = (tid: number): string => {
    if (tid === TID_SCENARIO) return 'scenario';
    if (tid >= 300) return `copy ${COPY_DIRECTIONS[tid - 300]}`;
    if (tid >= 200) return `${procName(tid - 200)} driver`;
    return `${procName(tid - 100)} faults`;
  };
  for (const tid of [...sink.used].sort((a, b) => a - b)) {
    meta.push({ name: 'thread_name', ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { name: threadName(tid) } });
    meta.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { sort_index: tid } });
  }
  const traceEvents = meta.concat(body);

  const metadata: TraceMetadata = {
    generator: 'uvmscope',
    engine_version: ENGINE_VERSION,
    scenario: scenario.name,
    source: scenario.source,
    sim_time_ns: Math.round(endNs),
    steps: steps.length,
    transitions: total,
    events,
    event_limit: limit,
    aggregated,
    trace_events: traceEvents.length,
  };
  if (aggregated) {
    metadata.bin_ns = binNs;
    metadata.aggregation =
      `the run has ${events} events, more than ${limit}: faults, copies, zeroing, TLB invalidates and policy instants ` +
      `are merged per track into bins of ${binNs} ns of simulated time (args.count says how many events each stands for)` +
      (binOps ? '; so are the scenario ops' : '');
  }
  return { traceEvents, displayTimeUnit: 'ns', metadata };
}
