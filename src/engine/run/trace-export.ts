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
import { ACCESS_NAMES, CAUSE_NAMES, copyCause, copyDst, copySrc, K } from '../uvm/kinds';
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

/** The µs between two times in ns, rounded as `us` rounds each end, so ts + dur lands on the end's ts. */
function usBetween(startNs: number, endNs: number): number {
  return Math.max(0, Math.round(endNs) - Math.round(startNs)) / 1000;
}

/** What merged events add up to: the numbers a reader sums (bytes moved, pages, fault entries, fault instances). */
interface Sums {
  bytes: number;
  pages: number;
  entries: number;
  instances: number;
}

const SUM_KEYS = ['bytes', 'pages', 'entries', 'instances'] as const;

interface Bin extends Sums {
  bin: number;
  seq: number;
  tid: number;
  start: number;
  end: number;
  count: number;
  cat: string;
  /** The name every merged event had, or null when they differed (slices only). */
  name: string | null;
  names: Record<string, number>;
}

interface CounterBin {
  bin: number;
  seq: number;
  ts: number;
  values: Record<string, number>;
}

/**
 * Collects trace events; when `binNs` > 0 it merges what it is given per track into bins of simulated time. Each
 * event carries `seq`, the index of the transition that started it, so that events at one time keep the order in
 * which they began (an enclosing slice before what it encloses, a zero-length op before the next op). When merging,
 * callers pass no args (null), only the numbers to add up.
 */
class Sink {
  private readonly events: { ev: TraceEvent; seq: number }[] = [];
  readonly used = new Set<number>();
  /** Open slice bins by track; open instant bins by track and instant key. */
  private readonly slices = new Map<number, Bin>();
  private readonly instants = new Map<number, Bin>();
  private readonly counters = new Map<string, CounterBin>();

  constructor(readonly binNs: number) {}

  get merging(): boolean {
    return this.binNs > 0;
  }

  /** A complete slice from `startNs` to `endNs`; `exact` keeps it out of the bins. */
  slice(seq: number, tid: number, name: string, cat: string, startNs: number, endNs: number, args: TraceArgs | null, bytes = 0, pages = 0, entries = 0): void {
    this.used.add(tid);
    if (this.binNs === 0 || args !== null) {
      this.push(seq, { name, cat, ph: 'X', ts: us(startNs), dur: usBetween(startNs, endNs), pid: TRACE_PID, tid, args: args ?? {} });
      return;
    }
    const bin = Math.floor(startNs / this.binNs);
    let b = this.slices.get(tid);
    if (b && b.bin !== bin) {
      this.flushSlice(b);
      b = undefined;
    }
    if (!b) {
      b = newBin(bin, seq, tid, startNs, cat, name);
      this.slices.set(tid, b);
    }
    b.count++;
    if (endNs > b.end) b.end = endNs;
    if (b.name !== name) b.name = null;
    b.names[name] = (b.names[name] ?? 0) + 1;
    b.bytes += bytes;
    b.pages += pages;
    b.entries += entries;
  }

  /** An instant; `key` tells merged instants apart within a track (one per name). */
  instant(seq: number, tid: number, key: number, name: string, cat: string, ns: number, args: TraceArgs | null, pages = 0, instances = 0): void {
    this.used.add(tid);
    if (this.binNs === 0 || args !== null) {
      this.push(seq, { name, cat, ph: 'i', s: 't', ts: us(ns), pid: TRACE_PID, tid, args: args ?? {} });
      return;
    }
    const bin = Math.floor(ns / this.binNs);
    const k = tid * 4096 + key;
    let b = this.instants.get(k);
    if (b && b.bin !== bin) {
      this.flushInstant(b);
      b = undefined;
    }
    if (!b) {
      b = newBin(bin, seq, tid, ns, cat, name);
      this.instants.set(k, b);
    }
    b.count++;
    b.pages += pages;
    b.instances += instances;
  }

  counter(seq: number, name: string, ns: number, values: Record<string, number>): void {
    if (this.binNs === 0) {
      this.push(seq, { name, ph: 'C', ts: us(ns), pid: TRACE_PID, tid: 0, args: { ...values } });
      return;
    }
    // one sample per bin: the last value in it, at its time
    const bin = Math.floor(ns / this.binNs);
    const b = this.counters.get(name);
    if (b && b.bin !== bin) this.flushCounter(name, b);
    if (!b || b.bin !== bin) this.counters.set(name, { bin, seq, ts: ns, values: { ...values } });
    else {
      b.seq = seq;
      b.ts = ns;
      b.values = { ...values };
    }
  }

  private push(seq: number, ev: TraceEvent): void {
    this.events.push({ ev, seq });
  }

  private flushCounter(name: string, b: CounterBin): void {
    this.push(b.seq, { name, ph: 'C', ts: us(b.ts), pid: TRACE_PID, tid: 0, args: b.values });
  }

  private flushSlice(b: Bin): void {
    const args = binArgs(b);
    if (b.name === null) args.names = b.names;
    this.push(b.seq, { name: b.name ?? b.cat, cat: b.cat, ph: 'X', ts: us(b.start), dur: usBetween(b.start, b.end), pid: TRACE_PID, tid: b.tid, args });
  }

  private flushInstant(b: Bin): void {
    this.push(b.seq, { name: b.name ?? b.cat, cat: b.cat, ph: 'i', s: 't', ts: us(b.start), pid: TRACE_PID, tid: b.tid, args: binArgs(b) });
  }

  /** Flush every open bin and order the events by time, then by the order in which they began. */
  finish(): TraceEvent[] {
    for (const b of this.slices.values()) this.flushSlice(b);
    for (const b of this.instants.values()) this.flushInstant(b);
    for (const [name, b] of this.counters) this.flushCounter(name, b);
    this.slices.clear();
    this.instants.clear();
    this.counters.clear();
    return this.events.sort((a, b) => a.ev.ts - b.ev.ts || a.seq - b.seq).map((e) => e.ev);
  }
}

function newBin(bin: number, seq: number, tid: number, start: number, cat: string, name: string): Bin {
  return { bin, seq, tid, start, end: start, count: 0, cat, name, names: {}, bytes: 0, pages: 0, entries: 0, instances: 0 };
}

function binArgs(b: Bin): TraceArgs {
  const args: TraceArgs = { count: b.count };
  for (const k of SUM_KEYS) if (b[k] !== 0) args[k] = b[k];
  return args;
}

/** The run as Chrome trace-event JSON; see the file comment for tracks, times and aggregation. */
export function toChromeTrace(run: Run, options: TraceOptions = {}): ChromeTrace {
  const { store, steps, m, scenario } = run.ctx;
  const limit = options.maxEvents ?? TRACE_EVENT_LIMIT;
  const total = store.length;
  const hScalars = m.hScalars;

  // ---- pass 1: how many events, and how long the run is ----
  let events = 0;
  let endNs = 0;
  for (let t = 0; t < total; t++) {
    const heap = store.heapOf(t);
    if (heap === EVENT_HEAP) events++;
    else if (heap === hScalars && store.indexOf(t) === CLOCK_WORD) endNs = store.afterOf(t);
  }
  const aggregated = events > limit;
  const bins = Math.max(1, Math.floor(options.bins ?? TRACE_BINS));
  const binNs = aggregated ? Math.max(1, Math.ceil(endNs / bins)) : 0;
  const sink = new Sink(binNs);
  const merging = sink.merging;
  const binOps = aggregated && scenario.steps.length > bins;

  // ---- helpers ----
  const procName = (p: number) => m.gpuName(p);
  const regionName = (r: number) => scenario.regions[r]?.name ?? String(r);
  /** Region and region-relative page of a block's page, for args a reader can relate to the scenario. */
  const where = (block: number, page: number, into: TraceArgs): TraceArgs => {
    const r = m.regions[m.blockRegion[block]];
    if (r) {
      into.region = r.name;
      into.page = (block - r.firstBlock) * PAGES_PER_BLOCK + page;
    }
    into.block = block;
    into.block_page = page;
    return into;
  };

  let now = 0;

  // A costed event waiting for its clock advance: its raw columns, kept in plain variables (no allocation per event).
  let pKind = 0;
  let pStep = 0;
  let pSeq = 0;
  let pStart = 0;
  let pObj = 0;
  let pIdx = 0;
  let pX = 0;
  let pY = 0;
  const migrated = [0, 0, 0];
  let countersStarted = false;

  let cpuFault: { seq: number; start: number; name: string; args: TraceArgs | null } | null = null;
  const closeCpuFault = () => {
    if (!cpuFault) return;
    sink.slice(cpuFault.seq, faultsTid(0), cpuFault.name, 'cpu fault', cpuFault.start, now, cpuFault.args);
    cpuFault = null;
  };

  let batch: { seq: number; gpu: number; start: number; raw: number; entries: number; id: number } | null = null;
  const closeBatch = (end: number) => {
    if (!batch) return;
    const b = batch;
    sink.slice(b.seq, faultsTid(b.gpu), 'fault batch', 'fault batch', b.start, end, merging ? null : { batch: b.id, raw: b.raw, entries: b.entries }, 0, 0, b.entries);
    batch = null;
  };

  /** The pending costed event ends at `end`. */
  const settle = (end: number) => {
    const kind = pKind;
    if (kind === 0) return;
    pKind = 0;
    if (kind === K.copy) {
      const src = copySrc(pX);
      const dst = copyDst(pX);
      const cause = CAUSE_NAMES[copyCause(pX)] ?? String(copyCause(pX));
      const dir = src === 0 ? 0 : dst === 0 ? 1 : 2;
      const pages = pY / 4096;
      const args = merging ? null : where(pObj, pIdx, { bytes: pY, pages, cause, src: procName(src), dst: procName(dst) });
      sink.slice(pSeq, copyTid(dir), `copy ${cause}`, 'copy', pStart, end, args, pY, pages);
      if (!countersStarted) {
        sink.counter(-1, BYTES_COUNTER, 0, { htod: 0, dtoh: 0, dtod: 0 });
        countersStarted = true;
      }
      migrated[dir] += pY;
      sink.counter(pSeq, BYTES_COUNTER, end, { htod: migrated[0], dtoh: migrated[1], dtod: migrated[2] });
    } else if (kind === K.zero) {
      sink.slice(pSeq, driverTid(pX), 'zero', 'driver', pStart, end, merging ? null : where(pObj, pIdx, { bytes: pY }), pY, pY / 4096);
    } else if (kind === K.tlbInvalidate) {
      sink.slice(pSeq, driverTid(pObj), 'TLB invalidate', 'driver', pStart, end, merging ? null : { membar_sys: pX === 1 });
    } else if (kind === K.replay) {
      closeBatch(end);
    }
  };

  let op: { seq: number; index: number; start: number; step: number } | null = null;
  const closeOp = () => {
    if (!op) return;
    const spec = scenario.steps[op.index];
    const args: TraceArgs = { index: op.index, line: spec?.loc.line ?? 0, first_step: op.step };
    if (spec) {
      if (spec.op === 'note') args.text = spec.text;
      else if (spec.op === 'bookmark') args.bookmark = spec.name;
      else if (spec.op === 'gpu.kernel') {
        args.gpu = procName(spec.gpu);
        args.regions = spec.accesses.map((a) => regionName(a.region)).join(', ');
        args.pages = spec.accesses.reduce((n, a) => n + a.pages.length, 0);
      } else if (spec.op === 'cpu.read' || spec.op === 'cpu.write') {
        args.region = regionName(spec.access.region);
        args.pages = spec.access.pages.length;
      } else if (spec.op === 'uvm.prefetch') {
        args.region = regionName(spec.region);
        args.to = procName(spec.to);
        args.bytes = spec.length;
      } else if (spec.op === 'uvm.advise') {
        args.region = regionName(spec.region);
        args.advice = spec.advice;
        if (spec.target !== null) args.target = procName(spec.target);
      }
    }
    sink.slice(op.seq, TID_SCENARIO, spec?.op ?? `op ${op.index}`, 'scenario', op.start, now, binOps ? null : args);
    op = null;
  };

  // ---- pass 2: walk the steps and their transitions in order ----
  const cpuFaultReturn = fnCpuFault.at.ret;
  for (let s = 0; s < steps.length; s++) {
    // a cost is paid in the step of its event: a new step means it was free
    if (pKind !== 0 && pStep !== s) settle(now);
    const end = steps.endOf(s);
    for (let t = steps.startOf(s); t < end; t++) {
      const heap = store.heapOf(t);
      if (heap === hScalars) {
        if (store.indexOf(t) === CLOCK_WORD) {
          const after = store.afterOf(t);
          if (pKind !== 0) settle(after);
          now = after;
        }
        continue; // counter writes between an event and its clock advance keep it pending
      }
      if (pKind !== 0) settle(now);
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
          op = { seq: t, index: obj, start: now, step: s };
          break;
        case K.cpuFault: {
          closeCpuFault();
          const access = ACCESS_NAMES[x] ?? String(x);
          cpuFault = { seq: t, start: now, name: `cpu ${access} fault`, args: merging ? null : where(obj, idx, { access }) };
          break;
        }
        case K.faultBatch:
          closeBatch(now);
          batch = { seq: t, gpu: obj, start: now, id: idx, raw: x, entries: y };
          break;
        case K.gpuFault: {
          const a = y & 0xff;
          const access = ACCESS_NAMES[a] ?? String(a);
          sink.instant(t, faultsTid(x), a, `${access} fault`, 'gpu fault', now, merging ? null : where(obj, idx, { access, instances: y >>> 8 }), 0, y >>> 8);
          break;
        }
        case K.copy:
        case K.zero:
        case K.tlbInvalidate:
        case K.replay:
          if (kind === K.replay && !(batch && batch.gpu === obj)) break;
          pKind = kind;
          pStep = s;
          pSeq = t;
          pStart = now;
          pObj = obj;
          pIdx = idx;
          pX = x;
          pY = y;
          break;
        case K.thrashingDetected:
          sink.instant(t, driverTid(x), kind, 'thrashing', 'policy', now, merging ? null : where(obj, idx, {}));
          break;
        case K.throttle:
          sink.instant(t, driverTid(x), kind, 'throttle', 'policy', now, merging ? null : where(obj, idx, { until_us: us(y) }));
          break;
        case K.evictChunk:
          sink.instant(t, driverTid(idx), kind, 'eviction', 'eviction', now, merging ? null : { chunk: obj, block: x > 0 ? x - 1 : -1, pages: y }, y);
          break;
        case K.prefetchHint:
          sink.instant(t, driverTid(x), kind, 'prefetch hint', 'policy', now, merging ? null : where(obj, idx, { pages: y }), y);
          break;
        case K.remoteMap:
          sink.instant(t, driverTid(x & 63), kind, 'remote map', 'policy', now, merging ? null : where(obj, idx, { pages: y }), y);
          break;
        default:
          break;
      }
    }
    // the fault's own cost is spent on or just before its return line: the slice ends after that step
    if (steps.lineOf(s) === cpuFaultReturn) {
      settle(now);
      closeCpuFault();
    }
  }
  settle(now);
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
