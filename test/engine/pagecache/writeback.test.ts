import { describe, expect, it } from 'vitest';
import { PG } from '../../../src/engine/cpu/memmap';
import { MK } from '../../../src/engine/cpu/kinds';
import { diskWriteNs, DEFAULT_CPU_COSTS } from '../../../src/engine/cpu/costs';
import { Tag } from '../../../src/engine/pagecache/radix';
import { checkVersionsGrow } from '../../../src/engine/pagecache/invariants';
import { cachePage, expectClean, pcWorld } from './setup';

describe('dirtying and write-back', () => {
  it('set_page_dirty sets PG_dirty, GAIA\'s PG_dirty_GPU and the DIRTY and CPU_DIRTY tags up to the root', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    const p = cachePage(w, f, 100);
    expect(w.pc.setPageDirty(p)).toBe(true);
    expect(w.mem.has(p, PG.dirty)).toBe(true);
    expect(w.mem.has(p, PG.dirtyGPU)).toBe(true);
    expect(w.pc.tagGet(f, 100, Tag.dirty)).toBe(true);
    expect(w.pc.tagGet(f, 100, Tag.cpuDirty)).toBe(true);
    expect(w.pc.rootTagGet(f, Tag.dirty)).toBe(true);
    expect(w.pc.setPageDirty(p)).toBe(false); // already dirty
    expectClean(w.pc);
  });

  it('tag_pages_for_writeback copies DIRTY to TOWRITE in the range and bumps the CPU version only where CPU_DIRTY was missing', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    const pages = [0, 1, 2, 40].map((i) => cachePage(w, f, i));
    for (const p of pages) w.pc.setPageDirty(p);
    // maquire cleared CPU_DIRTY on index 1 (GPU took a copy), the page is still dirty
    w.pc.tagClear(f, 1, Tag.cpuDirty);
    w.pc.tagPagesForWriteback(f, 0, 10);
    expect([0, 1, 2, 40].map((i) => w.pc.tagGet(f, i, Tag.towrite))).toEqual([true, true, true, false]);
    expect(w.pc.tagGet(f, 1, Tag.cpuDirty)).toBe(true);
    // the bump covers the 64 KiB group of index 1 (indices 0..15) where a CPU copy exists
    expect(w.pc.pageVersionOn(f, 0, w.pc.cpu)[w.pc.cpu]).toBe(1);
    expect(w.pc.pageVersionOn(f, 2, w.pc.cpu)[w.pc.cpu]).toBe(1);
    expect(w.pc.pageVersionOn(f, 5, w.pc.cpu)[w.pc.cpu]).toBe(-1); // no page there
    expect(w.pc.pageVersionOn(f, 40, w.pc.cpu)[w.pc.cpu]).toBe(0);
    expectClean(w.pc);
  });

  it('writes a range back: WRITEBACK in flight, then DIRTY, TOWRITE and WRITEBACK cleared, one I/O per contiguous run', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    const idx = [0, 1, 2, 3, 10, 11, 70];
    const pages = idx.map((i) => cachePage(w, f, i));
    for (const p of pages) w.pc.setPageDirty(p);
    const cleaned: number[] = [];
    w.pc.hooks.mkclean = (pfn) => cleaned.push(pfn);
    const mark = w.store.length;
    const t0 = w.clock.now();
    expect(w.pc.fsyncRange(f, 0, 64)).toBe(6);
    // WRITEBACK was set on each page before being cleared
    let wbSet = 0;
    for (let t = mark; t < w.store.length; t++) if (w.store.kindOf(t) === MK.pageFlags && (w.store.afterOf(t) & PG.writeback) && !(w.store.beforeOf(t) & PG.writeback)) wbSet++;
    expect(wbSet).toBe(6);
    for (const i of [0, 1, 2, 3, 10, 11]) {
      const p = w.pc.lookup(f, i);
      expect(w.mem.has(p, PG.dirty | PG.writeback)).toBe(false);
      for (const tag of [Tag.dirty, Tag.towrite, Tag.writeback]) expect(w.pc.tagGet(f, i, tag)).toBe(false);
    }
    expect(w.pc.tagGet(f, 70, Tag.dirty)).toBe(true); // outside the range
    expect(cleaned).toEqual(pages.slice(0, 6));
    expect(w.clock.now() - t0).toBeCloseTo(diskWriteNs(DEFAULT_CPU_COSTS, 4) + diskWriteNs(DEFAULT_CPU_COSTS, 2));
    expect(w.clock.counters.get('disk_writes')).toBe(2);
    expect(w.clock.counters.get('disk_write_bytes')).toBe(6 * 4096);
    // CPU_DIRTY is not write-back's business: maquire clears it
    expect(w.pc.tagGet(f, 0, Tag.cpuDirty)).toBe(true);
    expect(checkVersionsGrow(w.store)).toEqual([]);
    expectClean(w.pc);
  });

  it('brings the disk version up to the CPU version when the page reaches the disk', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    const p = cachePage(w, f, 3);
    w.pc.increasePageVersion(f, 3, w.pc.cpu);
    w.pc.increasePageVersion(f, 3, w.pc.cpu);
    w.pc.setPageDirty(p);
    w.pc.writeCachePages(f, 0, 100);
    const d = w.pc.disk;
    expect(w.pc.pageVersionOn(f, 3, d)).toEqual([-1, 2, 2]);
    expect(w.pc.pageVersionOn(f, 3, w.pc.cpu)).toEqual([-1, 2, 2]);
    expect(w.pc.latestVersion(f, 3)).toEqual([-1, 2, 2]);
    expect(w.pc.isStale(f, 3, w.pc.cpu)).toBe(false);
    expect(checkVersionsGrow(w.store)).toEqual([]);
  });

  it('filemap_fault reads a missing page from disk (major) and finds it cached the second time (minor)', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    const a = w.pc.filemapFault(f, 7);
    expect(a.major).toBe(true);
    expect(w.mem.has(a.pfn, PG.uptodate | PG.locked)).toBe(true);
    expect(w.mem.count(a.pfn)).toBe(2); // cache + caller
    expect(w.clock.counters.get('disk_read_bytes')).toBe(4096);
    w.pc.unlockPage(a.pfn);
    const b = w.pc.filemapFault(f, 7);
    expect(b).toEqual({ pfn: a.pfn, major: false });
    expect(w.mem.count(a.pfn)).toBe(3);
    expect(w.clock.counters.get('pagecache_hits')).toBe(1);
  });

  it('filemap_fault takes a missing page from the GPU when GAIA says the GPU copy is the best source', () => {
    const w = pcWorld(1);
    const f = w.pc.createAddressSpace();
    w.pc.addToPageCacheGpu(w.mem.alloc(), f, 32, 0);
    w.pc.hooks.getPageFromGpu = () => true;
    const r = w.pc.filemapFault(f, 33);
    expect(w.mem.has(r.pfn, PG.fromGPU)).toBe(true);
    expect(w.clock.counters.get('disk_reads')).toBeUndefined();
  });
});
