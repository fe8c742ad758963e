/**
 * A file shared while two GPUs are in the machine. The model keeps one shared range and one GAIA GPU row per file
 * (the prototype's single shared va_space and GPU_NVIDIA row): a second gmmap is refused, maquire and mrelease work
 * on the file's row whichever GPU their flags name, retrive_cached_page reads a page where UVM has it, and
 * invalidate_cached_page evicts the block from every GPU holding some of it.
 */
import { describe, expect, it } from 'vitest';
import { blockView } from '../../../src/engine/run/views';
import { K } from '../../../src/engine/uvm/kinds';
import { GK, REFUSALS } from '../../../src/engine/gaia/kinds';
import { fnGmmap } from '../../../src/engine/gaia/code';
import { events, fileOf, fileScenario, fromCache, opSteps, pcOf, runYaml, stepsOn } from './setup';

const GPUS = ['gpu0', 'gpu1'];
const KiB = 1024;

describe('a file shared with gpu0 in a machine with two GPUs', () => {
  it('refuses a second gmmap, for either GPU, and changes nothing', () => {
    const run = runYaml(fileScenario('1MiB', ['{ op: gaia.map, region: data.bin, gpu: gpu0 }', '{ op: gaia.map, region: data.bin, gpu: gpu1 }', '{ op: gaia.map, region: data.bin, gpu: gpu0 }'], GPUS));
    for (const op of [1, 2]) {
      const refused = events(run, GK.callRefused, op);
      expect(refused.map((e) => [e.obj, e.x])).toEqual([[0, 4]]);
      expect(run.ctx.steps.lineOf(refused[0].step)).toBe(fnGmmap.at.ret);
      expect(stepsOn(run, fnGmmap.at.touch, op)).toEqual([]);
      expect(events(run, GK.gaiaMapped, op)).toEqual([]);
    }
    expect(REFUSALS[4]).toMatch(/already shared/);
    expect(run.platform!.gaia!.sharedGpu(0)).toBe(1);
    expect(run.counters().cpu_faults).toBe(5); // the first gmmap's touch only
  });

  it('lets gpu1 reach the file through UVM: its faults fill pages from the page cache into the file\'s one GPU row', () => {
    const run = runYaml(fileScenario('1MiB', ['{ op: gaia.map, region: data.bin, gpu: gpu0 }', '{ op: gpu.kernel, gpu: gpu1, access: { region: data.bin, op: read, length: 64KiB } }'], GPUS));
    const pc = pcOf(run);
    const f = fileOf(run);
    expect(events(run, GK.populate, 1).length).toBe(16);
    expect(pc.pagecacheGetGpuPage(f, 0, 0)).toBeGreaterThanOrEqual(0);
    expect(pc.pagecacheGetGpuPage(f, 0, 1)).toBe(-1);
    expect(blockView(run, 0).processors[2].resident).toEqual([[0, 16]]);
  });

  const STEPS = [
    '{ op: gaia.map, region: data.bin, gpu: gpu0 }', // 0
    '{ op: cpu.read, region: data.bin, length: 128KiB }', // 1
    '{ op: gpu.kernel, gpu: gpu0, access: { region: data.bin, op: read, length: 128KiB } }', // 2: GPU pages 0 and 16
    '{ op: gpu.kernel, gpu: gpu1, access: { region: data.bin, op: write, length: 64KiB } }', // 3: pages 0-15 move to gpu1
    '{ op: gaia.mrelease, region: data.bin, gpu: gpu1 }', // 4
    '{ op: cpu.read, region: data.bin, length: 8KiB }', // 5: pulled from gpu1
    '{ op: cpu.write, region: data.bin, offset: 64KiB, length: 4KiB }', // 6: page 16, whose copy is on gpu0
    '{ op: cpu.write, region: data.bin, offset: 8KiB, length: 4KiB }', // 7: page 2, whose copy is on gpu1
    '{ op: gaia.maquire, region: data.bin, gpu: gpu1 }', // 8
  ];

  it('mrelease naming gpu1 scans the file\'s row and publishes gpu1\'s write', () => {
    const run = runYaml(fileScenario('1MiB', STEPS, GPUS));
    expect(events(run, GK.mreleaseCheck, 4).map((e) => [e.idx, e.x, e.y])).toEqual([
      [0, 1, 1],
      [16, 1, 0],
    ]);
    const pc = pcOf(run);
    run.seek(opSteps(run, 4)[1]);
    expect(pc.staleColumn(fileOf(run), 0, pc.cpu)).toBe(0);
    run.seek(run.stepCount - 1);
  });

  it('retrive_cached_page reads the page from gpu1, where UVM has it, at gpu1\'s device-to-host cost', () => {
    const run = runYaml(fileScenario('1MiB', STEPS, GPUS));
    const got = events(run, GK.retrieved, 5);
    expect(got.map((e) => [e.idx, e.x, e.y])).toEqual([
      [0, 2, 4096],
      [1, 2, 4096],
    ]);
    const [first, last] = opSteps(run, 5);
    run.seek(first);
    const t0 = run.simTimeNs();
    run.seek(last);
    expect(run.simTimeNs() - t0).toBeCloseTo(2 * (1000 + run.ctx.copyNs(2, 0, 4096) + 400), 6);
    expect(events(run, K.copy, 5)).toEqual([]);
    run.seek(run.stepCount - 1);
  });

  it('maquire naming gpu1 drops the GPU pages of the file\'s row and evicts the block from both GPUs', () => {
    const run = runYaml(fileScenario('1MiB', STEPS, GPUS));
    const pc = pcOf(run);
    const f = fileOf(run);
    run.seek(opSteps(run, 8)[0]);
    const b = blockView(run, 0);
    expect(b.processors[1].resident).toEqual([[16, 32]]);
    expect(b.processors[2].resident).toEqual([[0, 16]]);
    // CPU-dirty: 2 and 16 (and page 1's fault above left it clean: the CPU only read it)
    expect(events(run, GK.maquireDrop, 8).map((e) => [e.idx, e.x])).toEqual([
      [0, 1],
      [16, 1],
    ]);
    // the first drop evicts the whole block from gpu0 (the file's GPU, first) and from gpu1
    const inval = events(run, GK.invalidated, 8);
    expect(inval.map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([
      [0, 16, 1, 16],
      [0, 0, 2, 16],
    ]);
    const out = events(run, K.copy, 8).map((e) => [e.x & 63, (e.x >>> 6) & 63, e.y]);
    expect(out).toEqual([
      [1, 0, 64 * KiB],
      [2, 0, 64 * KiB],
    ]);
    run.seek(run.stepCount - 1);
    const after = blockView(run, 0);
    expect(after.processors[1].resident).toEqual([]);
    expect(after.processors[2].resident).toEqual([]);
    expect(fromCache(run, 0)).toEqual([]);
    expect(pc.nrGpuPages(f)).toBe(0);
    expect(events(run, GK.maquireDone, 8).map((e) => [e.idx, e.y])).toEqual([[2, 2]]);
  });
});
