import { describe, expect, it } from 'vitest';
import { PG } from '../../../src/engine/cpu/memmap';
import { N_COUNT_GPU, Tag } from '../../../src/engine/pagecache/radix';
import { cachePage, expectClean, pcWorld } from './setup';

describe('GAIA GPU pages in the page cache', () => {
  it('inserts a GPU page beside the CPU pages: GPU slot, count_gpu up the chain, ON_GPU on 16 indices, TSVT rows', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 64 * 64 + 1); // height 3, so the chain has three nodes
    const gpuPage = w.mem.alloc(); // UVM's backing page
    w.pc.addToPageCacheGpu(gpuPage, f, 40, 0, 0x7f0000000000 + 40 * 4096, 7);
    const r = w.pc.radix;
    const leaf = r.leafOf(f, 40);
    expect(r.gpuSlot(leaf, 0, 2)).toBe(gpuPage); // (40 % 64) / 16 = 2
    expect(w.pc.pagecacheGetGpuPage(f, 47, 0)).toBe(gpuPage);
    expect(w.pc.pagecacheGetGpuPage(f, 31, 0)).toBe(-1);
    expect(w.pc.pagecacheGetGpuPage(f, 48, 0)).toBe(-1);
    // count_gpu on the leaf and every ancestor
    let n = leaf;
    const chain = [];
    while (n >= 0) {
      chain.push(r.node(n, N_COUNT_GPU));
      n = r.node(n, 1) - 1;
    }
    expect(chain).toEqual([1, 1, 1]);
    // ON_GPU on indices 32..47 even though those CPU slots are empty
    for (let i = 30; i < 50; i++) expect(w.pc.tagGet(f, i, Tag.onGpu)).toBe(i >= 32 && i < 48);
    expect(w.pc.rootTagGet(f, Tag.onGpu)).toBe(true);
    // struct page and GAIA private data
    expect(w.mem.has(gpuPage, PG.onGPU)).toBe(true);
    expect(w.mem.index(gpuPage)).toBe(32);
    expect(w.mem.sharedAddr(gpuPage)).toBe(0x7f0000000000 + 40 * 4096);
    expect(w.mem.count(gpuPage)).toBe(2); // UVM's and the cache's
    expect(w.pc.gpuLra(f)).toEqual([gpuPage]);
    expect(w.pc.nrGpuPages(f)).toBe(1);
    // GPU row = latest with the GPU column taken from the disk column: [0, -1, 0] (GPU, CPU, DISK)
    expect(w.pc.pageVersionOn(f, 40, 0)).toEqual([0, -1, 0]);
    expectClean(w.pc);
  });

  it('keeps a node alive with only GPU pages, and frees the chain when the GPU page leaves', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    const g = w.mem.alloc();
    w.pc.addToPageCacheGpu(g, f, 64 * 64 * 3, 0);
    expect(w.pc.radix.height(f)).toBe(3);
    expect(w.pc.radix.lookup(f, 64 * 64 * 3)).toBe(-1);
    expectClean(w.pc);
    expect(w.pc.deleteFromPageCacheGpu(f, 64 * 64 * 3 + 5, 0)).toBe(g);
    expect(w.pc.radix.root(f)).toBe(-1);
    expect(w.pc.rootTagGet(f, Tag.onGpu)).toBe(false);
    expect(w.mem.has(g, PG.onGPU)).toBe(false);
    expect(w.mem.count(g)).toBe(1); // UVM's reference only
    expect(w.pc.gpuLra(f)).toEqual([]);
    expectClean(w.pc);
  });

  it('refuses to shrink a root that has GPU pages below it', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    const a = cachePage(w, f, 0);
    const b = cachePage(w, f, 64 * 64);
    const g = w.mem.alloc();
    w.pc.addToPageCacheGpu(g, f, 16, 0);
    w.pc.deleteFromPageCache(b);
    expect(w.pc.radix.height(f)).toBe(3); // GAIA: radix_tree_shrink refuses while count_gpu != 0
    expectClean(w.pc);
    w.pc.deleteFromPageCacheGpu(f, 16, 0);
    w.pc.deleteFromPageCache(a);
    expect(w.pc.radix.root(f)).toBe(-1);
    expectClean(w.pc);
  });

  it('deleting a GPU page resets its TSVT rows to -1 except the disk column, and lists the LRA newest first', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 3);
    const g1 = w.mem.alloc();
    const g2 = w.mem.alloc();
    w.pc.addToPageCacheGpu(g1, f, 0, 0);
    w.pc.addToPageCacheGpu(g2, f, 16, 0);
    expect(w.pc.gpuLra(f)).toEqual([g2, g1]);
    w.pc.increasePageVersion(f, 3, 0); // the GPU wrote the group
    expect(w.pc.pageVersionOn(f, 0, 0)[0]).toBe(1);
    expect(w.pc.pageVersionOn(f, 15, 0)[0]).toBe(1);
    expect(w.pc.pageVersionOn(f, 16, 0)[0]).toBe(0);
    w.pc.deleteFromPageCacheGpu(f, 0, 0);
    expect(w.pc.pageVersionOn(f, 3, 0)).toEqual([-1, -1, 0]);
    expect(w.pc.gpuLra(f)).toEqual([g2]);
    for (let i = 0; i < 16; i++) expect(w.pc.tagGet(f, i, Tag.onGpu)).toBe(false);
    expect(w.pc.tagGet(f, 16, Tag.onGpu)).toBe(true);
    expectClean(w.pc);
  });

  it('with two GPUs, keeps ON_GPU while the other GPU still holds the group', () => {
    const w = pcWorld(2);
    const f = w.pc.createAddressSpace();
    w.pc.addToPageCacheGpu(w.mem.alloc(), f, 0, 0);
    w.pc.addToPageCacheGpu(w.mem.alloc(), f, 0, 1);
    w.pc.deleteFromPageCacheGpu(f, 0, 0);
    expect(w.pc.tagGet(f, 5, Tag.onGpu)).toBe(true);
    expectClean(w.pc);
    w.pc.deleteFromPageCacheGpu(f, 0, 1);
    expect(w.pc.tagGet(f, 5, Tag.onGpu)).toBe(false);
    expectClean(w.pc);
  });
});

describe('TSVT versions', () => {
  it('initialises a CPU page from disk: CPU row = latest with the CPU column from the disk column', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 9);
    expect(w.pc.pageVersionOn(f, 9, w.pc.cpu)).toEqual([-1, 0, 0]);
    expect(w.pc.latestVersion(f, 9)).toEqual([-1, 0, 0]);
    expect(w.pc.pageVersionOn(f, 9, w.pc.disk)).toEqual([-1, -1, 0]);
    expect(w.pc.isStale(f, 9, w.pc.cpu)).toBe(false);
  });

  it('marks the CPU copy stale after a GPU release, and fresh again once it absorbed the GPU version', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 20);
    w.pc.addToPageCacheGpu(w.mem.alloc(), f, 20, 0);
    expect(w.pc.bestSrcForPage(f, 20)).toBe(0); // the GPU copy is as new as the latest in every GPU column
    expect(w.pc.isStale(f, 20, w.pc.cpu)).toBe(false); // CPU sees GPU as -1, latest GPU = 0: ignored
    w.pc.increasePageVersion(f, 20, 0); // mrelease of a dirty GPU page
    expect(w.pc.latestVersion(f, 20)).toEqual([1, 0, 0]);
    expect(w.pc.staleColumn(f, 20, w.pc.cpu)).toBe(0);
    // pagecache_get_page sees it stale and calls the GAIA hook
    const calls: number[] = [];
    w.pc.hooks.getPageFromGpu = (file, index) => {
      calls.push(index);
      w.pc.setPageVersionAsOn(file, index, w.pc.cpu, 0);
      return true;
    };
    const pfn = w.pc.pagecacheGetPage(f, 20);
    expect(calls).toEqual([20]);
    expect(w.pc.pageVersionOn(f, 20, w.pc.cpu)).toEqual([1, 0, 0]);
    expect(w.pc.isStale(f, 20, w.pc.cpu)).toBe(false);
    w.mem.put(pfn);
  });

  it('ignores the CPU\'s own column for a CPU lookup but not for another viewer', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 1);
    w.pc.addToPageCacheGpu(w.mem.alloc(), f, 1, 0);
    w.pc.increasePageVersion(f, 1, w.pc.cpu); // CPU row: [-1, 1, 0]
    expect(w.pc.isStale(f, 1, w.pc.cpu)).toBe(false);
    expect(w.pc.staleColumn(f, 1, 0)).toBe(w.pc.cpu); // the GPU's row saw CPU version 0 < 1
    expect(w.pc.bestSrcForPage(f, 1)).toBe(0); // only GPU columns decide the best source
  });

  it('answers the disk as the best source when no GPU holds the page', () => {
    const w = pcWorld(2);
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 0);
    expect(w.pc.bestSrcForPage(f, 0)).toBe(w.pc.disk);
    expect(w.pc.bestSrcForPage(f, 999)).toBe(w.pc.disk);
  });
});
