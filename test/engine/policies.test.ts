import { describe, expect, it } from 'vitest';
import { copies, eventsOf, mapped, resident, runYaml } from './helpers';
import { PROT_READ, PROT_WRITE } from '../../src/engine/uvm/layout';
import { Aperture } from '../../src/engine/uvm/pagetree';
import { apertureOf } from '../../src/engine/uvm/mapping';
import { List } from '../../src/engine/uvm/pmm';
import { checkInvariants } from '../../src/engine/run/invariants';

const CPU = 0;
const GPU = 1;

describe('read-mostly: duplicate, then collapse on a CPU write (research §10.5)', () => {
  const yaml = `
uvmscope: 1
regions: [ { name: A, size: 2MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: uvm.advise, region: A, advice: read-mostly }
  - { op: gpu.kernel, access: { region: A, op: read } }
  - { op: cpu.write, region: A, length: 4KiB }
`;
  it('keeps the CPU copy and its read mapping while the GPU gets a read-only duplicate', () => {
    const run = runYaml(yaml);
    const lastKernelStep = lastStepOfOp(run, 2);
    run.seek(lastKernelStep);
    expect(resident(run, 0, CPU)).toEqual([[0, 512]]);
    expect(resident(run, 0, GPU)).toEqual([[0, 512]]);
    expect(mapped(run, 0, CPU, PROT_READ)).toEqual([[0, 512]]);
    expect(mapped(run, 0, CPU, PROT_WRITE)).toEqual([]);
    expect(mapped(run, 0, GPU, PROT_READ)).toEqual([[0, 512]]);
    expect(mapped(run, 0, GPU, PROT_WRITE)).toEqual([]);
    const m = run.ctx.m;
    expect(m.readMask(m.layout.readDupBase(0)).count()).toBe(512);
    expect(checkInvariants(run)).toEqual([]);
  });

  it('collapses the written page to the CPU without a copy, discarding the GPU copy', () => {
    const run = runYaml(yaml);
    const htodBefore = copies(run).filter((c) => c.dst === GPU).length;
    expect(resident(run, 0, GPU)).toEqual([[1, 512]]);
    expect(resident(run, 0, CPU)).toEqual([[0, 512]]);
    expect(mapped(run, 0, GPU, PROT_READ)).toEqual([[1, 512]]);
    expect(mapped(run, 0, CPU, PROT_WRITE)).toEqual([[0, 1]]);
    const m = run.ctx.m;
    expect(m.readMask(m.layout.readDupBase(0)).has(0)).toBe(false);
    // the collapse copied nothing back: the CPU already held the page
    expect(copies(run).filter((c) => c.dst === CPU)).toEqual([]);
    expect(htodBefore).toBeGreaterThan(0);
    expect(checkInvariants(run)).toEqual([]);
  });
});

describe('preferred location and accessed-by (research §8)', () => {
  it('maps a GPU reading CPU-preferred data remotely over SYS instead of migrating it', () => {
    const run = runYaml(`
uvmscope: 1
regions: [ { name: A, size: 2MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: uvm.advise, region: A, advice: preferred-location, target: cpu }
  - { op: gpu.kernel, access: { region: A, op: read } }
`);
    expect(run.counters().htod_bytes).toBe(0);
    expect(resident(run, 0, CPU)).toEqual([[0, 512]]);
    expect(mapped(run, 0, GPU, PROT_READ)).toEqual([[0, 512]]);
    expect(apertureOf(run.ctx, 0, GPU, 100)).toBe(Aperture.sys);
    expect(run.counters().remote_maps).toBe(512);
    expect(eventsOf(run, 'remoteMap').length).toBeGreaterThan(0);
  });

  it('maps an accessed-by GPU to CPU memory at once, so its kernel never faults', () => {
    const run = runYaml(`
uvmscope: 1
regions: [ { name: A, size: 4MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: uvm.advise, region: A, advice: accessed-by, target: gpu0 }
  - { op: gpu.kernel, access: { region: A, op: read } }
`);
    expect(run.counters().gpu_faults).toBe(0);
    expect(run.counters().remote_maps).toBe(1024);
    expect(mapped(run, 1, GPU, PROT_READ)).toEqual([[0, 512]]);
    // a whole block backed by a 2 MiB CPU chunk and mapped alike gets a 2M sysmem PTE
    const m = run.ctx.m;
    expect(m.blockWord(1, m.layout.pte2m) & 1).toBe(1);
  });
});

describe('oversubscription: root-chunk eviction in the driver order (research §3, §10.4)', () => {
  // 3 root chunks: one goes to page tables (kernel), two hold data
  const machine = 'machine: { gpus: [ { name: gpu0, memory: 6MiB, arch: hopper } ] }';
  it('evicts the least recently migrated-in chunk and copies its data back with cause EVICTION', () => {
    const run = runYaml(`
uvmscope: 1
${machine}
regions: [ { name: A, size: 6MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read, length: 2MiB } }
  - { op: gpu.kernel, access: { region: A, op: read, offset: 2MiB, length: 2MiB } }
  - { op: gpu.kernel, access: { region: A, op: read, offset: 4MiB, length: 2MiB } }
`);
    const ev = eventsOf(run, 'evictChunk');
    expect(ev.map((e) => e.fields.block)).toEqual([0]);
    expect(resident(run, 0, GPU)).toEqual([]);
    expect(resident(run, 0, CPU)).toEqual([[0, 512]]);
    const m = run.ctx.m;
    expect(m.readMask(m.layout.evictedBase(0, GPU)).count()).toBe(512);
    const back = copies(run).filter((c) => c.cause === 'eviction');
    expect(back.reduce((s, c) => s + c.bytes, 0)).toBe(2 << 20);
    expect(run.counters().evictions).toBe(1);
    expect(checkInvariants(run)).toEqual([]);
  });

  it('prefers a chunk on the UNUSED list, which costs no copy', () => {
    const run = runYaml(`
uvmscope: 1
${machine}
regions: [ { name: A, size: 6MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read, length: 4MiB } }
  - { op: cpu.read, region: A, offset: 2MiB, length: 2MiB }
  - { op: gpu.kernel, access: { region: A, op: read, offset: 4MiB, length: 2MiB } }
`);
    const afterCpuRead = lastStepOfOp(run, 2);
    run.seek(afterCpuRead);
    const pmm = run.ctx.pmmOf(GPU);
    const m = run.ctx.m;
    const chunk1 = m.blockWord(1, m.layout.gpuChunk, GPU) - 1;
    expect(pmm.listChunks(List.unused)).toEqual([chunk1]);
    run.seek(run.stepCount - 1);
    const ev = eventsOf(run, 'evictChunk');
    expect(ev.map((e) => [e.fields.block, e.fields.pages])).toEqual([[1, 0]]);
    expect(copies(run).filter((c) => c.cause === 'eviction')).toEqual([]);
    expect(resident(run, 0, GPU)).toEqual([[0, 512]]);
  });
});

describe('thrashing (research §7)', () => {
  it('flags pages that ping-pong between CPU and GPU within the lapse, then throttles', () => {
    const rounds = Array.from({ length: 8 }, () => '  - { op: cpu.write, region: A }\n  - { op: gpu.kernel, access: { region: A, op: write } }\n').join('');
    const run = runYaml(`uvmscope: 1\nregions: [ { name: A, size: 64KiB } ]\nsteps:\n${rounds}`);
    const detected = eventsOf(run, 'thrashingDetected');
    expect(detected.length).toBeGreaterThan(0);
    // per-page tracking starts on the second processor's migration; the third counted event flags the page
    const first = detected[0];
    expect(run.opOf(run.stepOfTransition(first.index))).toBeGreaterThanOrEqual(3);
    expect(run.counters().throttling).toBeGreaterThan(0);
    expect(checkInvariants(run)).toEqual([]);
  });

  it('never flags anything when the policy turns thrashing detection off', () => {
    const rounds = Array.from({ length: 8 }, () => '  - { op: cpu.write, region: A }\n  - { op: gpu.kernel, access: { region: A, op: write } }\n').join('');
    const run = runYaml(`uvmscope: 1\npolicy: { thrashing: off }\nregions: [ { name: A, size: 64KiB } ]\nsteps:\n${rounds}`);
    expect(run.counters().thrashing).toBe(0);
    expect(run.counters().throttling).toBe(0);
  });
});

function lastStepOfOp(run: ReturnType<typeof runYaml>, op: number): number {
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
  return last;
}
