/**
 * The DeepUM-style correlation prefetcher (src/engine/uvm/correlation.ts): execution IDs, the two correlation tables,
 * prefetching at launch, the memory rule, and that it keeps the engine's guarantees (invariants, determinism, time
 * travel).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copies, resident, runYaml, scenario } from './helpers';
import { checkInvariants } from '../../src/engine/run/invariants';
import type { Run } from '../../src/engine/run/run';
import { EVENT_HEAP } from '../../src/engine/core/store';
import { PROT_READ, PROT_WRITE } from '../../src/engine/uvm/layout';
import { K } from '../../src/engine/uvm/kinds';
import { CK, LOOKAHEAD_BLOCKS, executionId, type Correlation } from '../../src/engine/uvm/correlation';
import type { StepSpec } from '../../src/engine/scenario/types';
import { decodedFields } from '../../src/engine/run/bp-fields';

const CPU = 0;
const GPU = 1;
const ITERATIONS = 4;

/**
 * A training-like loop: the CPU fills three 12 MiB regions, then kernels A (reads A), B (writes B) and C (reads the
 * first half of C while writing the second) run four times on a 24 MiB GPU. 36 MiB do not fit (one root chunk holds
 * the page tables, so 11 blocks do), and every iteration evicts.
 */
function loop(prefetch: string): string {
  let y = `
uvmscope: 1
machine: { gpus: [ { name: gpu0, memory: 24MiB } ] }
policy: { prefetch: ${prefetch} }
regions: [ { name: A, size: 12MiB }, { name: B, size: 12MiB }, { name: C, size: 12MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: cpu.write, region: B }
  - { op: cpu.write, region: C }
`;
  for (let i = 1; i <= ITERATIONS; i++) {
    y += `  - { op: gpu.kernel, access: { region: A, op: read } }
  - { op: gpu.kernel, access: { region: B, op: write } }
  - op: gpu.kernel
    accesses:
      - { region: C, op: read, length: 6MiB }
      - { region: C, op: write, offset: 6MiB }
  - { bookmark: iteration-${i} }
`;
  }
  return y;
}

const runs = new Map<string, Run>();
function loopRun(prefetch: string): Run {
  let r = runs.get(prefetch);
  if (!r) runs.set(prefetch, (r = runYaml(loop(prefetch))));
  return r;
}

/** The last step of scenario op `op` (the state once the op is done). */
function lastStepOf(run: Run, op: number): number {
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
  return last;
}

function bookmarkStep(run: Run, name: string): number {
  const op = run.scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === name);
  return lastStepOf(run, op);
}

/** GPU faults taken by each kernel, in order. */
function faultsPerKernel(run: Run): number[] {
  const out: number[] = [];
  let before = 0;
  run.scenario.steps.forEach((st, op) => {
    if (st.op !== 'gpu.kernel') return;
    run.seek(lastStepOf(run, op));
    const now = run.counters().gpu_faults;
    out.push(now - before);
    before = now;
  });
  run.seek(run.stepCount - 1);
  return out;
}

/** The correlation prefetcher's events up to transition `end`, decoded. */
function corrEvents(run: Run, kind: number, end = run.transitionCount) {
  const st = run.ctx.store;
  const out: Record<string, number | string>[] = [];
  for (let t = 0; t < end; t++) {
    if (st.heapOf(t) !== EVENT_HEAP || st.kindOf(t) !== kind) continue;
    out.push(run.transition(t).fields);
  }
  return out;
}

function corr(run: Run): Correlation {
  const c = run.ctx.correlation;
  if (!c) throw new Error('the run has no correlation prefetcher');
  return c;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('a training-like loop of three kernels, oversubscribed', () => {
  it('takes far fewer GPU faults after the first iteration than the density prefetcher', () => {
    const density = faultsPerKernel(loopRun('density'));
    const correlation = faultsPerKernel(loopRun('correlation'));
    // density: every iteration demand-pages everything again (eviction took the data away)
    expect(density).toEqual(Array.from({ length: ITERATIONS }, () => [576, 576, 288]).flat());
    // correlation: the first iteration learns, the later ones are prefetched in full
    expect(correlation.slice(0, 3)).toEqual([576, 576, 288]);
    expect(sum(correlation.slice(3))).toBeLessThan(sum(density.slice(3)) / 10);
    expect(correlation.slice(3)).toEqual(Array.from({ length: 9 }, () => 0));
    // the data moved by the prefetcher is counted as prefetch, and the run is faster in simulated time
    const d = loopRun('density');
    const c = loopRun('correlation');
    expect(corrEvents(c, CK.corrPrefetch).length).toBeGreaterThan(0);
    expect(c.counters().prefetch_bytes).toBeGreaterThan(d.counters().prefetch_bytes);
    expect(c.simTimeNs()).toBeLessThan(d.simTimeNs());
  });

  it('behaves exactly like density in the first iteration, when it has no table yet', () => {
    const d = loopRun('density');
    const c = loopRun('correlation');
    d.seek(bookmarkStep(d, 'iteration-1'));
    c.seek(bookmarkStep(c, 'iteration-1'));
    expect(c.counters()).toEqual(d.counters());
    expect(c.simTimeNs()).toBe(d.simTimeNs());
    // every heap of the UVM model (those before the prefetcher's own) holds the same words
    const hFirst = corr(c).hIds;
    for (let h = 1; h < hFirst; h++) {
      const a = d.ctx.store.heaps[h];
      const b = c.ctx.store.heaps[h];
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) throw new Error(`heap ${d.ctx.store.heapName(h)}[${i}] differs`);
    }
    // the same copies, in the same order, and no prefetch of its own
    const end = c.ctx.steps.endOf(c.cursor);
    expect(corrEvents(c, CK.corrPrefetch, end)).toEqual([]);
    const dCopies = copies(d).slice(0, countCopiesUpTo(d, d.ctx.steps.endOf(d.cursor)));
    const cCopies = copies(c).slice(0, countCopiesUpTo(c, end));
    expect(cCopies.length).toBeGreaterThan(0);
    expect(cCopies).toEqual(dCopies);
    d.seek(d.stepCount - 1);
    c.seek(c.stepCount - 1);
  });

  it('records each kernel\u2019s blocks in first-fault order and which kernel followed which', () => {
    const c = loopRun('correlation');
    const m = c.ctx.m;
    const [A, B, C] = [0, 1, 2].map((r) => m.regions[r].firstBlock);
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
    c.seek(bookmarkStep(c, 'iteration-1'));
    const t = corr(c).views();
    expect(t.map((v) => v.blocks)).toEqual([
      range(A, 6),
      range(B, 6),
      // C's two accesses interleave: the read of block k faults beside the write of block k + 3
      [C, C + 3, C + 1, C + 4, C + 2, C + 5],
    ]);
    expect(t.map((v) => v.launches)).toEqual([1, 1, 1]);
    expect(t.map((v) => v.successors)).toEqual([[{ slot: 1, id: t[1].id, count: 1 }], [{ slot: 2, id: t[2].id, count: 1 }], []]);
    expect(t.every((v) => v.gpu === GPU)).toBe(true);
    // at the end: the same block tables (nothing new faulted), four launches each, C → A three times
    c.seek(c.stepCount - 1);
    const end = corr(c).views();
    expect(end.map((v) => v.blocks)).toEqual(t.map((v) => v.blocks));
    expect(end.map((v) => v.launches)).toEqual([4, 4, 4]);
    expect(end[2].successors).toEqual([{ slot: 0, id: t[0].id, count: 3 }]);
    expect(corr(c).lastSlot()).toBe(2);
  });

  it('prefetches the launched kernel\u2019s blocks in recorded order, then predicts the next kernel and looks ahead', () => {
    const c = loopRun('correlation');
    const m = c.ctx.m;
    // the first launch of iteration 2 (A): A's six blocks, then B's predicted first blocks until memory runs short
    const op = c.scenario.steps.findIndex((s, i) => s.op === 'gpu.kernel' && i > c.scenario.steps.findIndex((x) => x.op === 'bookmark'));
    const [from, to] = [c.ctx.steps.startOf(lastStepOf(c, op - 1) + 1), c.ctx.steps.endOf(lastStepOf(c, op))];
    const inOp = (kind: number) => corrEvents(c, kind, to).slice(corrEvents(c, kind, from).length);
    const pf = inOp(CK.corrPrefetch);
    const A = m.regions[0].firstBlock;
    const B = m.regions[1].firstBlock;
    expect(pf.filter((e) => e.lookahead === 0).map((e) => e.block)).toEqual([A, A + 1, A + 2, A + 3, A + 4, A + 5]);
    expect(pf.every((e) => e.pages === 512 && e.proc === GPU)).toBe(true);
    expect(inOp(CK.corrPredict)).toEqual([{ slot: 0, nextSlot: 1, count: 1, launches: 2 }]);
    // 11 user chunks: six for A, five for B; the sixth would evict A's first block, so the lookahead stops there
    expect(pf.filter((e) => e.lookahead === 1).map((e) => e.block)).toEqual([B, B + 1, B + 2, B + 3, B + 4]);
    expect(inOp(CK.corrStop)).toEqual([{ block: B + 5, slot: 1, proc: GPU, lookahead: 1, victimBlock: A }]);
    // each prefetch is one copy per block, cause prefetch, 2 MiB from the CPU
    // (the density prefetcher's records never span a whole block: the faulted page is a coherence record)
    const whole = copies(c).filter((x) => x.cause === 'prefetch' && x.bytes === 2 * 1024 * 1024);
    expect(whole.length).toBe(corrEvents(c, CK.corrPrefetch).length);
    expect(whole.every((x) => x.src === CPU && x.dst === GPU && x.page === 0)).toBe(true);
  });

  it('leaves each kernel\u2019s pages resident and mapped on the GPU when it ends, as density does', () => {
    for (const p of ['density', 'correlation']) {
      const r = loopRun(p);
      const m = r.ctx.m;
      r.scenario.steps.forEach((st, op) => {
        if (st.op !== 'gpu.kernel') return;
        r.seek(lastStepOf(r, op));
        for (const a of st.accesses) {
          const reg = m.regions[a.region];
          for (let b = 0; b < reg.blocks; b++) {
            const block = reg.firstBlock + b;
            const prot = a.op === 'read' ? PROT_READ : PROT_WRITE;
            const mapped = m.readMask(m.layout.mappedBase(block, GPU, prot));
            const here = m.readMask(m.layout.residentBase(block, GPU));
            for (let i = 0; i < a.pages.length; i++) {
              const pg = a.pages[i];
              if (pg >>> 9 !== b) continue;
              if (!mapped.has(pg & 511) || !here.has(pg & 511)) throw new Error(`${p}: op ${op} page ${pg} of ${reg.name} is not resident and mapped on the GPU`);
            }
          }
        }
      });
      r.seek(r.stepCount - 1);
    }
  });

  it('names its transitions for the trace and breakpoints, with the fields bp-fields lists', () => {
    const r = loopRun('correlation');
    const seen = new Set<string>();
    for (let t = 0; t < r.transitionCount; t++) {
      const k = r.ctx.store.kindOf(t);
      if (k < CK.corrIdTable || (k > CK.corrBlockTable && k < CK.corrLaunch) || k > CK.corrTableFull) continue;
      const v = r.transition(t);
      seen.add(v.kind);
      const known = decodedFields(v.kind);
      for (const f of Object.keys(v.fields)) expect(known, `${v.kind}.${f}`).toContain(f);
      expect(v.text).not.toBe(v.kind);
    }
    expect([...seen].sort()).toEqual(['corrBlockTable', 'corrIdTable', 'corrLaunch', 'corrPredict', 'corrPrefetch', 'corrStop']);
    const launch = r.transition([...Array(r.transitionCount).keys()].find((t) => r.ctx.store.kindOf(t) === CK.corrLaunch)!);
    expect(launch.text).toMatch(/^launch on gpu0: execution ID 0x[0-9a-f]{8} \(slot 0\)$/);
  });

  it('keeps every invariant after every step', () => {
    const r = runYaml(loop('correlation'));
    for (let s = 0; s < r.stepCount; s++) {
      r.seek(s);
      const bad = checkInvariants(r, 3);
      if (bad.length) throw new Error(`after step ${s} (${r.frameOf(s).fn}): ${bad.join('; ')}`);
    }
  });

  it('is deterministic: the same scenario gives the same digest and trace twice', () => {
    const a = runYaml(loop('correlation'));
    const b = runYaml(loop('correlation'));
    expect(b.digest()).toBe(a.digest());
    expect(b.stepCount).toBe(a.stepCount);
    expect(b.transitionCount).toBe(a.transitionCount);
    const [sa, sb] = [a.ctx.store, b.ctx.store];
    for (let t = 0; t < a.transitionCount; t += 97) expect([sb.kindOf(t), sb.indexOf(t), sb.objOf(t), sb.afterOf(t)]).toEqual([sa.kindOf(t), sa.indexOf(t), sa.objOf(t), sa.afterOf(t)]);
  });

  it('travels in time: back to the start and forward again gives the same digest and the same tables', () => {
    const r = runYaml(loop('correlation'));
    const end = r.digest();
    const tables = JSON.stringify(corr(r).views());
    const mid = bookmarkStep(r, 'iteration-1');
    r.seek(mid);
    const midDigest = r.digest();
    const midTables = JSON.stringify(corr(r).views());
    r.seek(0);
    expect(corr(r).views()).toEqual([]);
    r.seek(r.stepCount - 1);
    expect(r.digest()).toBe(end);
    expect(JSON.stringify(corr(r).views())).toBe(tables);
    r.seek(mid);
    expect(r.digest()).toBe(midDigest);
    expect(JSON.stringify(corr(r).views())).toBe(midTables);
    r.seek(r.stepCount - 1);
  });
});

describe('execution IDs', () => {
  const kernels = (yaml: string) => scenario(yaml).steps.filter((s): s is Extract<StepSpec, { op: 'gpu.kernel' }> => s.op === 'gpu.kernel');
  const yaml = `
uvmscope: 1
machine: { gpus: [ { name: g0, memory: 8MiB }, { name: g1, memory: 8MiB } ] }
regions: [ { name: A, size: 4MiB } ]
steps:
  - { op: gpu.kernel, access: { region: A, op: read, pattern: random, count: 10, seed: 3 } }
  - { op: gpu.kernel, access: { region: A, op: read, pattern: random, count: 10, seed: 3 } }
  - { op: gpu.kernel, access: { region: A, op: read, pattern: random, count: 10, seed: 4 } }
  - { op: gpu.kernel, access: { region: A, op: write, pattern: random, count: 10, seed: 3 } }
  - { op: gpu.kernel, gpu: g1, access: { region: A, op: read, pattern: random, count: 10, seed: 3 } }
`;
  it('are equal for two launches of the same access pattern and differ when the seed, op or GPU differs', () => {
    const ids = kernels(yaml).map((k) => executionId(k.gpu, k.accesses));
    expect(ids[1]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(4);
    // stable across parses
    expect(kernels(yaml).map((k) => executionId(k.gpu, k.accesses))).toEqual(ids);
  });
});

describe('memory rule and lookahead bound', () => {
  it('stops rather than evicting a block the launched kernel predicts', () => {
    // a 10 MiB kernel on an 8 MiB GPU (3 user chunks): its own blocks are the only victims
    const yaml = (p: string) => `
uvmscope: 1
machine: { gpus: [ { name: gpu0, memory: 8MiB } ] }
policy: { prefetch: ${p} }
regions: [ { name: A, size: 10MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read } }
  - { op: gpu.kernel, access: { region: A, op: read } }
`;
    const c = runYaml(yaml('correlation'));
    const d = runYaml(yaml('density'));
    expect(corrEvents(c, CK.corrPrefetch)).toEqual([]);
    // after the first launch blocks 2, 3, 4 hold the chunks, least recently used first
    expect(corrEvents(c, CK.corrStop)).toEqual([{ block: 0, slot: 0, proc: GPU, lookahead: 0, victimBlock: 2 }]);
    // nothing was evicted for the prefetch: the kernel then faults exactly as with density
    expect(faultsPerKernel(c)).toEqual(faultsPerKernel(d));
    expect(c.counters().evictions).toBe(d.counters().evictions);
    expect(checkInvariants(c)).toEqual([]);
  });

  it(`prefetches at most ${LOOKAHEAD_BLOCKS} blocks of the predicted next kernel, which fetches the rest at its own launch`, () => {
    const r = runYaml(`
uvmscope: 1
policy: { prefetch: correlation }
regions: [ { name: A, size: 4MiB }, { name: B, size: 32MiB } ]
steps:
  - { op: gpu.kernel, access: { region: A, op: write } }
  - { op: gpu.kernel, access: { region: B, op: write } }
  - { op: cpu.write, region: A }
  - { op: cpu.write, region: B }
  - { op: gpu.kernel, access: { region: A, op: write } }
  - { op: gpu.kernel, access: { region: B, op: write } }
`);
    const pf = corrEvents(r, CK.corrPrefetch);
    const B = r.ctx.m.regions[1].firstBlock;
    expect(pf.filter((e) => e.lookahead === 1).map((e) => e.block)).toEqual(Array.from({ length: LOOKAHEAD_BLOCKS }, (_, i) => B + i));
    expect(pf.filter((e) => e.lookahead === 0).map((e) => e.block)).toEqual([0, 1, ...Array.from({ length: 16 - LOOKAHEAD_BLOCKS }, (_, i) => B + LOOKAHEAD_BLOCKS + i)]);
    const f = faultsPerKernel(r);
    expect(f[2] + f[3]).toBe(0);
    // the CPU's copies were unmapped and moved: everything ends on the GPU
    for (let b = 0; b < r.ctx.m.nBlocks; b++) expect(resident(r, b, GPU)).toEqual([[0, 512]]);
    expect(checkInvariants(r)).toEqual([]);
  });

  it('is off unless asked for: other policies get no tables and no heaps of its own', () => {
    const r = loopRun('density');
    expect(r.ctx.correlation).toBeNull();
    expect(r.ctx.store.heaps.some((_, h) => h > 0 && r.ctx.store.heapName(h).startsWith('corr.'))).toBe(false);
  });
});

describe('random scenarios with repeated kernels', () => {
  const MiB = 1024 * 1024;
  const arb = fc.record({
    gpus: fc.integer({ min: 1, max: 2 }),
    // at least two user chunks: with one (4 MiB, a chunk goes to page tables) a kernel whose faults span two blocks
    // never finishes, with any prefetcher (each block's service evicts the other)
    gpuMiB: fc.constantFrom(6, 8, 16),
    thrashing: fc.constantFrom('on', 'off'),
    regions: fc.array(fc.constantFrom(64 * 1024, 2 * MiB, 3 * MiB + 12 * 1024, 4 * MiB), { minLength: 1, maxLength: 3 }),
    kernels: fc.array(
      fc.record({ region: fc.nat(), gpu: fc.nat(), op: fc.constantFrom('read', 'write', 'atomic'), pattern: fc.constantFrom('sequential', 'random', 'strided'), seed: fc.integer({ min: 1, max: 99 }) }),
      { minLength: 1, maxLength: 3 },
    ),
    program: fc.array(fc.record({ kernel: fc.nat(), cpu: fc.constantFrom('none', 'read', 'write', 'advise', 'prefetch'), region: fc.nat() }), { minLength: 2, maxLength: 10 }),
  });
  type Shape = typeof arb extends fc.Arbitrary<infer T> ? T : never;
  const toYaml = (s: Shape) => {
    const gpus = Array.from({ length: s.gpus }, (_, i) => `gpu${i}`);
    const lines = [
      'uvmscope: 1',
      `machine: { gpus: [ ${gpus.map((n) => `{ name: ${n}, memory: ${s.gpuMiB}MiB }`).join(', ')} ] }`,
      `policy: { prefetch: correlation, thrashing: ${s.thrashing} }`,
      'regions:',
      ...s.regions.map((size, i) => `  - { name: R${i}, size: ${size} }`),
      'steps:',
    ];
    const kernel = (k: (typeof s.kernels)[number]) => {
      const r = k.region % s.regions.length;
      const more = k.pattern === 'random' ? `, pattern: random, count: 40, seed: ${k.seed}` : k.pattern === 'strided' ? `, pattern: strided, stride: ${(1 + (k.seed % 4)) * 64}KiB` : '';
      return `  - { op: gpu.kernel, gpu: ${gpus[k.gpu % s.gpus]}, access: { region: R${r}, op: ${k.op}${more} } }`;
    };
    // the program runs twice, so the second pass finds tables
    for (let pass = 0; pass < 2; pass++) {
      for (const p of s.program) {
        lines.push(kernel(s.kernels[p.kernel % s.kernels.length]));
        const r = `R${p.region % s.regions.length}`;
        if (p.cpu === 'read' || p.cpu === 'write') lines.push(`  - { op: cpu.${p.cpu}, region: ${r} }`);
        else if (p.cpu === 'advise') lines.push(`  - { op: uvm.advise, region: ${r}, advice: ${p.region % 2 ? 'read-mostly' : 'preferred-location, target: cpu'} }`);
        else if (p.cpu === 'prefetch') lines.push(`  - { op: uvm.prefetch, region: ${r}, to: cpu }`);
      }
    }
    return lines.join('\n') + '\n';
  };

  it('keep every invariant at the end of every scenario step and travel back to the same digests', () => {
    let prefetched = 0;
    fc.assert(
      fc.property(arb, (s) => {
        const yaml = toYaml(s);
        const r = runYaml(yaml);
        const digests: string[] = [];
        for (let op = 0; op < r.scenario.steps.length; op++) {
          r.seek(lastStepOf(r, op));
          const bad = checkInvariants(r, 3);
          if (bad.length) throw new Error(`after op ${op}: ${bad.join('; ')}\n${yaml}`);
          digests.push(r.digest());
        }
        r.seek(0);
        for (let op = r.scenario.steps.length - 1; op >= 0; op -= 3) {
          r.seek(lastStepOf(r, op));
          expect(r.digest()).toBe(digests[op]);
        }
        expect(runYaml(yaml).digest()).toBe(digests[digests.length - 1]);
        prefetched += corrEvents(r, CK.corrPrefetch).length;
      }),
      { numRuns: 40, seed: 20260601 },
    );
    // the second pass of the programs did use the tables
    expect(prefetched).toBeGreaterThan(0);
  });
});

/** How many copy events lie in transitions [0, end). */
function countCopiesUpTo(run: Run, end: number): number {
  const st = run.ctx.store;
  let n = 0;
  for (let t = 0; t < end; t++) if (st.heapOf(t) === EVENT_HEAP && st.kindOf(t) === K.copy) n++;
  return n;
}
