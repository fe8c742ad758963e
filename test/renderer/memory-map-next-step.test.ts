/**
 * The memory map's shortcuts for the answer of the step right after the one shown (what playing and stepping into
 * give it): the lane levels updated from the step's `changed` pages alone, and the summary's resident counts updated
 * from those pages' bytes before and after, must equal what a full pass over every page computes — over real runs of
 * the engine service (managed memory with eviction, a file in the page cache, two GPUs).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, MemoryMapResult, OkResponse } from '../../src/protocol';
import { PAGE_RESIDENT } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { aggregate, patchAggregate, regionData, updateRegionData } from '../../src/renderer/panels/memory-map/layout';
import { residentCounts } from '../../src/renderer/panels/memory-map/summary';

const yaml = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(JSON.stringify(r.diagnostics));
  return r;
}

function session(name: string) {
  const service = new EngineService();
  let id = 1;
  const run = ok(service.handle({ type: 'load', id: id++, source: yaml(name), fileName: `${name}.yaml` })).run!;
  return {
    run,
    mapAt(step: number): MemoryMapResult {
      ok(service.handle({ type: 'seek', id: id++, step }));
      return ok(service.handle({ type: 'view', id: id++, query: { view: 'memoryMap' } })).view as MemoryMapResult;
    },
  };
}

/** Where two lists of byte arrays first differ ("" when they are equal): a fast toEqual for big arrays. */
function firstDifference(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): string {
  if (a.length !== b.length) return `${a.length} arrays vs ${b.length}`;
  for (let l = 0; l < a.length; l++) {
    if (a[l].length !== b[l].length) return `array ${l}: length ${a[l].length} vs ${b[l].length}`;
    for (let i = 0; i < a[l].length; i++) if (a[l][i] !== b[l][i]) return `array ${l}[${i}]: ${a[l][i]} vs ${b[l][i]}`;
  }
  return '';
}

function fullCounts(m: MemoryMapResult): number[][] {
  return m.regions.map((r) => {
    const out = new Array<number>(m.processors).fill(0);
    for (let i = 0; i < r.pages; i++) for (let p = 0; p < m.processors; p++) if (r.state[i * m.processors + p] & PAGE_RESIDENT) out[p]++;
    return out;
  });
}

/** Walk `steps` consecutive steps from `from`, each answer digested as the next one. */
function walk(name: string, from: number, steps: number) {
  const s = session(name);
  const map = s.mapAt(from);
  let data = map.regions.map((r) => regionData(r, map.processors));
  const aggs = data.map((d) => aggregate(d, 16));
  let counts = residentCounts(map, null);
  let changedSteps = 0;
  let changedPages = 0;
  const last = Math.min(s.run.totalSteps - 1, from + steps);
  for (let step = from + 1; step <= last; step++) {
    const next = s.mapAt(step);
    data = next.regions.map((r, k) => {
      const { data: d, dirty } = updateRegionData(data[k], r, next.processors, r.changed);
      if (dirty) patchAggregate(d, aggs[k], dirty);
      else aggs[k] = aggregate(d, 16);
      return d;
    });
    counts = residentCounts(next, counts);
    const n = next.regions.reduce((t, r) => t + r.changed.length, 0);
    if (n) changedSteps++;
    changedPages += n;
    // the shortcuts agree with a full pass
    const fresh = next.regions.map((r) => regionData(r, next.processors));
    data.forEach((d, k) => {
      expect(firstDifference(d.levels, fresh[k].levels), `levels of region ${k} at step ${step}`).toBe('');
      expect(firstDifference(d.levelsBefore, fresh[k].levelsBefore), `levels before, region ${k}, step ${step}`).toBe('');
    });
    aggs.forEach((a, k) => {
      const f = aggregate(fresh[k], 16);
      expect(firstDifference(a.levels, f.levels), `aggregate levels of region ${k} at step ${step}`).toBe('');
      expect(firstDifference(a.counts, f.counts), `aggregate counts of region ${k} at step ${step}`).toBe('');
    });
    expect(counts.counts, `resident counts at step ${step}`).toEqual(fullCounts(next));
    expect(counts.step).toBe(step);
  }
  return { changedSteps, changedPages, steps: last - from, counts: counts.counts };
}

// a few hundred views of real runs, each checked against a full pass: seconds on a busy machine
describe('the memory map after the next step', { timeout: 60_000 }, () => {
  it('default: a CPU write, a GPU read and the CPU reading back, step by step', () => {
    const r = walk('default', 0, 700);
    expect(r.changedSteps).toBeGreaterThan(20);
    expect(r.changedPages).toBeGreaterThan(1000);
  });

  it('oversubscription: pages evicted from the GPU', () => {
    const s = session('oversubscription');
    // from the op that overcommits the GPU onwards (evictions happen there)
    const op = s.run.ops.find((o) => o.op === 'gpu.kernel' && o.firstStep > 0)!;
    const r = walk('oversubscription', op.firstStep, 120);
    expect(r.changedSteps).toBeGreaterThan(10);
  });

  it('gaia-maquire: a file region (page cache lanes)', () => {
    const r = walk('gaia-maquire', 0, 200);
    expect(r.changedSteps).toBeGreaterThan(10);
  });

  it('two-gpus: two GPUs', () => {
    const r = walk('two-gpus', 0, 200);
    expect(r.changedSteps).toBeGreaterThan(10);
    expect(r.counts[0].length).toBe(3);
  });

  it('a jump or a new run counts every page', () => {
    const s = session('default');
    const a = s.mapAt(100);
    const b = s.mapAt(300);
    const counted = residentCounts(a, null);
    // not the next step: a full count, whatever `changed` says
    expect(residentCounts(b, counted).counts).toEqual(fullCounts(b));
    expect(residentCounts(b, { ...counted, step: 299, pages: [1] }).counts).toEqual(fullCounts(b));
  });
});
