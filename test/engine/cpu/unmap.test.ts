import { describe, expect, it } from 'vitest';
import { PG } from '../../../src/engine/cpu/memmap';
import { pteDirty, ptePresent, pteWritable } from '../../../src/engine/cpu/pte';
import { Tag } from '../../../src/engine/pagecache/radix';
import { codeLine } from '../../../src/engine/core/code';
import { expectClean, mmWorld, PAGE } from './setup';

describe('msync, munmap and unmap_mapping_range', () => {
  it('msync(MS_SYNC) writes the dirty pages of the range back and write-protects their PTEs', () => {
    const w = mmWorld();
    const f = w.pc.createAddressSpace();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 8 * PAGE, write: true, shared: true, file: f });
    const base = w.mm.vmas.start(v);
    for (let p = 0; p < 4; p++) w.mm.access(mm, base + p * PAGE, true);
    w.mm.access(mm, base + 6 * PAGE, true);
    const mark = w.steps.length;
    w.mm.msync(mm, base, 4 * PAGE);
    for (let p = 0; p < 4; p++) {
      const pfn = w.pc.lookup(f, p);
      expect(w.mem.has(pfn, PG.dirty | PG.writeback)).toBe(false);
      expect(w.pc.tagGet(f, p, Tag.dirty)).toBe(false);
      const pte = w.mm.pte(mm, base + p * PAGE);
      expect(ptePresent(pte) && !pteWritable(pte) && !pteDirty(pte)).toBe(true);
    }
    expect(w.mem.has(w.pc.lookup(f, 6), PG.dirty)).toBe(true); // outside the range
    expect(w.clock.counters.get('disk_writes')).toBe(1); // one contiguous run of 4 pages
    // the path went msync → vfs_fsync_range → write_cache_pages → page_mkclean
    const fns = new Set<string>();
    for (let s = mark; s < w.steps.length; s++) fns.add(codeLine(w.steps.lineOf(s)).fn.name);
    for (const name of ['msync', 'vfs_fsync_range', 'write_cache_pages', 'tag_pages_for_writeback', 'page_mkclean', 'end_page_writeback']) expect(fns.has(name)).toBe(true);
    expectClean(w);
    // the next store faults again and re-dirties the page
    expect(w.mm.access(mm, base, true)).toBe(0);
    expect(w.mem.has(w.pc.lookup(f, 0), PG.dirty)).toBe(true);
    expectClean(w);
  });

  it('munmap drops the PTE references: anonymous pages are freed, dirty file pages stay in the cache', () => {
    const w = mmWorld();
    const f = w.pc.createAddressSpace();
    const mm = w.mm.createMm();
    const a = w.mm.mmap(mm, { length: 2 * PAGE, write: true });
    const fv = w.mm.mmap(mm, { length: 2 * PAGE, write: true, shared: true, file: f });
    w.mm.access(mm, w.mm.vmas.start(a), true);
    const anon = w.mm.pte(mm, w.mm.vmas.start(a)) >>> 5;
    w.mm.access(mm, w.mm.vmas.start(fv), true);
    const filePage = w.pc.lookup(f, 0);
    w.mm.munmap(mm, w.mm.vmas.start(a), 2 * PAGE);
    w.mm.munmap(mm, w.mm.vmas.start(fv), 2 * PAGE);
    expect(w.mem.isFree(anon)).toBe(true);
    expect(w.mem.isFree(filePage)).toBe(false);
    expect(w.mem.has(filePage, PG.dirty)).toBe(true);
    expect([w.mem.count(filePage), w.mem.mapcount(filePage)]).toEqual([1, 0]);
    expect(w.mm.vmas.vmasOf(mm)).toEqual([]);
    expect(w.mm.rss(mm)).toEqual({ file: 0, anon: 0 });
    expectClean(w);
  });

  it('munmap of the middle of a VMA splits it and keeps both ends mapped', () => {
    const w = mmWorld();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 6 * PAGE, write: true });
    const base = w.mm.vmas.start(v);
    for (let p = 0; p < 6; p++) w.mm.access(mm, base + p * PAGE, true);
    w.mm.munmap(mm, base + 2 * PAGE, 2 * PAGE);
    const vmas = w.mm.vmas.vmasOf(mm).map((u) => [w.mm.vmas.start(u) - base, w.mm.vmas.end(u) - base]);
    expect(vmas).toEqual([
      [0, 2 * PAGE],
      [4 * PAGE, 6 * PAGE],
    ]);
    expect([0, 1, 2, 3, 4, 5].map((p) => ptePresent(w.mm.pte(mm, base + p * PAGE)))).toEqual([true, true, false, false, true, true]);
    expect(w.mm.rss(mm).anon).toBe(4);
    expectClean(w);
  });

  it('unmap_mapping_range on a shared inode mapping reaches every process that maps the file', () => {
    const w = mmWorld();
    const f = w.pc.createAddressSpace('inode');
    const p1 = w.mm.createMm();
    const p2 = w.mm.createMm();
    const v1 = w.mm.mmap(p1, { length: 8 * PAGE, write: true, shared: true, file: f });
    const v2 = w.mm.mmap(p2, { length: 4 * PAGE, shared: true, file: f, pgoff: 2 }); // file pages 2..5
    for (let p = 0; p < 8; p++) w.mm.access(p1, w.mm.vmas.start(v1) + p * PAGE, p < 3);
    for (let p = 0; p < 4; p++) w.mm.access(p2, w.mm.vmas.start(v2) + p * PAGE, false);
    // both processes map the same cached page for file page 3
    const shared = w.pc.lookup(f, 3);
    expect(w.mem.mapcount(shared)).toBe(2);
    const removed = w.mm.unmapMappingRange(f, 2, 2); // file pages 2 and 3
    expect(removed).toBe(4); // two PTEs in each process
    expect(ptePresent(w.mm.pte(p1, w.mm.vmas.start(v1) + 2 * PAGE))).toBe(false);
    expect(ptePresent(w.mm.pte(p2, w.mm.vmas.start(v2)))).toBe(false);
    expect(ptePresent(w.mm.pte(p2, w.mm.vmas.start(v2) + 2 * PAGE))).toBe(true); // file page 4 untouched
    expect(w.mem.mapcount(shared)).toBe(0);
    // the dirty PTE passed its dirt to the page before going
    expect(w.mem.has(w.pc.lookup(f, 2), PG.dirty)).toBe(true);
    expectClean(w);
  });

  it('unmap_mapping_range on a private address_space reaches only the VMAs of that one open file', () => {
    const w = mmWorld();
    const inode = w.pc.createAddressSpace('inode');
    const priv = w.pc.createAddressSpace('private'); // e.g. the UVM device file opened by process 1
    const p1 = w.mm.createMm();
    const p2 = w.mm.createMm();
    const dev = w.mm.mmap(p1, { length: 2 * PAGE, write: true, shared: true, file: priv });
    const f1 = w.mm.mmap(p1, { length: 2 * PAGE, shared: true, file: inode });
    const f2 = w.mm.mmap(p2, { length: 2 * PAGE, shared: true, file: inode });
    // the driver's fault handler maps its own pages into its VMA
    w.mm.hooks.driverFault = (mm, _v, va) => {
      w.mm.mapPage(mm, va, w.mm.allocAnon(va), true);
      w.mem.put(w.mm.pte(mm, va) >>> 5);
      return 0x100;
    };
    w.mm.access(p1, w.mm.vmas.start(dev), true);
    w.mm.access(p1, w.mm.vmas.start(f1), false);
    w.mm.access(p2, w.mm.vmas.start(f2), false);
    expect(w.mm.unmapMappingRange(priv, 0, 2, true)).toBe(1);
    expect(ptePresent(w.mm.pte(p1, w.mm.vmas.start(f1)))).toBe(true);
    expect(ptePresent(w.mm.pte(p2, w.mm.vmas.start(f2)))).toBe(true);
    expectClean(w);
  });
});
