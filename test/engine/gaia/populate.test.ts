/**
 * gmmap and the GPU's first read of a shared file (research/gaia-hmm-gdr.md §1.7, §1.8, the supporting trace of §5):
 * the shared range made CPU-resident by the skip_cache touch, uvm_populate_page_from_cache for each page UVM copies
 * (CPU_DIRTY and PG_dirty_GPU cleared), the 16th page of a group adding the GPU page to the page cache step by step
 * (gpu_pages slot, count_gpu up the tree, TSVT GPU rows, ON_GPU on the 16 indices, gpu_lra), then the HtoD copy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/engine/run/run';
import { blockView } from '../../../src/engine/run/views';
import { PG } from '../../../src/engine/cpu/memmap';
import { VM } from '../../../src/engine/cpu/vma';
import { Tag } from '../../../src/engine/pagecache/radix';
import { PK } from '../../../src/engine/pagecache/kinds';
import { fnAddGpu } from '../../../src/engine/pagecache/code';
import { fnMakeResident } from '../../../src/engine/uvm/code';
import { K } from '../../../src/engine/uvm/kinds';
import { GK } from '../../../src/engine/gaia/kinds';
import { fnGmmap, fnPopulate } from '../../../src/engine/gaia/code';
import { countGpuChain, events, fileOf, fileScenario, fromCache, gpuSlot, opSteps, pcOf, runYaml, stepsOn, tagged } from './setup';

const KiB = 1024;
const PAGE = 4096;

// op 0: gmmap; op 1: the CPU writes the first 64 KiB through its mapping; op 2: a kernel reads them
const YAML = fileScenario('1MiB', [
  '{ op: gaia.map, region: data.bin }',
  '{ op: cpu.write, region: data.bin, length: 64KiB }',
  '{ op: gpu.kernel, access: { region: data.bin, op: read, length: 64KiB } }',
]);

describe('gmmap: the file mapped for the CPU and the shared managed range', () => {
  let run: Run;
  beforeAll(() => {
    run = runYaml(YAML);
  });

  it('walks map_file_on_gpu line by line: mmap, cudaMallocManaged, UVM_MAP_VMA_RANGE, the touch, return', () => {
    const [first, last] = opSteps(run, 0);
    const lines: string[] = [];
    for (let s = first; s <= last; s++) if (run.frameOf(s).fn === 'map_file_on_gpu') lines.push(run.frameOf(s).text.split(' ')[0]);
    expect([...new Set(lines)]).toEqual(['gmmap(addr,', 'mmap', 'cudaMallocManaged(len):', 'ioctl', 'UVM_TOUCH_RANGE', 'return']);
    // the touch is ordinary UVM CPU faults on the shared range, called from gmmap
    const touch = stepsOn(run, fnGmmap.at.touch, 0)[0];
    expect(run.stackOf(touch + 1).map((f) => f.fn)).toEqual(['scenario', 'map_file_on_gpu', 'uvm_va_space_cpu_fault']);
  });

  it('records the file as shared with gpu0 at UVM_MAP_VMA_RANGE, before the touch', () => {
    const gaia = run.platform!.gaia!;
    const mapRange = stepsOn(run, fnGmmap.at.mapRange, 0)[0];
    run.seek(mapRange - 1);
    expect(gaia.sharedGpu(0)).toBe(0);
    run.seek(mapRange);
    expect(gaia.sharedGpu(0)).toBe(1);
    run.seek(run.stepCount - 1);
  });

  it('leaves the shared range CPU-resident and the page cache empty: skip_cache, no file read', () => {
    const [, last] = opSteps(run, 0);
    run.seek(last);
    const b = blockView(run, 0);
    expect(b.pages).toBe(256);
    expect(b.processors[0].resident).toEqual([[0, 256]]);
    expect(b.processors[1].resident).toEqual([]);
    expect(fromCache(run, 0)).toEqual([]);
    const pc = pcOf(run);
    const f = fileOf(run);
    expect(pc.nrpages(f)).toBe(0);
    expect(pc.nrGpuPages(f)).toBe(0);
    expect(run.counters().disk_reads).toBe(0);
    expect(run.counters().cpu_faults).toBe(5); // 64 + 64 + 128 + 256 + 512 KiB: the prefetcher widens each fault
    // the CPU VMA of the file is gpu_mapped (MAP_ON_GPU)
    const linux = run.platform!.linux!;
    const vma = linux.fileVma(0);
    expect(vma).toBeGreaterThanOrEqual(0);
    expect(linux.cpu.mm.vmas.flags(vma) & VM.gpuMapped).not.toBe(0);
    const mapped = events(run, GK.gaiaMapped);
    expect(mapped.map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[0, 1, vma, 256]]);
    run.seek(run.stepCount - 1);
  });
});

describe("the GPU's first read: uvm_populate_page_from_cache, then add_to_page_cache_gpu, then the copy", () => {
  let run: Run;
  let f: number;
  const KERNEL = 2;
  beforeAll(() => {
    run = runYaml(YAML);
    f = fileOf(run);
  });

  it('starts from 16 CPU-dirty pages: PG_dirty and PG_dirty_GPU set, DIRTY and CPU_DIRTY tagged', () => {
    const [, last] = opSteps(run, 1);
    run.seek(last);
    const pc = pcOf(run);
    expect(tagged(pc, f, 0, 64, Tag.cpuDirty)).toEqual(range(0, 16));
    expect(tagged(pc, f, 0, 64, Tag.dirty)).toEqual(range(0, 16));
    for (let i = 0; i < 16; i++) expect(pc.mem.has(pc.lookup(f, i), PG.dirty | PG.dirtyGPU)).toBe(true);
    run.seek(run.stepCount - 1);
  });

  it('populates each of the 16 pages once, in order, each from the page cache (hits: the CPU wrote them)', () => {
    const entries = stepsOn(run, fnPopulate.at.entry, KERNEL);
    expect(entries.length).toBe(16);
    const pop = events(run, GK.populate, KERNEL);
    expect(pop.map((e) => [e.obj, e.idx, e.y])).toEqual(range(0, 16).map((i) => [0, i, i]));
    // each event's x is the file page the data came from
    run.seek(run.stepCount - 1);
    for (const e of pop) expect(e.x).toBe(pcOf(run).lookup(f, e.y));
    expect(events(run, PK.diskRead, KERNEL)).toEqual([]);
  });

  it('for each page: page_from_cache set at the copy line, then PG_dirty_GPU and CPU_DIRTY cleared at the clean line', () => {
    const pc = pcOf(run);
    const copies = stepsOn(run, fnPopulate.at.copy, KERNEL);
    const cleans = stepsOn(run, fnPopulate.at.clean, KERNEL);
    expect(copies.length).toBe(16);
    for (let i = 0; i < 16; i++) {
      const pfn = pc.lookup(f, i);
      // just before the copy line: not yet filled, still CPU-dirty
      run.seek(copies[i] - 1);
      expect(fromCache(run, 0)).toEqual(i === 0 ? [] : [[0, i]]);
      expect(pc.tagGet(f, i, Tag.cpuDirty)).toBe(true);
      expect(pc.mem.has(pfn, PG.dirtyGPU)).toBe(true);
      // the copy line: copy_user_highpage + the shadow; page_from_cache[i] set
      run.seek(copies[i]);
      expect(fromCache(run, 0)).toEqual([[0, i + 1]]);
      // the clean line and the tag clear below it: PG_dirty_GPU off, CPU_DIRTY off; PG_dirty stays (not written back)
      const clean = cleans.find((s) => s > copies[i])!;
      run.seek(clean);
      expect(pc.mem.has(pfn, PG.dirtyGPU)).toBe(false);
      const afterClear = run.nextOut(clean + 1); // back in populate once radix_tree_tag_clear returns
      run.seek(afterClear);
      expect(pc.tagGet(f, i, Tag.cpuDirty)).toBe(false);
      expect(pc.mem.has(pfn, PG.dirty)).toBe(true);
      expect(tagged(pc, f, 0, 16, Tag.cpuDirty)).toEqual(range(i + 1, 16));
    }
    run.seek(run.stepCount - 1);
  });

  it('only the 16th page (index 15) adds the GPU page, each part at its own line', () => {
    const pc = pcOf(run);
    const gpuLines = stepsOn(run, fnPopulate.at.gpuPage, KERNEL);
    expect(run.frameOf(gpuLines[0]).fn).toBe('uvm_populate_page_from_cache');
    const pops = events(run, GK.populate, KERNEL);
    // the gpuPage line comes after the 16th populate event, never after the others
    expect(gpuLines[0]).toBeGreaterThan(pops[15].step);
    for (let i = 0; i < 15; i++) expect(gpuLines[0]).toBeGreaterThan(pops[i].step);
    const at = (line: number) => stepsOn(run, line, KERNEL)[0];
    const [insert, count, version, tag, lra] = [at(fnAddGpu.at.insert), at(fnAddGpu.at.count), at(fnAddGpu.at.version), at(fnAddGpu.at.tag), at(fnAddGpu.at.lra)];
    expect(run.stackOf(insert).map((x) => x.fn).slice(-2)).toEqual(['uvm_populate_page_from_cache', 'add_to_page_cache_gpu']);
    expect(run.frameOf(insert).fn).toBe('add_to_page_cache_gpu');

    // before: nothing of the GPU page anywhere
    run.seek(insert - 1);
    expect(gpuSlot(pc, f, 0)).toBe(-1);
    expect(countGpuChain(pc, f, 0)).toEqual([0]); // 16 cached pages: the tree is one node, root and leaf
    expect(tagged(pc, f, 0, 64, Tag.onGpu)).toEqual([]);
    expect(pc.pageVersionOn(f, 0, 0)).toEqual([-1, -1, 0]); // GAIA's initial row: no copy, the disk is version 0
    expect(pc.gpuLra(f)).toEqual([]);

    // insert: gpu_pages[GPU_NVIDIA][0] of the leaf holds the group's struct page, with GAIA's private data
    run.seek(insert);
    const gp = gpuSlot(pc, f, 0);
    expect(gp).toBeGreaterThanOrEqual(0);
    expect(pc.mem.has(gp, PG.onGPU | PG.private)).toBe(true);
    expect(pc.mem.index(gp)).toBe(0);
    expect(pc.mem.sharedAddr(gp)).toBe(run.ctx.m.regions[0].va);
    for (let i = 0; i < 16; i++) expect(pc.pagecacheGetGpuPage(f, i, 0)).toBe(gp);
    expect(pc.pagecacheGetGpuPage(f, 16, 0)).toBe(-1);
    expect(countGpuChain(pc, f, 0)).toEqual([0]);

    // count: count_gpu on the leaf and every node above it (here the leaf is the root; the whole-file test below has two levels)
    run.seek(count);
    expect(countGpuChain(pc, f, 0)).toEqual([1]);
    expect(pc.pageVersionOn(f, 0, 0)).toEqual([-1, -1, 0]);

    // version: the GPU rows of the 16 slots := latest, with the GPU column := the disk column
    run.seek(version);
    for (let i = 0; i < 16; i++) {
      expect(pc.pageVersionOn(f, i, 0)).toEqual([0, 0, 0]);
      expect(pc.isStale(f, i, pc.cpu)).toBe(false);
    }
    expect(pc.pageVersionOn(f, 16, 0)).toEqual([-1, -1, 0]);
    expect(tagged(pc, f, 0, 64, Tag.onGpu)).toEqual([]);

    // tag: ON_GPU on indices 0-15, and at the root
    run.seek(tag);
    expect(tagged(pc, f, 0, 64, Tag.onGpu)).toEqual(range(0, 16));
    expect(pc.rootTagGet(f, Tag.onGpu)).toBe(true);
    expect(pc.gpuLra(f)).toEqual([]);

    // lra: newest at the head of mapping->gpu_lra, gpu_cached_data_sz = 1
    run.seek(lra);
    expect(pc.gpuLra(f)).toEqual([gp]);
    expect(pc.nrGpuPages(f)).toBe(1);
    const ins = events(run, PK.gpuInsert, KERNEL);
    expect(ins.map((e) => [e.obj, e.idx, e.x, e.y, e.step])).toEqual([[f, 0, 0, gp, lra]]);
    run.seek(run.stepCount - 1);
    expect(run.counters().page_cache_gpu_pages).toBe(1);
  });

  it('copies 64 KiB host to device only after the 16 pages were filled, and the GPU then owns them', () => {
    const copy = events(run, K.copy, KERNEL);
    expect(copy.length).toBe(1);
    const x = copy[0].x;
    expect([x & 63, (x >>> 6) & 63, copy[0].y]).toEqual([0, 1, 64 * KiB]); // src CPU, dst gpu0, 64 KiB
    expect(run.frameOf(copy[0].step).fn).toBe(fnMakeResident.name);
    const pops = events(run, GK.populate, KERNEL);
    expect(pops[15].step).toBeLessThan(copy[0].step);
    expect(stepsOn(run, fnAddGpu.at.lra, KERNEL)[0]).toBeLessThan(copy[0].step);
    run.seek(copy[0].step - 1);
    expect(blockView(run, 0).processors[1].resident).toEqual([]);
    run.seek(run.stepCount - 1);
    const b = blockView(run, 0);
    expect(b.processors[1].resident).toEqual([[0, 16]]);
    expect(b.processors[0].resident).toEqual([[16, 256]]);
    expect(fromCache(run, 0)).toEqual([[0, 16]]);
    expect(run.counters().htod_bytes).toBe(64 * KiB);
    expect(run.counters().gpu_faults).toBe(16);
    expect(run.counters().gpu_fault_batches).toBe(1);
  });

  it('adds one GPU page per 64 KiB when the whole file is read, counted up the tree', () => {
    const r = runYaml(fileScenario('1MiB', ['{ op: gaia.map, region: data.bin }', '{ op: gpu.kernel, access: { region: data.bin, op: read } }']));
    const pc = pcOf(r);
    const file = fileOf(r);
    expect(pc.nrGpuPages(file)).toBe(16);
    expect(pc.gpuLra(file).length).toBe(16);
    // 4 leaves of 64 slots each hold 4 GPU pages; the root counts all 16
    for (let leaf = 0; leaf < 4; leaf++) expect(countGpuChain(pc, file, leaf * 64)).toEqual([4, 16]);
    expect(tagged(pc, file, 0, 256, Tag.onGpu).length).toBe(256);
    // the newest GPU page heads gpu_lra: the last group added
    expect(pc.mem.index(pc.gpuLra(file)[0])).toBe(240);
    expect(r.counters().disk_reads).toBe(256);
    expect(r.counters().pagecache_misses).toBe(256);
    expect(events(r, GK.populate).length).toBe(256);
    expect(pc.nrpages(file)).toBe(256);
    expect(r.counters().disk_read_bytes).toBe(256 * PAGE);
  });
});

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo }, (_, k) => lo + k);
}
