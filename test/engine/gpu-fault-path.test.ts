import { describe, expect, it } from 'vitest';
import { copies, eventsOf, mapped, resident, runYaml } from './helpers';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from '../../src/engine/uvm/layout';
import { Aperture } from '../../src/engine/uvm/pagetree';
import { apertureOf } from '../../src/engine/uvm/mapping';
import { checkInvariants } from '../../src/engine/run/invariants';

const CPU = 0;
const GPU = 1;

const cpuThenGpu = `
uvmscope: 1
regions: [ { name: A, size: 2MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read }, faultWindowPages: 256 }
`;

describe('a GPU read fault on CPU-resident data (research §10.1)', () => {
  it('leaves the CPU holding and mapping the whole block after a sequential write', () => {
    const run = runYaml(cpuThenGpu);
    const firstKernelStep = findStep(run, (s) => run.opOf(s) === 1);
    run.seek(firstKernelStep - 1);
    expect(resident(run, 0, CPU)).toEqual([[0, 512]]);
    expect(mapped(run, 0, CPU, PROT_WRITE)).toEqual([[0, 512]]);
    expect(resident(run, 0, GPU)).toEqual([]);
    // the CPU side was populated as one 2 MiB chunk (block_populate_pages_cpu)
    expect(run.ctx.m.blockWord(0, run.ctx.m.layout.cpuChunk2m)).toBe(1);
    // six CPU faults per 2 MiB with the density prefetcher, first touch: no copies at all
    expect(run.counters().cpu_faults).toBe(6);
    expect(run.counters().htod_bytes + run.counters().dtoh_bytes).toBe(0);
  });

  it('services the first batch of 256 faults as one 1 MiB copy, unmapping the CPU first and mapping with 64K PTEs', () => {
    const run = runYaml(cpuThenGpu);
    const firstReplay = eventsOf(run, 'replay')[0];
    run.seek(run.stepOfTransition(firstReplay.index));
    expect(resident(run, 0, GPU)).toEqual([[0, 256]]);
    expect(resident(run, 0, CPU)).toEqual([[256, 512]]);
    // the CPU lost its mapping of the pages that moved and kept the rest
    expect(mapped(run, 0, CPU, PROT_READ)).toEqual([[256, 512]]);
    // a read fault on pages nobody else maps is promoted to read-write-atomic
    expect(mapped(run, 0, GPU, PROT_ATOMIC)).toEqual([[0, 256]]);
    const m = run.ctx.m;
    expect(m.blockWord(0, m.layout.bigPtes, GPU)).toBe(0xffff);
    expect(m.blockWord(0, m.layout.pte2m) & 1).toBe(0);
    expect(apertureOf(run.ctx, 0, GPU, 0)).toBe(Aperture.vid);
    // order inside the service: CPU unmap, then the copy, then residency
    const [a, b] = [eventsOf(run, 'faultBatch')[0].index, firstReplay.index];
    const seq: string[] = [];
    const note = (what: string) => {
      if (seq[seq.length - 1] !== what) seq.push(what);
    };
    for (let t = a; t < b; t++) {
      const v = run.transition(t);
      if (v.kind === 'unmap' && v.fields.proc === CPU) note('unmap');
      if (v.kind === 'copy') note('copy');
      if (v.kind === 'blockResident' && v.fields.proc === GPU) note('resident');
    }
    expect(seq).toEqual(['unmap', 'copy', 'resident']);
    expect(checkInvariants(run)).toEqual([]);
  });

  it('ends with the block on the GPU behind one 2M PTE and page tables in vidmem', () => {
    const run = runYaml(cpuThenGpu);
    expect(resident(run, 0, GPU)).toEqual([[0, 512]]);
    expect(resident(run, 0, CPU)).toEqual([]);
    const m = run.ctx.m;
    expect(m.blockWord(0, m.layout.pte2m) & 1).toBe(1);
    expect(m.blockWord(0, m.layout.bigPtes, GPU)).toBe(0);
    // PDE4 root (at GPU registration), PDE3, PDE2, PDE1, PDE0 and the 64K table used while half the block was mapped
    const tree = run.ctx.treeOf(GPU);
    const levels = Array.from({ length: tree.count() }, (_, i) => tree.table(i).level).sort();
    expect(levels).toEqual([0, 1, 2, 3, 4, 6]);
    expect(run.counters().page_tables_vid).toBe(6);
    expect(copies(run).map((c) => [c.src, c.dst, c.bytes, c.cause])).toEqual([
      [CPU, GPU, 1 << 20, 'coherence'],
      [CPU, GPU, 1 << 20, 'coherence'],
    ]);
    expect(run.counters().gpu_fault_batches).toBe(2);
    expect(run.counters().gpu_faults).toBe(512);
    // the block's root chunk was marked used when data arrived (block_mark_memory_used)
    const pmm = run.ctx.pmmOf(GPU);
    const chunk = m.blockWord(0, m.layout.gpuChunk, GPU) - 1;
    expect(pmm.listChunks(4)).toContain(chunk);
  });

  it('fetches a smaller window per batch when the kernel has fewer warps in flight', () => {
    const run = runYaml(cpuThenGpu.replace('faultWindowPages: 256', 'faultWindowPages: 32'));
    // 32 faults: the prefetcher grows them to 2 big pages = 128 KiB, [0,64) is 50%: no more. Then 32..63 …
    const first = copies(run).slice(0, 2);
    expect(first[0]).toMatchObject({ src: CPU, dst: GPU, bytes: 32 * 4096, cause: 'coherence' });
    expect(run.counters().gpu_fault_batches).toBeGreaterThan(2);
    expect(resident(run, 0, GPU)).toEqual([[0, 512]]);
  });
});

describe('a CPU read of GPU-resident data (research §10.2)', () => {
  it('takes six faults per 2 MiB, each a 4 KiB fault copy plus a prefetch copy', () => {
    const run = runYaml(cpuThenGpu + '  - { op: cpu.read, region: A }\n');
    const back = copies(run).filter((c) => c.dst === CPU);
    expect(back.map((c) => [c.bytes / 1024, c.cause])).toEqual([
      [4, 'coherence'], [60, 'prefetch'],
      [4, 'coherence'], [60, 'prefetch'],
      [4, 'coherence'], [124, 'prefetch'],
      [4, 'coherence'], [252, 'prefetch'],
      [4, 'coherence'], [508, 'prefetch'],
      [4, 'coherence'], [1020, 'prefetch'],
    ]);
    expect(resident(run, 0, CPU)).toEqual([[0, 512]]);
    expect(mapped(run, 0, GPU, PROT_READ)).toEqual([]);
    expect(checkInvariants(run)).toEqual([]);
  });
});

describe('cudaMemPrefetchAsync (research §10.3)', () => {
  it('moves a CPU-resident block in one 2 MiB copy with cause USER, maps the GPU, and the kernel then never faults', () => {
    const run = runYaml(`
uvmscope: 1
regions: [ { name: A, size: 4MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: uvm.prefetch, region: A, to: gpu0 }
  - { op: gpu.kernel, access: { region: A, op: read } }
`);
    expect(copies(run).map((c) => [c.bytes, c.cause])).toEqual([
      [2 << 20, 'user'],
      [2 << 20, 'user'],
    ]);
    expect(run.counters().gpu_faults).toBe(0);
    expect(mapped(run, 1, GPU, PROT_ATOMIC)).toEqual([[0, 512]]);
  });
});

function findStep(run: ReturnType<typeof runYaml>, pred: (s: number) => boolean): number {
  for (let s = 0; s < run.stepCount; s++) if (pred(s)) return s;
  throw new Error('no such step');
}
