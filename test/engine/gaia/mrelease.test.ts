/**
 * mrelease after a GPU write (research/gaia-hmm-gdr.md §1.10, §5.3): the ON_GPU scan, is_gpu_page_dirty, the GPU
 * version bump on the 16 slots, the CPU PTEs of the 16 pages removed; a clean GPU page skipped; nothing copied.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/engine/run/run';
import { Tag } from '../../../src/engine/pagecache/radix';
import { PK } from '../../../src/engine/pagecache/kinds';
import { K } from '../../../src/engine/uvm/kinds';
import { MK } from '../../../src/engine/cpu/kinds';
import { GK } from '../../../src/engine/gaia/kinds';
import { fnMrelease } from '../../../src/engine/gaia/code';
import { cpuMapped, events, fileOf, fileScenario, gpuWritten, opSteps, pcOf, RELEASE_YAML, runYaml, stepsOn, tagged, tsvtWrite } from './setup';

const MRELEASE = 4;

describe('mrelease after a GPU write', () => {
  let run: Run;
  let f: number;
  beforeAll(() => {
    run = runYaml(RELEASE_YAML);
    f = fileOf(run);
  });

  it('starts with two GPU pages, the first written by the GPU, and the CPU mapping pages 0-31', () => {
    run.seek(opSteps(run, MRELEASE)[0]);
    const pc = pcOf(run);
    expect(tagged(pc, f, 0, 256, Tag.onGpu)).toEqual(range(0, 32));
    expect(gpuWritten(run, 0)).toEqual([[0, 16]]);
    for (let i = 0; i < 32; i++) expect(cpuMapped(run, i)).toBe(true);
    for (let i = 0; i < 32; i++) expect(pc.isStale(f, i, pc.cpu)).toBe(false);
    run.seek(run.stepCount - 1);
  });

  it('scans the ON_GPU indices and asks is_gpu_page_dirty once per GPU page: 0 dirty, 16 clean', () => {
    const checks = events(run, GK.mreleaseCheck, MRELEASE);
    expect(checks.map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([
      [0, 0, 1, 1],
      [0, 16, 1, 0],
    ]);
    expect(stepsOn(run, fnMrelease.at.dirty, MRELEASE)).toEqual(checks.map((e) => e.step));
    // one version line and one unmap line: the clean page is skipped
    expect(stepsOn(run, fnMrelease.at.version, MRELEASE).length).toBe(1);
    expect(stepsOn(run, fnMrelease.at.unmap, MRELEASE).length).toBe(1);
    expect(stepsOn(run, fnMrelease.at.scan, MRELEASE).length).toBe(2); // one batch, then an empty one
    expect(stepsOn(run, fnMrelease.at.unmap, MRELEASE)[0]).toBeLessThan(checks[1].step);
  });

  it('bumps the GPU version of the 16 slots of the dirty page, which makes the CPU pages stale in the GPU column', () => {
    const pc = pcOf(run);
    const version = stepsOn(run, fnMrelease.at.version, MRELEASE)[0];
    run.seek(version - 1);
    for (let i = 0; i < 32; i++) expect(pc.pageVersionOn(f, i, 0)).toEqual([0, 0, 0]);
    run.seek(version);
    for (let i = 0; i < 16; i++) {
      expect(pc.pageVersionOn(f, i, 0)).toEqual([1, 0, 0]);
      expect(pc.latestVersion(f, i)).toEqual([1, 0, 0]);
      expect(pc.pageVersionOn(f, i, pc.cpu)).toEqual([-1, 0, 0]);
      expect(pc.staleColumn(f, i, pc.cpu)).toBe(0); // the GPU's column
    }
    for (let i = 16; i < 32; i++) {
      expect(pc.pageVersionOn(f, i, 0)).toEqual([0, 0, 0]);
      expect(pc.isStale(f, i, pc.cpu)).toBe(false);
    }
    const bumps = events(run, PK.pcTsvt, MRELEASE).map((e) => tsvtWrite(run, e));
    expect(bumps.map((w) => [w.slot, w.viewer, w.owner, w.previous, w.version])).toEqual(range(0, 16).map((s) => [s, 0, 0, 0, 1]));
    run.seek(run.stepCount - 1);
  });

  it('then removes the CPU PTEs of the 16 pages (try_to_unmap), and only theirs', () => {
    const unmap = stepsOn(run, fnMrelease.at.unmap, MRELEASE)[0];
    run.seek(unmap);
    for (let i = 0; i < 32; i++) expect(cpuMapped(run, i)).toBe(true);
    expect(run.stackOf(unmap + 1).map((x) => x.fn)).toEqual(['scenario', 'mrelease', 'unmap_mapping_range']);
    const [, last] = opSteps(run, MRELEASE);
    run.seek(last);
    for (let i = 0; i < 16; i++) expect(cpuMapped(run, i)).toBe(false);
    for (let i = 16; i < 32; i++) expect(cpuMapped(run, i)).toBe(true);
    expect(events(run, MK.tlbFlush, MRELEASE).length).toBe(1);
    expect(events(run, GK.mreleaseDone, MRELEASE).map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[0, 1, 0, 16]]);
    run.seek(run.stepCount - 1);
  });

  it('copies nothing: the GPU keeps the newest copy and the CPU pages stay cached, stale but unmapped', () => {
    expect(events(run, K.copy, MRELEASE)).toEqual([]);
    expect(events(run, GK.retrieved, MRELEASE)).toEqual([]);
    const [first, last] = opSteps(run, MRELEASE);
    run.seek(first);
    const t0 = run.simTimeNs();
    const pages = pcOf(run).nrpages(f);
    run.seek(last);
    expect(run.simTimeNs() - t0).toBe(16 * 50 + 1000); // 16 PTEs zapped, one TLB flush
    expect(pcOf(run).nrpages(f)).toBe(pages);
    expect(gpuWritten(run, 0)).toEqual([[0, 16]]); // the shadow is refreshed only when the CPU pulls a page
    expect(run.ctx.m.readMask(run.ctx.m.layout.residentBase(0, 1)).countRange(0, 32)).toBe(32);
    run.seek(run.stepCount - 1);
  });

  it('releases nothing and unmaps nothing when the GPU wrote nothing', () => {
    const r = runYaml(
      fileScenario('1MiB', ['{ op: gaia.map, region: data.bin }', '{ op: cpu.read, region: data.bin, length: 64KiB }', '{ op: gpu.kernel, access: { region: data.bin, op: read, length: 64KiB } }', '{ op: gaia.mrelease, region: data.bin }']),
    );
    expect(events(r, GK.mreleaseCheck, 3).map((e) => e.y)).toEqual([0]);
    expect(events(r, GK.mreleaseDone, 3).map((e) => [e.idx, e.x, e.y])).toEqual([[0, 0, 0]]);
    expect(events(r, PK.pcTsvt, 3)).toEqual([]);
    for (let i = 0; i < 16; i++) expect(cpuMapped(r, i)).toBe(true);
  });

  it('scans the whole CPU VMA whatever range it is given', () => {
    const r = runYaml(
      fileScenario('1MiB', [
        '{ op: gaia.map, region: data.bin }',
        '{ op: gpu.kernel, access: { region: data.bin, op: write, offset: 512KiB, length: 64KiB } }',
        '{ op: gaia.mrelease, region: data.bin, offset: 0, length: 4KiB }',
      ]),
    );
    expect(events(r, GK.mreleaseCheck, 2).map((e) => [e.idx, e.y])).toEqual([[128, 1]]);
  });
});

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo }, (_, k) => lo + k);
}
