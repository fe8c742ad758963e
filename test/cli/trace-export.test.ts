import { describe, expect, it } from 'vitest';
import { traceChunks } from '../../src/cli/commands/run.js';
import { BYTES_COUNTER, copyTid, faultsTid, TID_SCENARIO, toChromeTrace, type ChromeTrace, type TraceEvent } from '../../src/engine/run/trace-export.js';
import { K } from '../../src/engine/uvm/kinds.js';
import { BUSY, runOf, SMALL, traceProblems } from './helpers.js';

/** The trace as the CLI writes it, read back. */
function roundTrip(trace: ChromeTrace): ChromeTrace {
  return JSON.parse([...traceChunks(trace)].join('')) as ChromeTrace;
}

const count = (events: readonly TraceEvent[], pred: (e: TraceEvent) => boolean) => events.filter(pred).length;

describe('toChromeTrace', () => {
  const small = runOf(SMALL, 'small.yaml');
  const busy = runOf(BUSY, 'busy.yaml');

  it('is JSON that parses back to the same object, in the shape Perfetto opens', () => {
    const trace = toChromeTrace(small);
    const back = roundTrip(trace);
    expect(back).toEqual(JSON.parse(JSON.stringify(trace)));
    expect(back.displayTimeUnit).toBe('ns');
    expect(Array.isArray(back.traceEvents)).toBe(true);
    for (const e of back.traceEvents) {
      expect(['X', 'i', 'C', 'M']).toContain(e.ph);
      expect(typeof e.name).toBe('string');
      expect(typeof e.pid).toBe('number');
      expect(typeof e.tid).toBe('number');
      if (e.ph === 'i') expect(e.s).toBe('t');
    }
    expect(back.metadata).toMatchObject({ generator: 'uvmscope', scenario: 'small', aggregated: false, trace_events: back.traceEvents.length });
    expect(back.metadata.sim_time_ns).toBe(small.summary().sim_time_ns);
  });

  it('has every phase, named tracks, and monotonic, properly nested times on each track', () => {
    for (const run of [small, busy]) {
      const { traceEvents: ev } = toChromeTrace(run);
      for (const ph of ['X', 'i', 'C', 'M']) expect(count(ev, (e) => e.ph === ph), ph).toBeGreaterThan(0);
      expect(traceProblems(ev)).toEqual([]);
      // every thread with events has a name
      const named = new Set(ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.tid));
      for (const e of ev) if (e.ph === 'X' || e.ph === 'i') expect(named.has(e.tid), `tid ${e.tid} is named`).toBe(true);
      // metadata first, then time order
      const firstBody = ev.findIndex((e) => e.ph !== 'M');
      expect(ev.slice(firstBody).some((e) => e.ph === 'M')).toBe(false);
    }
  });

  it('puts each scenario op on the scenario track as a slice named by its op, in order, covering the run', () => {
    const { traceEvents: ev } = toChromeTrace(busy);
    const ops = ev.filter((e) => e.tid === TID_SCENARIO && e.ph === 'X');
    expect(ops.map((e) => e.name)).toEqual(busy.scenario.steps.map((s) => s.op));
    expect(ops.map((e) => e.args?.index)).toEqual(busy.scenario.steps.map((_, i) => i));
    expect(ops[ops.length - 1].args?.bookmark).toBe('end');
    const last = ops[ops.length - 1];
    expect(last.ts + (last.dur ?? 0)).toBeCloseTo(busy.summary().sim_time_ns / 1000, 3);
  });

  it('gives each copy the duration of the clock advance that pays for it, on its direction track', () => {
    const { traceEvents: ev } = toChromeTrace(busy);
    const link = busy.scenario.machine.link;
    const copies = ev.filter((e) => e.cat === 'copy');
    expect(copies.length).toBe(countKind(busy, K.copy));
    const dirs = new Set<number>();
    for (const c of copies) {
      const dir = c.tid - copyTid(0);
      dirs.add(dir);
      const cost = [link.htod, link.dtoh, link.dtod][dir];
      const bytes = c.args?.bytes as number;
      expect(c.dur ?? 0).toBeCloseTo((cost.latencyNs + bytes / cost.bytesPerNs) / 1000, 2);
      expect(c.args).toMatchObject({ cause: expect.any(String), block: expect.any(Number), page: expect.any(Number), region: expect.any(String) });
    }
    expect([...dirs].sort()).toEqual([0, 1, 2]);
    // the byte counter ends at the run's totals
    const samples = ev.filter((e) => e.ph === 'C' && e.name === BYTES_COUNTER);
    const c = busy.counters();
    expect(samples[samples.length - 1].args).toEqual({ htod: c.htod_bytes, dtoh: c.dtoh_bytes, dtod: c.dtod_bytes });
  });

  it('spans each fault batch from fetch to replay on its GPU, and each CPU fault over its service', () => {
    const { traceEvents: ev } = toChromeTrace(small);
    const batches = ev.filter((e) => e.name === 'fault batch');
    expect(batches.length).toBe(small.counters().gpu_fault_batches);
    for (const b of batches) {
      expect(b.tid).toBe(faultsTid(1));
      expect(b.dur ?? 0).toBeGreaterThanOrEqual(small.scenario.machine.costs.faultBatchNs / 1000);
    }
    const cpu = ev.filter((e) => e.cat === 'cpu fault');
    expect(cpu.length).toBe(small.counters().cpu_faults);
    for (const f of cpu) expect(f.dur ?? 0).toBeGreaterThanOrEqual(small.scenario.machine.costs.cpuFaultNs / 1000);
    expect(count(ev, (e) => e.cat === 'gpu fault' && e.ph === 'i')).toBe(small.counters().gpu_faults);
  });

  it('marks thrashing, throttling, eviction and prefetch hints as instants', () => {
    const { traceEvents: ev } = toChromeTrace(busy);
    const c = busy.counters();
    expect(c.thrashing).toBeGreaterThan(0);
    expect(c.throttling).toBeGreaterThan(0);
    expect(c.evictions).toBeGreaterThan(0);
    expect(count(ev, (e) => e.ph === 'i' && e.name === 'thrashing')).toBe(countKind(busy, K.thrashingDetected));
    expect(count(ev, (e) => e.ph === 'i' && e.name === 'throttle')).toBe(countKind(busy, K.throttle));
    expect(count(ev, (e) => e.ph === 'i' && e.name === 'eviction')).toBe(countKind(busy, K.evictChunk));
    expect(count(ev, (e) => e.ph === 'i' && e.name === 'prefetch hint')).toBe(countKind(busy, K.prefetchHint));
  });

  it('does not depend on or move the cursor, and is the same every time', () => {
    const run = runOf(SMALL);
    const a = JSON.stringify(toChromeTrace(run));
    run.seek(10);
    expect(JSON.stringify(toChromeTrace(run))).toBe(a);
    expect(run.cursor).toBe(10);
    expect(JSON.stringify(toChromeTrace(runOf(SMALL)))).toBe(a);
  });

  it('aggregates page-level events above the limit, bounded, saying so, with counts that add up', () => {
    const full = toChromeTrace(busy);
    const agg = toChromeTrace(busy, { maxEvents: 100, bins: 20 });
    expect(agg.metadata.aggregated).toBe(true);
    expect(agg.metadata.aggregation).toMatch(/merged/);
    expect(agg.metadata.bin_ns).toBeGreaterThan(0);
    expect(agg.traceEvents.length).toBeLessThan(full.traceEvents.length / 4);
    expect(traceProblems(agg.traceEvents)).toEqual([]);
    const sum = (ev: TraceEvent[], cat: string, key: string) =>
      ev.filter((e) => e.cat === cat).reduce((n, e) => n + ((e.args?.[key] as number | undefined) ?? (key === 'count' ? 1 : 0)), 0);
    expect(sum(agg.traceEvents, 'copy', 'count')).toBe(countKind(busy, K.copy));
    expect(sum(agg.traceEvents, 'copy', 'bytes')).toBe(sum(full.traceEvents, 'copy', 'bytes'));
    expect(sum(agg.traceEvents, 'gpu fault', 'count')).toBe(busy.counters().gpu_faults);
    // the ops stay exact
    expect(agg.traceEvents.filter((e) => e.tid === TID_SCENARIO)).toEqual(full.traceEvents.filter((e) => e.tid === TID_SCENARIO));
    expect(full.metadata.aggregated).toBe(false);
    expect(full.metadata.aggregation).toBeUndefined();
  });
});

function countKind(run: ReturnType<typeof runOf>, kind: number): number {
  const store = run.ctx.store;
  let n = 0;
  for (let t = 0; t < store.length; t++) if (store.kindOf(t) === kind) n++;
  return n;
}
