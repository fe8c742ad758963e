/**
 * /dev/nvidia-uvm's paths step by step (uvmdev/): uvm_open replacing filp->f_mapping, UVM_INITIALIZE recording it as
 * va_space->mapping, uvm_mmap inside do_mmap linking the VMA only at the end, and block_unmap_cpu's
 * unmap_mapping_range walking exactly the VMAs of the va_space's address_space, one call per run of pages.
 */
import { describe, expect, it } from 'vitest';
import { runYaml } from '../helpers';
import type { Run } from '../../../src/engine/run/run';
import { fnApiInitialize, fnUvmMmap, fnUvmOpen, fnVaSpaceCreate } from '../../../src/engine/uvmdev/code';
import { fnMmap, fnUnmapMappingRange } from '../../../src/engine/cpu/code';
import { fnBlockUnmapCpu } from '../../../src/engine/uvm/code';
import { FdType } from '../../../src/engine/uvmdev/kinds';
import { F_MAPPING, F_TYPE, F_VA_SPACE, V_STATE } from '../../../src/engine/uvmdev/state';

const PRIVATE = `uvmscope: 1
regions:
  - { name: A, size: 4MiB }
  - { name: B, size: 64KiB }
steps:
  - { op: cpu.write, region: A, pattern: list, pages: [0, 1, 2, 40, 41, 600] }
  - { op: uvm.prefetch, region: A, to: gpu0 }
  - { op: uvm.open, process: 2 }
`;

/** Labels of `fn`'s lines in the order the run steps through them (consecutive repeats merged). */
function labelsOf(run: Run, fn: { name: string; at: Record<string, number> }, from = 0, to = run.stepCount - 1): string[] {
  const names = new Map(Object.entries(fn.at).map(([label, id]) => [id, label]));
  const out: string[] = [];
  for (let s = from; s <= to; s++) {
    if (run.frameOf(s).fn !== fn.name) continue;
    const label = names.get(run.ctx.steps.lineOf(s))!;
    if (out[out.length - 1] !== label) out.push(label);
  }
  return out;
}

function firstStepAt(run: Run, line: number, from = 0): number {
  for (let s = from; s < run.stepCount; s++) if (run.ctx.steps.lineOf(s) === line) return s;
  throw new Error(`line ${line} never stepped`);
}

describe('opening /dev/nvidia-uvm', () => {
  it('runs uvm_open, then uvm_api_initialize into uvm_va_space_create, when the process starts', () => {
    const run = runYaml(PRIVATE);
    let setupEnd = 0;
    while (run.frameOf(setupEnd + 1).fn !== 'scenario') setupEnd++;
    expect(labelsOf(run, fnUvmOpen, 0, setupEnd)).toEqual(['entry', 'status', 'alloc', 'init', 'fmapping', 'ret']);
    expect(labelsOf(run, fnApiInitialize, 0, setupEnd)).toEqual(['entry', 'cas', 'create', 'set']);
    expect(labelsOf(run, fnVaSpaceCreate, 0, setupEnd)).toEqual(['entry', 'alloc', 'init', 'mapping', 'locked', 'mm', 'list']);
  });

  it('replaces filp->f_mapping at its own line, and records it as va_space->mapping before the file names its va_space', () => {
    const run = runYaml(PRIVATE);
    const s = run.ctx.uvmDev!.s;
    run.seek(firstStepAt(run, fnUvmOpen.at.init));
    expect(s.file(0, F_MAPPING)).toBe(0); // still the inode's i_mapping
    run.seek(firstStepAt(run, fnUvmOpen.at.fmapping));
    expect(s.file(0, F_MAPPING)).toBe(1); // file 0's private address_space
    run.seek(firstStepAt(run, fnApiInitialize.at.cas));
    expect(s.file(0, F_TYPE)).toBe(FdType.initializing);
    run.seek(firstStepAt(run, fnVaSpaceCreate.at.mapping));
    expect(s.file(0, F_VA_SPACE)).toBe(2); // address_space 1, + 1
    expect(s.file(0, F_TYPE)).toBe(FdType.initializing);
    run.seek(firstStepAt(run, fnApiInitialize.at.set));
    expect(s.file(0, F_TYPE)).toBe(FdType.vaSpace);
    run.seek(run.stepCount - 1);
  });

  it('keeps the inode\u2019s i_mapping under policy.uvmSharedMapping: both files on address_space 0', () => {
    const run = runYaml(PRIVATE.replace('regions:', 'policy: { uvmSharedMapping: on }\nregions:'));
    // process 1 at start-up, process 2 at uvm.open: neither allocates an address_space
    expect(labelsOf(run, fnUvmOpen)).toEqual(['entry', 'status', 'shared', 'ret', 'entry', 'status', 'shared', 'ret']);
    const dev = run.ctx.uvmDev!;
    expect([dev.vaSpaceMapping(1), dev.vaSpaceMapping(2)]).toEqual([0, 0]);
  });

  it('maps each managed region through do_mmap → uvm_mmap, linking the VMA only after the driver accepts it', () => {
    const run = runYaml(PRIVATE);
    const dev = run.ctx.uvmDev!;
    expect(labelsOf(run, fnUvmMmap, 0, firstStepAt(run, fnUvmMmap.at.ret))).toEqual(['entry', 'offset', 'shared', 'flags', 'range', 'ret']);
    run.seek(firstStepAt(run, fnMmap.at.driver));
    expect(dev.s.vmas).toBe(1);
    expect(dev.s.vma(0, V_STATE)).toBe(0); // made by mmap_region, not linked yet
    run.seek(firstStepAt(run, fnMmap.at.link));
    expect(dev.s.vma(0, V_STATE)).toBe(1);
    run.seek(run.stepCount - 1);
    // process 1's and process 2's VMAs of A and B, at the regions' addresses
    expect([dev.vmaOf(1, 0), dev.vmaOf(1, 1), dev.vmaOf(2, 0), dev.vmaOf(2, 1)]).toEqual([0, 1, 2, 3]);
    expect(dev.startOf(2)).toBe(run.ctx.m.regions[0].va);
    expect(dev.startOf(3)).toBe(run.ctx.m.regions[1].va);
  });
});

describe('block_unmap_cpu through the va_space\u2019s address_space', () => {
  /** unmap_mapping_range calls of a run, as [first file page from the region's start, pages, PTEs zapped]. */
  function zapCalls(run: Run): [number, number, number][] {
    const base = run.ctx.m.regions[0].va / 4096;
    const out: [number, number, number][] = [];
    for (let t = 0; t < run.transitionCount; t++) {
      const v = run.transition(t);
      if (v.kind === 'uvmZapRange') out.push([Number(v.fields.pgoff) - base, Number(v.fields.pages), 0]);
      if (v.kind === 'uvmZapVma') out[out.length - 1][2] += Number(v.fields.ptes);
    }
    return out;
  }

  it('unmaps a whole block in one call when the whole block moves (uvm.prefetch), zapping the PTEs the CPU had', () => {
    const run = runYaml(PRIVATE);
    // the CPU's faults mapped a 64 KiB big page around each write: 32 PTEs in block 0, 16 in block 1
    expect(zapCalls(run)).toEqual([
      [0, 512, 32],
      [512, 512, 16],
    ]);
    const walk = firstStepAt(run, fnUnmapMappingRange.at.walk);
    expect(run.stackOf(walk).map((f) => f.fn).slice(-3)).toEqual(['uvm_va_block_unmap', 'block_unmap_cpu', 'unmap_mapping_range']);
    expect(labelsOf(run, { name: 'block_unmap_cpu', at: fnBlockUnmapCpu.at })).toEqual(['entry', 'subregion', 'entry', 'subregion']);
  });

  it('calls unmap_mapping_range once per contiguous run of the pages that move', () => {
    const run = runYaml(`uvmscope: 1
policy: { prefetch: off }
regions:
  - { name: A, size: 2MiB }
steps:
  - { op: cpu.write, region: A, length: 64KiB }
  - { op: gpu.kernel, access: { region: A, op: read, pattern: list, pages: [1, 2, 9] } }
`);
    // the GPU faults on pages 1, 2 and 9 only (no prefetch): runs 1-2 and 9, each its own call
    expect(zapCalls(run)).toEqual([
      [1, 2, 2],
      [9, 1, 1],
    ]);
  });
});
