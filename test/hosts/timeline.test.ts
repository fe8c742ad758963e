/**
 * The timeline's views, driven through the engine service as the hosts drive it: the overview's counts per kind
 * family over the whole run and over any range, the counter series, the breakpoint vocabulary. Values are checked
 * against the run itself (its transition count, its counters after a real seek, its window of transitions).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse, OverviewResult, SeriesResult, ViewQuery, WindowResult, BreakpointFieldsResult } from '../../src/protocol';
import { TIMELINE_FAMILIES } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { timelineOf } from '../../src/hosts/views/timeline';
import type { Run } from '../../src/engine/run/run';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

let nextId = 10;
function loaded(name: string) {
  const service = new EngineService();
  const first = ok(service.handle({ type: 'load', id: 1, source: scenario(name), fileName: `${name}.yaml` }));
  const view = <R>(query: ViewQuery): R => ok(service.handle({ type: 'view', id: nextId++, query })).view as R;
  const seek = (step: number) => ok(service.handle({ type: 'seek', id: nextId++, step })).state;
  return { service, run: first.run!, first, view, seek };
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);

describe('overview', () => {
  it('counts every transition of the run once, per family, and ends at the run’s end time', () => {
    const { run, view } = loaded('oversubscription');
    const o = view<OverviewResult>({ view: 'overview', buckets: 400 });
    expect(o.families).toEqual([...TIMELINE_FAMILIES]);
    expect(o.fromStep).toBe(0);
    expect(o.toStep).toBe(run.totalSteps - 1);
    expect(o.buckets).toBeLessThanOrEqual(400);
    expect(o.buckets * o.stepsPerBucket).toBeGreaterThanOrEqual(run.totalSteps);
    expect(o.counts.length).toBe(o.families.length * o.buckets);
    expect(sum(o.counts)).toBe(run.totalTransitions);
    expect(sum(o.runTotals)).toBe(run.totalTransitions);
    expect(o.timeNs.at(-1)).toBe(run.endTimeNs);
    // time never runs backwards
    for (let i = 1; i < o.buckets; i++) expect(o.timeNs[i]).toBeGreaterThanOrEqual(o.timeNs[i - 1]);
    // oversubscription evicts: the evict row is not empty, and evictChunk belongs to it
    const evict = o.families.indexOf('evict');
    expect(o.runTotals[evict]).toBeGreaterThan(0);
    expect(o.kindFamilies.evictChunk).toBe('evict');
    expect(o.kindFamilies.gpuFault).toBe('fault');
    expect(o.kindFamilies.copy).toBe('copy');
    expect(o.kindFamilies.pcTag).toBe('pagecache');
    // a UVM-only scenario has no page-cache, HMM or gdrcopy transitions
    for (const f of ['pagecache', 'hmm', 'gdr', 'gaia']) expect(o.runTotals[o.families.indexOf(f)]).toBe(0);
  });

  it('over a range agrees with the window of the same steps, kind by kind', () => {
    const { view } = loaded('oversubscription');
    const whole = view<OverviewResult>({ view: 'overview', buckets: 1 });
    for (const [from, to] of [
      [0, 0],
      [100, 2000],
      [5000, 5077],
      [9000, 16924],
    ]) {
      const o = view<OverviewResult>({ view: 'overview', buckets: 50, fromStep: from, toStep: to });
      const w = view<WindowResult>({ view: 'window', fromStep: from, toStep: to, limit: 0 });
      expect(sum(o.counts)).toBe(w.total);
      const perFamily = new Map<string, number>();
      for (const [kind, n] of Object.entries(w.byKind)) perFamily.set(whole.kindFamilies[kind], (perFamily.get(whole.kindFamilies[kind]) ?? 0) + n);
      o.families.forEach((f, i) => expect(sum(o.counts.subarray(i * o.buckets, (i + 1) * o.buckets))).toBe(perFamily.get(f) ?? 0));
    }
  });

  it('gives one bucket per step when the range is shorter than the buckets asked for', () => {
    const { view } = loaded('default');
    const o = view<OverviewResult>({ view: 'overview', buckets: 500, fromStep: 1000, toStep: 1099 });
    expect(o.buckets).toBe(100);
    expect(o.stepsPerBucket).toBe(1);
    const w = view<WindowResult>({ view: 'window', fromStep: 1042, toStep: 1042, limit: 0 });
    let inStep = 0;
    for (let f = 0; f < o.families.length; f++) inStep += o.counts[f * o.buckets + 42];
    expect(inStep).toBe(w.total);
  });

  it('the page-cache side lands in its own rows', () => {
    const { view } = loaded('gaia-maquire');
    const o = view<OverviewResult>({ view: 'overview', buckets: 100 });
    expect(o.runTotals[o.families.indexOf('pagecache')]).toBeGreaterThan(0);
    expect(o.runTotals[o.families.indexOf('gaia')]).toBeGreaterThan(0);
  });

  it('leaves the cursor and the state where they were, and refuses a bad bucket count', () => {
    const { service, view, seek } = loaded('default');
    const at = seek(1234);
    view<OverviewResult>({ view: 'overview', buckets: 300 });
    view<SeriesResult>({ view: 'series', points: 100, counters: ['gpu_faults'] });
    const after = ok(service.handle({ type: 'state', id: 99 })).state;
    expect(after.step).toBe(1234);
    expect(after.digest).toBe(at.digest);
    const bad = service.handle({ type: 'view', id: 100, query: { view: 'overview', buckets: 0 } });
    expect(bad.type).toBe('error');
  });
});

describe('the per-run index', () => {
  it('is built once per run and kept beside it, and a new load gets a new one', () => {
    const { service, view } = loaded('default');
    const runOf = () => (service as unknown as { run: Run }).run;
    view<OverviewResult>({ view: 'overview', buckets: 100 });
    const first = timelineOf(runOf());
    view<SeriesResult>({ view: 'series', points: 10, counters: ['gpu_faults'] });
    view<OverviewResult>({ view: 'overview', buckets: 7, fromStep: 5, toStep: 900 });
    expect(timelineOf(runOf())).toBe(first);
    // bounded whatever the run's length: a few MB at most
    expect(first.index.bytes()).toBeLessThan(4 << 20);
    ok(service.handle({ type: 'load', id: 50, source: scenario('thrashing'), fileName: 'thrashing.yaml' }));
    expect(timelineOf(runOf())).not.toBe(first);
  });
});

describe('series', () => {
  it('ends at the run’s final counters and simulated time', () => {
    const { run, view, seek } = loaded('oversubscription');
    const names = ['gpu_faults', 'htod_bytes', 'dtoh_bytes', 'evictions', 'cpu_faults'];
    const s = view<SeriesResult>({ view: 'series', points: 200, counters: names });
    expect(s.steps.length).toBe(200);
    expect(s.steps[0]).toBe(0);
    expect(s.steps.at(-1)).toBe(run.totalSteps - 1);
    const end = seek(run.totalSteps - 1);
    for (const n of names) expect(s.counters[n].at(-1)).toBe(end.counters[n]);
    expect(end.counters.evictions).toBeGreaterThan(0);
    expect(s.timeNs.at(-1)).toBe(run.endTimeNs);
    // counters that only grow never shrink between samples
    for (let i = 1; i < s.steps.length; i++) expect(s.counters.htod_bytes[i]).toBeGreaterThanOrEqual(s.counters.htod_bytes[i - 1]);
  });

  it('matches a real seek at every sampled step of a range up to the cursor', () => {
    const { view, seek } = loaded('default');
    const s = view<SeriesResult>({ view: 'series', points: 25, counters: ['gpu_faults', 'htod_bytes', 'cpu_faults'], fromStep: 0, toStep: 3000 });
    expect(s.steps.at(-1)).toBe(3000);
    for (let i = 0; i < s.steps.length; i++) {
      const st = seek(s.steps[i]);
      expect(s.counters.gpu_faults[i]).toBe(st.counters.gpu_faults);
      expect(s.counters.htod_bytes[i]).toBe(st.counters.htod_bytes);
      expect(s.counters.cpu_faults[i]).toBe(st.counters.cpu_faults);
      expect(s.timeNs[i]).toBe(st.simTimeNs);
    }
  });

  it('samples every step of a short range, and refuses an unknown counter', () => {
    const { service, view } = loaded('default');
    const s = view<SeriesResult>({ view: 'series', points: 100, counters: ['gpu_faults'], fromStep: 10, toStep: 19 });
    expect(Array.from(s.steps)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const bad = service.handle({ type: 'view', id: 5, query: { view: 'series', points: 10, counters: ['gpu_fualts'] } });
    expect(bad.type === 'error' && bad.diagnostics[0].message).toContain('unknown counter');
  });
});

describe('breakpoint fields', () => {
  it('lists each kind’s condition fields, the line and watch fields, block fields and heaps', () => {
    const { view } = loaded('oversubscription');
    const f = view<BreakpointFieldsResult>({ view: 'breakpointFields' });
    expect(f.byKind.copy).toEqual(expect.arrayContaining(['bytes', 'src', 'dst', 'srcName', 'step', 'time']));
    expect(f.byKind.evictChunk).toEqual(expect.arrayContaining(['chunk', 'block', 'pages']));
    expect(f.byKind['*']).toEqual(expect.arrayContaining(['bytes', 'chunk', 'block']));
    expect(f.line).toEqual(expect.arrayContaining(['fn', 'label', 'depth']));
    expect(f.blockFields).toContain('resident');
    expect(f.heaps).toEqual(expect.arrayContaining(['blocks', 'scalars', 'pmm.gpu1']));
  });
});
