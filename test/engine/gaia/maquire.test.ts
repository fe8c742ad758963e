/**
 * maquire after CPU writes (research/gaia-hmm-gdr.md §1.9, §5.2): the fsync, the CPU_DIRTY scan in batches of
 * 1025, each GPU page dropped from the page cache (ON_GPU cleared, slot emptied, TSVT GPU rows reset, count_gpu down,
 * gpu_lra unlinked), invalidate_cached_page evicting the block from the GPU and clearing page_from_cache for the
 * group's 16 pages, CPU_DIRTY cleared, the statistics; CPU-dirty pages without a GPU copy counted as missing; the next
 * GPU access refilling the dropped pages from the page cache.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/engine/run/run';
import { blockView } from '../../../src/engine/run/views';
import { PG } from '../../../src/engine/cpu/memmap';
import { Tag } from '../../../src/engine/pagecache/radix';
import { PK } from '../../../src/engine/pagecache/kinds';
import { fnDeleteGpu } from '../../../src/engine/pagecache/code';
import { K } from '../../../src/engine/uvm/kinds';
import { GK } from '../../../src/engine/gaia/kinds';
import { fnInvalidateCached, fnMaquire } from '../../../src/engine/gaia/code';
import { MAQUIRE_BATCH } from '../../../src/engine/gaia/gaia';
import { countGpuChain, events, fileOf, fileScenario, fromCache, gpuSlot, opSteps, pcOf, runYaml, stepsOn, tagged, tsvtWrite } from './setup';

const KiB = 1024;

const GPU_READ = 1;
const MAQUIRE = 4;
const GPU_AGAIN = 5;
const YAML = fileScenario('2MiB', [
  '{ op: gaia.map, region: data.bin }',
  '{ op: gpu.kernel, access: { region: data.bin, op: read, length: 256KiB } }', // GPU pages at 0, 16, 32, 48
  '{ op: cpu.write, region: data.bin, offset: 64KiB, length: 64KiB }', // pages 16-31: the GPU page at 16 is stale
  '{ op: cpu.write, region: data.bin, offset: 1MiB, length: 8KiB }', // pages 256, 257: no GPU copy
  '{ op: gaia.maquire, region: data.bin }',
  '{ op: gpu.kernel, access: { region: data.bin, op: read, length: 256KiB } }',
]);

describe('maquire after CPU writes', () => {
  let run: Run;
  let f: number;
  beforeAll(() => {
    run = runYaml(YAML);
    f = fileOf(run);
  });

  it('starts with four GPU pages and 18 CPU_DIRTY indices', () => {
    run.seek(opSteps(run, MAQUIRE)[0]);
    const pc = pcOf(run);
    expect(pc.nrGpuPages(f)).toBe(4);
    expect(tagged(pc, f, 0, 512, Tag.onGpu)).toEqual(range(0, 64));
    expect(tagged(pc, f, 0, 512, Tag.cpuDirty)).toEqual([...range(16, 32), 256, 257]);
    expect(blockView(run, 0).processors[1].resident).toEqual([[0, 64]]);
    run.seek(run.stepCount - 1);
  });

  it('checks, finds the VMAs, then fsyncs the range: 18 pages written in two I/Os, CPU_DIRTY kept, no CPU version bumped', () => {
    const [first, last] = opSteps(run, MAQUIRE);
    const lines: string[] = [];
    for (let s = first; s <= last; s++) if (run.frameOf(s).fn === 'maquire') lines.push(run.frameOf(s).text.split(' ')[0]);
    expect(lines.slice(0, 5)).toEqual(['maquire(start,', 'flags', 'shared_vma', 'cpu_addr', 'vfs_fsync_range:']);
    const fsync = stepsOn(run, fnMaquire.at.fsync, MAQUIRE)[0];
    expect(run.stackOf(fsync + 1).map((x) => x.fn)).toEqual(['scenario', 'maquire', 'msync']);
    const writes = events(run, PK.diskWrite, MAQUIRE);
    expect(writes.map((e) => [e.idx, e.x, e.y])).toEqual([
      [16, 16, 64 * KiB],
      [256, 2, 8 * KiB],
    ]);
    // the pages were CPU_DIRTY already when they were written: tag_pages_for_writeback bumps no version, and the
    // only version writes are end_page_writeback's, the disk row's CPU column catching up with the CPU's version 0
    const versions = events(run, PK.pcTsvt, MAQUIRE);
    expect(versions.length).toBe(18);
    for (const e of versions) {
      expect(run.frameOf(e.step).fn).toBe('end_page_writeback');
      expect(tsvtWrite(run, e)).toMatchObject({ viewer: pcOf(run).disk, owner: pcOf(run).cpu, previous: -1, version: 0 });
    }
    const scan = stepsOn(run, fnMaquire.at.scan, MAQUIRE)[0];
    run.seek(scan - 1);
    const pc = pcOf(run);
    expect(tagged(pc, f, 0, 512, Tag.dirty)).toEqual([]);
    expect(tagged(pc, f, 0, 512, Tag.cpuDirty)).toEqual([...range(16, 32), 256, 257]);
    for (const i of [...range(16, 32), 256, 257]) expect(pc.mem.has(pc.lookup(f, i), PG.dirty)).toBe(false);
    run.seek(run.stepCount - 1);
  });

  it('looks up each CPU_DIRTY index: the first finds the GPU page, the other 15 of its group and 256, 257 find none', () => {
    const looks = stepsOn(run, fnMaquire.at.gpuPage, MAQUIRE);
    expect(looks.length).toBe(18);
    // the drop line, and the same line again once __delete_from_page_cache_gpu returns
    expect(stepsOn(run, fnMaquire.at.drop, MAQUIRE).length).toBe(2);
    expect(stepsOn(run, fnMaquire.at.missing, MAQUIRE).length).toBe(17);
    expect(events(run, GK.maquireDrop, MAQUIRE).map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[0, 16, 1, 1]]);
    expect(events(run, GK.maquireMissing, MAQUIRE).map((e) => e.idx)).toEqual([...range(17, 32), 256, 257]);
    // one batch holds all 18; the second scan finds nothing and ends the loop
    expect(stepsOn(run, fnMaquire.at.scan, MAQUIRE).length).toBe(2);
  });

  it('drops the GPU page from the page cache one line at a time', () => {
    const pc = pcOf(run);
    const at = (line: number) => stepsOn(run, line, MAQUIRE)[0];
    const [tag, slot, version, count, lra] = [at(fnDeleteGpu.at.tag), at(fnDeleteGpu.at.slot), at(fnDeleteGpu.at.version), at(fnDeleteGpu.at.count), at(fnDeleteGpu.at.lra)];
    expect(run.stackOf(tag).map((x) => x.fn)).toEqual(['scenario', 'maquire', '__delete_from_page_cache_gpu']);
    run.seek(tag - 1);
    const gp = gpuSlot(pc, f, 16);
    expect(gp).toBeGreaterThanOrEqual(0);
    expect(pc.pagecacheGetGpuPage(f, 16, 0)).toBe(gp);
    expect(countGpuChain(pc, f, 16)).toEqual([4, 4]); // the leaf of indices 0-63 and the root
    expect(pc.pageVersionOn(f, 16, 0)).toEqual([0, 0, 0]);
    const lraBefore = pc.gpuLra(f);
    expect(lraBefore).toContain(gp);
    // ON_GPU cleared on indices 16-31 only
    run.seek(tag);
    expect(tagged(pc, f, 0, 512, Tag.onGpu)).toEqual([...range(0, 16), ...range(32, 64)]);
    expect(gpuSlot(pc, f, 16)).toBe(gp);
    // the gpu_pages slot emptied
    run.seek(slot);
    expect(gpuSlot(pc, f, 16)).toBe(-1);
    expect(pc.pagecacheGetGpuPage(f, 16, 0)).toBe(-1);
    expect(pc.pageVersionOn(f, 16, 0)).toEqual([0, 0, 0]);
    // the GPU rows of the 16 slots reset: -1, the disk column kept at the disk's version
    run.seek(version);
    for (const i of range(16, 32)) expect(pc.pageVersionOn(f, i, 0)).toEqual([-1, -1, 0]);
    expect(pc.pageVersionOn(f, 15, 0)).toEqual([0, 0, 0]);
    expect(pc.pageVersionOn(f, 32, 0)).toEqual([0, 0, 0]);
    expect(countGpuChain(pc, f, 16)).toEqual([4, 4]);
    // count_gpu down the chain
    run.seek(count);
    expect(countGpuChain(pc, f, 16)).toEqual([3, 3]);
    // unlinked from gpu_lra, gpu_cached_data_sz 3, the struct page no longer PageonGPU
    run.seek(lra);
    expect(pc.gpuLra(f)).toEqual(lraBefore.filter((p) => p !== gp));
    expect(pc.nrGpuPages(f)).toBe(3);
    expect(pc.mem.has(gp, PG.onGPU)).toBe(false);
    expect(events(run, PK.gpuDelete, MAQUIRE).map((e) => [e.idx, e.y])).toEqual([[16, gp]]);
    run.seek(run.stepCount - 1);
  });

  it('invalidate_cached_page evicts the whole block from the GPU, then forgets page_from_cache for the 16 pages', () => {
    const inval = stepsOn(run, fnMaquire.at.invalidate, MAQUIRE)[0];
    const evict = stepsOn(run, fnInvalidateCached.at.evict, MAQUIRE);
    const forget = stepsOn(run, fnInvalidateCached.at.forget, MAQUIRE)[0];
    expect(run.stackOf(forget).map((x) => x.fn)).toEqual(['scenario', 'maquire', 'uvm_vm_invalidate_cached_page']);
    run.seek(inval);
    expect(blockView(run, 0).processors[1].resident).toEqual([[0, 64]]);
    expect(fromCache(run, 0)).toEqual([[0, 64]]);
    // the eviction: one 256 KiB device-to-host copy, the GPU unmapped, the CPU holds the block again
    const copies = events(run, K.copy, MAQUIRE);
    expect(copies.map((e) => [e.x & 63, (e.x >>> 6) & 63, e.y])).toEqual([[1, 0, 256 * KiB]]);
    expect(copies[0].step).toBeGreaterThan(evict[0]);
    run.seek(forget - 1);
    const b = blockView(run, 0);
    expect(b.processors[1].resident).toEqual([]);
    expect(b.processors[1].mappedRead).toEqual([]);
    expect(b.processors[0].resident).toEqual([[0, 512]]);
    expect(fromCache(run, 0)).toEqual([[0, 64]]);
    expect(events(run, GK.invalidated, MAQUIRE).map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[0, 0, 1, 64]]);
    // forget: only the dropped group's 16 pages must be refilled from the page cache
    run.seek(forget);
    expect(fromCache(run, 0)).toEqual([
      [0, 16],
      [32, 64],
    ]);
    run.seek(run.stepCount - 1);
  });

  it('clears CPU_DIRTY on each index as it goes, and returns 1 with 17 missing', () => {
    const pc = pcOf(run);
    const clears = stepsOn(run, fnMaquire.at.clearTag, MAQUIRE);
    expect(clears.length).toBe(18);
    run.seek(clears[0] - 1);
    expect(pc.tagGet(f, 16, Tag.cpuDirty)).toBe(true);
    run.seek(run.nextOut(clears[0] + 1));
    expect(tagged(pc, f, 0, 512, Tag.cpuDirty)).toEqual([...range(17, 32), 256, 257]);
    run.seek(opSteps(run, MAQUIRE)[1]);
    expect(tagged(pc, f, 0, 512, Tag.cpuDirty)).toEqual([]);
    const done = events(run, GK.maquireDone, MAQUIRE);
    expect(done.map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[0, 1, 17, 1]]);
    expect(run.frameOf(done[0].step).text).toMatch(/^return the number of GPU pages dropped/);
    expect(run.counters().maquire_invalidated).toBe(1);
    expect(run.counters().page_cache_gpu_pages).toBe(3);
    run.seek(run.stepCount - 1);
  });

  it('the next GPU access refills exactly the dropped pages from the page cache and re-adds their GPU page', () => {
    const pop = events(run, GK.populate, GPU_AGAIN);
    expect(pop.map((e) => e.y)).toEqual(range(16, 32));
    expect(events(run, PK.diskRead, GPU_AGAIN)).toEqual([]);
    expect(events(run, PK.gpuInsert, GPU_AGAIN).map((e) => e.idx)).toEqual([16]);
    const pc = pcOf(run);
    run.seek(run.stepCount - 1);
    expect(pc.nrGpuPages(f)).toBe(4);
    expect(tagged(pc, f, 0, 512, Tag.onGpu)).toEqual(range(0, 64));
    expect(fromCache(run, 0)).toEqual([[0, 64]]);
    for (const i of range(16, 32)) {
      expect(pc.pageVersionOn(f, i, 0)).toEqual([0, 0, 0]);
      expect(pc.isStale(f, i, 0)).toBe(false);
    }
    // the whole first 256 KiB went back to the GPU, the other 48 pages from UVM's CPU copy without the page cache
    const htod = events(run, K.copy, GPU_AGAIN).reduce((n, e) => n + e.y, 0);
    expect(htod).toBe(256 * KiB);
    expect(events(run, GK.populate, GPU_READ).length).toBe(64);
  });
});

describe('maquire: the other cases', () => {
  it('re-tags CPU_DIRTY at fsync a page the CPU wrote before the GPU read it, bumps its version and drops its GPU copy', () => {
    // the GPU took the CPU's data (populate cleared CPU_DIRTY) but PG_dirty stayed: tag_pages_for_writeback turns
    // DIRTY into CPU_DIRTY again without looking at PG_dirty_GPU (mm/page-writeback.c, GAIA hunk), so maquire drops a
    // GPU copy that was not stale: the prototype's behaviour, modelled as it is
    const run = runYaml(
      fileScenario('1MiB', [
        '{ op: gaia.map, region: data.bin }',
        '{ op: cpu.write, region: data.bin, length: 64KiB }',
        '{ op: gpu.kernel, access: { region: data.bin, op: read, length: 64KiB } }',
        '{ op: gaia.maquire, region: data.bin }',
      ]),
    );
    const f = fileOf(run);
    const pc = pcOf(run);
    run.seek(opSteps(run, 3)[0]);
    expect(tagged(pc, f, 0, 64, Tag.cpuDirty)).toEqual([]);
    expect(tagged(pc, f, 0, 64, Tag.dirty)).toEqual(range(0, 16));
    expect(pc.pageVersionOn(f, 0, pc.cpu)).toEqual([-1, 0, 0]);
    // each of the 16 pages newly tagged CPU_DIRTY bumps the CPU version of every slot of its group (GAIA's loop runs
    // per tagged page), so the group's CPU version reaches 16; write-back then raises the disk's to it
    const bumps = events(run, PK.pcTsvt, 3).filter((e) => run.frameOf(e.step).fn === 'tag_pages_for_writeback');
    expect(bumps.length).toBe(16 * 16);
    for (const e of bumps) {
      const w = tsvtWrite(run, e);
      expect([w.viewer, w.owner, w.version - w.previous]).toEqual([pc.cpu, pc.cpu, 1]);
    }
    run.seek(run.stepCount - 1);
    expect(pc.pageVersionOn(f, 0, pc.cpu)).toEqual([-1, 16, 16]);
    expect(events(run, GK.maquireDone, 3).map((e) => [e.idx, e.x, e.y])).toEqual([[1, 15, 1]]);
    expect(pc.nrGpuPages(f)).toBe(0);
  });

  it('scans more than 1025 CPU-dirty indices in batches of AQUIRE_PAGES_THREASHOLD + 1', () => {
    expect(MAQUIRE_BATCH).toBe(1025);
    const run = runYaml(fileScenario('8MiB', ['{ op: gaia.map, region: data.bin }', '{ op: cpu.write, region: data.bin, length: 5MiB }', '{ op: gaia.maquire, region: data.bin }']));
    const scans = stepsOn(run, fnMaquire.at.scan, 2);
    expect(scans.length).toBe(3); // 1025 + 255, then an empty batch ends the loop
    const missing = events(run, GK.maquireMissing, 2);
    expect(missing.length).toBe(1280);
    expect(missing.filter((e) => e.step < scans[1]).length).toBe(1025);
    expect(missing.filter((e) => e.step > scans[1] && e.step < scans[2]).length).toBe(255);
    // nothing was on the GPU: nothing dropped, maquire returns -1
    expect(events(run, GK.maquireDone, 2).map((e) => [e.idx, e.x, e.y])).toEqual([[0, 1280, -1]]);
    expect(tagged(pcOf(run), fileOf(run), 0, 2048, Tag.cpuDirty)).toEqual([]);
  });

  it('limits itself to the range it is given', () => {
    const run = runYaml(
      fileScenario('1MiB', [
        '{ op: gaia.map, region: data.bin }',
        '{ op: gpu.kernel, access: { region: data.bin, op: read, length: 128KiB } }',
        '{ op: cpu.write, region: data.bin, length: 128KiB }',
        '{ op: gaia.maquire, region: data.bin, offset: 64KiB, length: 64KiB }',
      ]),
    );
    const f = fileOf(run);
    const pc = pcOf(run);
    expect(events(run, GK.maquireDrop, 3).map((e) => e.idx)).toEqual([16]);
    // pages 0-15 stay CPU_DIRTY (their GPU copy is stale until a maquire covers them) and keep their GPU page
    expect(tagged(pc, f, 0, 64, Tag.cpuDirty)).toEqual(range(0, 16));
    expect(pc.pagecacheGetGpuPage(f, 0, 0)).toBeGreaterThanOrEqual(0);
    // the fsync covered the range only
    expect(events(run, PK.diskWrite, 3).map((e) => [e.idx, e.x])).toEqual([[16, 16]]);
  });

  it('is refused on a file no GPU shares', () => {
    const run = runYaml(fileScenario('1MiB', ['{ op: cpu.mmap, region: data.bin }', '{ op: cpu.write, region: data.bin, length: 8KiB }', '{ op: gaia.maquire, region: data.bin }']));
    expect(events(run, GK.callRefused, 2).map((e) => [e.obj, e.x])).toEqual([[0, 1]]);
    expect(events(run, GK.maquireDone, 2)).toEqual([]);
    expect(tagged(pcOf(run), fileOf(run), 0, 2, Tag.cpuDirty)).toEqual([0, 1]);
  });
});

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo }, (_, k) => lo + k);
}
