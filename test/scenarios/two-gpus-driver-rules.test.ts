/**
 * Two-GPU decisions of the driver that the built-in scenarios do not reach, each on a small scenario written here
 * (docs/model.md, "Two GPUs"): block_select_processor_residency's preferred-location rule skips a page already on
 * the requester; a GPU maps a page held by its peer and by the CPU through the peer (PEER before SYS:
 * uvm_processor_mask_find_closest_id), with 64 KiB PTEs where the peer's pages are alike.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario } from '../../src/engine/scenario/index.js';
import { execute } from '../../src/engine/run/execute.js';
import { blockView } from '../../src/engine/run/views.js';
import type { Run } from '../../src/engine/run/run.js';

const HEAD = `uvmscope: 1
name: two-gpu rule
machine:
  gpus:
    - { name: gpu0, memory: 80GiB, arch: hopper }
    - { name: gpu1, memory: 80GiB, arch: hopper }
regions:
  - { name: buf, size: 2MiB }
steps:
`;

function run(steps: string): Run {
  const p = parseScenario(HEAD + steps, 'inline.yaml');
  if (!p.ok) throw new Error(p.errors.map(formatScenarioError).join('\n'));
  return execute(p.scenario);
}
const pagesOf = (runs: readonly (readonly [number, number])[] | undefined) => (runs ?? []).reduce((s, [lo, hi]) => s + hi - lo, 0);

describe('two GPUs: driver rules', () => {
  it('a write fault on a page the requester already holds keeps it there, even with a preferred location elsewhere', () => {
    // gpu1 first-touches under read-mostly (its own copy, mapped read-only); the advice is removed, leaving gpu1 the
    // only copy, still read-only; the CPU becomes the preferred location (gpu1 can reach it); gpu1 then writes
    const r = run(`  - { op: uvm.advise, region: buf, advice: read-mostly }
  - op: gpu.kernel
    gpu: gpu1
    access: { region: buf, op: read }
  - { op: uvm.advise, region: buf, advice: unset-read-mostly }
  - { op: uvm.advise, region: buf, advice: preferred-location, target: cpu }
  - op: gpu.kernel
    gpu: gpu1
    access: { region: buf, op: write, length: 64KiB }
`);
    const s = r.summary().counters;
    expect(s.gpu_faults).toBeGreaterThanOrEqual(16);
    expect(s.dtoh_bytes + s.dtod_bytes).toBe(0);
    const b = blockView(r, 0);
    expect(pagesOf(b.processors[2].resident)).toBe(512);
    expect(pagesOf(b.processors[0].resident)).toBe(0);
    expect(pagesOf(b.processors[2].mappedWrite)).toBeGreaterThanOrEqual(16);
  });

  it('a GPU maps a page its peer and the CPU both hold through the peer (PEER before SYS)', () => {
    // the CPU writes, read-mostly, gpu0 duplicates it; accessed-by gpu1 maps gpu1 to the closest copy: gpu0's
    const r = run(`  - { op: cpu.write, region: buf }
  - { op: uvm.advise, region: buf, advice: read-mostly }
  - op: gpu.kernel
    gpu: gpu0
    access: { region: buf, op: read }
  - { op: uvm.advise, region: buf, advice: accessed-by, target: gpu1 }
`);
    const b = blockView(r, 0);
    const g1 = b.processors[2];
    expect(pagesOf(g1.resident)).toBe(0);
    expect(pagesOf(g1.mappedRead)).toBe(512);
    expect(pagesOf(g1.pte?.apertures.PEER)).toBe(512);
    expect(pagesOf(g1.pte?.apertures.SYS)).toBe(0);
    // read-duplicated pages are mapped read-only, through one 2 MiB PTE onto gpu0's 2 MiB chunk
    expect(pagesOf(g1.mappedWrite)).toBe(0);
    expect(g1.pte?.size2m).toBe(true);
  });

  it('a GPU mapping part of a block on its peer uses 64 KiB PTEs for it', () => {
    // gpu0 holds the block (preferred location); gpu1 maps the first 256 KiB remotely through accessed-by after
    // gpu0's first touch of those pages only
    const r = run(`  - { op: uvm.advise, region: buf, advice: preferred-location, target: gpu0 }
  - { op: uvm.prefetch, region: buf, to: gpu0, length: 256KiB }
  - { op: uvm.advise, region: buf, advice: accessed-by, target: gpu1 }
`);
    const g1 = blockView(r, 0).processors[2];
    expect(pagesOf(g1.pte?.apertures.PEER)).toBe(64);
    expect(g1.pte?.size2m).toBe(false);
    expect(g1.pte?.bigPages).toEqual([0, 1, 2, 3]);
  });
});

describe('two GPUs: advice', () => {
  it('a preferred location set on a read-mostly range keeps the preferred GPU remote mappings (read duplication first)', () => {
    // gpu1 maps the CPU's copies through accessed-by; making gpu1 the preferred location does not unmap them
    const r = run(`  - { op: cpu.write, region: buf }
  - { op: uvm.advise, region: buf, advice: read-mostly }
  - { op: uvm.advise, region: buf, advice: accessed-by, target: gpu1 }
  - { op: uvm.advise, region: buf, advice: preferred-location, target: gpu1 }
`);
    const g1 = blockView(r, 0).processors[2];
    expect(pagesOf(g1.resident)).toBe(0);
    expect(pagesOf(g1.mappedRead)).toBe(512);
    expect(pagesOf(g1.pte?.apertures.SYS)).toBe(512);
  });

  it('without read-mostly the preferred GPU drops its remote mappings', () => {
    const r = run(`  - { op: cpu.write, region: buf }
  - { op: uvm.advise, region: buf, advice: accessed-by, target: gpu1 }
  - { op: uvm.advise, region: buf, advice: preferred-location, target: gpu1 }
`);
    expect(pagesOf(blockView(r, 0).processors[2].mappedRead)).toBe(0);
  });
});

describe('two GPUs: removing read-mostly', () => {
  it('keeps the preferred location copy first, then the processors by id: the CPU before gpu0', () => {
    // duplicated on the CPU and gpu0; gpu1 preferred but holding nothing: the driver keeps the CPU's copy
    const r = run(`  - { op: cpu.write, region: buf }
  - { op: uvm.advise, region: buf, advice: read-mostly }
  - op: gpu.kernel
    gpu: gpu0
    access: { region: buf, op: read }
  - { op: uvm.advise, region: buf, advice: preferred-location, target: gpu1 }
  - { op: uvm.advise, region: buf, advice: unset-read-mostly }
`);
    const b = blockView(r, 0);
    expect(pagesOf(b.readDuplicated)).toBe(0);
    expect(pagesOf(b.processors[0].resident)).toBe(512);
    expect(pagesOf(b.processors[1].resident)).toBe(0);
    expect(pagesOf(b.processors[2].resident)).toBe(0);
  });

  it('maps the accessed-by processors again afterwards', () => {
    // gpu1 (accessed-by) maps the duplicated pages read-only; after the collapse onto the CPU it maps them again,
    // read-write now that they have one copy
    const r = run(`  - { op: cpu.write, region: buf }
  - { op: uvm.advise, region: buf, advice: read-mostly }
  - { op: uvm.advise, region: buf, advice: accessed-by, target: gpu1 }
  - op: gpu.kernel
    gpu: gpu0
    access: { region: buf, op: read }
  - { op: uvm.advise, region: buf, advice: unset-read-mostly }
`);
    const g1 = blockView(r, 0).processors[2];
    expect(pagesOf(g1.mappedRead)).toBe(512);
    expect(pagesOf(g1.mappedWrite)).toBe(512);
    expect(pagesOf(g1.pte?.apertures.SYS)).toBe(512);
  });
});
