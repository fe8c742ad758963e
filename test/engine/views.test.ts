import { describe, expect, it } from 'vitest';
import { runYaml, eventsOf } from './helpers';
import { blockView, pageTreeView, pmmView } from '../../src/engine/run/views';
import { whyTransition } from '../../src/engine/run/why';

const yaml = `
uvmscope: 1
regions: [ { name: A, size: 4MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read, length: 2MiB } }
`;

describe('views of the state at the cursor', () => {
  it('describe a block on each processor: residency, mappings, PTE sizes and apertures', () => {
    const run = runYaml(yaml);
    const v = blockView(run, 0);
    expect(v.region).toBe('A');
    expect(v.pages).toBe(512);
    expect(v.cpuChunk2m).toBe(true);
    const [cpu, gpu] = v.processors;
    expect(cpu.resident).toEqual([]);
    expect(gpu.resident).toEqual([[0, 512]]);
    expect(gpu.pte).toEqual({ size2m: true, bigPages: [], apertures: { VID: [[0, 512]] } });
    expect(blockView(run, 1).processors[0].resident).toEqual([[0, 512]]);
    expect(() => blockView(run, 2)).toThrow(/outside/);
  });

  it('follow time travel: the same block before the kernel is all on the CPU', () => {
    const run = runYaml(yaml);
    let s = 0;
    while (run.opOf(s) < 1) s++;
    run.seek(s - 1);
    expect(blockView(run, 0).processors[0].resident).toEqual([[0, 512]]);
    expect(blockView(run, 0).processors[1].rootChunk).toBe(-1);
  });

  it('list the PMM chunks with their states and eviction lists, and the page tree levels', () => {
    const run = runYaml(yaml);
    const pmm = pmmView(run, 1);
    expect(pmm.fromPma).toBe(64);
    const kernel = pmm.chunks.filter((c) => c.type === 'kernel');
    expect(kernel.map((c) => c.state)).toEqual(['is_split']);
    expect(pmm.lists.used).toHaveLength(1);
    expect(pmm.chunks[pmm.lists.used[0]].owner).toBe(0);
    expect(pmm.lists.free).toHaveLength(62);
    const tree = pageTreeView(run, 1);
    expect(tree.tables.map((t) => t.level)).toEqual(['PDE4', 'PDE3', 'PDE2', 'PDE1', 'PDE0', 'PTE_64K']);
    expect(tree.tables.every((t) => t.aperture === 'VID')).toBe(true);
  });

  it('give a window of transitions with a count per kind', () => {
    const run = runYaml(yaml);
    const w = run.window(0, run.stepCount - 1, 10);
    expect(w.transitions).toHaveLength(10);
    expect(w.total).toBe(run.transitionCount);
    expect(w.byKind.copy).toBe(eventsOf(run, 'copy').length);
    expect(w.byKind.copy).toBeGreaterThan(0);
  });
});

describe('why did this happen', () => {
  it('walks a copy back through its call stack to the faults it serves and the scenario step', () => {
    const run = runYaml(yaml);
    const copy = eventsOf(run, 'copy')[0];
    const links = whyTransition(run, copy.index);
    const texts = links.map((l) => l.text);
    expect(texts[0]).toMatch(/uvm_va_block_make_resident_copy/);
    expect(texts.some((t) => /uvm_parent_gpu_service_replayable_faults/.test(t))).toBe(true);
    expect(texts.some((t) => /scenario's step 2 \(gpu\.kernel, line 6\)/.test(t))).toBe(true);
    expect(texts.some((t) => /serving gpu0 read fault on block 0 page \d+/.test(t))).toBe(true);
  });

  it('links a change of residency to the previous change of the same state', () => {
    const run = runYaml(yaml);
    const gpuResident = [];
    for (let t = 0; t < run.transitionCount; t++) {
      const v = run.transition(t);
      if (v.kind === 'blockResident' && v.fields.proc === 0 && (v.fields.lost as number) > 0) gpuResident.push(t);
    }
    const links = whyTransition(run, gpuResident[0]);
    const prev = links.find((l) => l.text.startsWith('before that'));
    expect(prev).toBeDefined();
    expect(run.opOf(prev!.step)).toBe(0);
  });
});
