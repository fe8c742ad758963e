import { describe, expect, it } from 'vitest';
import { PG } from '../../../src/engine/cpu/memmap';
import { VmFault } from '../../../src/engine/cpu/mm';
import { LEVEL_PGD } from '../../../src/engine/cpu/pgtable';
import { migrationEntry, devicePrivateEntry, ptePfn, ptePresent, pteWritable, pteDirty } from '../../../src/engine/cpu/pte';
import { Tag } from '../../../src/engine/pagecache/radix';
import { expectClean, mmWorld, PAGE } from './setup';

describe('CPU page faults', () => {
  it('an anonymous write fault allocates the page tables and a zeroed page mapped writable and dirty', () => {
    const w = mmWorld();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 8 * PAGE, write: true });
    const va = w.mm.vmas.start(v) + 3 * PAGE;
    const tablesBefore = w.mm.tables.count();
    expect(tablesBefore).toBe(1); // the PGD
    expect(w.mm.fault(mm, va, true)).toBe(0);
    expect(w.mm.tables.count()).toBe(4); // PUD, PMD, PTE tables allocated lazily
    const pte = w.mm.pte(mm, va);
    expect(ptePresent(pte) && pteWritable(pte) && pteDirty(pte)).toBe(true);
    const pfn = ptePfn(pte);
    expect(w.mem.has(pfn, PG.anon)).toBe(true);
    expect([w.mem.count(pfn), w.mem.mapcount(pfn)]).toEqual([1, 1]);
    expect(w.mm.rss(mm)).toEqual({ file: 0, anon: 1 });
    expect(w.clock.counters.get('mm_faults')).toBe(1);
    // a second page in the same 2 MiB needs no new table
    w.mm.fault(mm, va + PAGE, false);
    expect(w.mm.tables.count()).toBe(4);
    expect(w.mm.tables.word(0, 1)).toBe(LEVEL_PGD);
    expectClean(w);
  });

  it('refuses accesses outside a VMA or beyond its permissions with SIGSEGV', () => {
    const w = mmWorld();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: PAGE }); // read-only
    expect(w.mm.fault(mm, w.mm.vmas.start(v), true)).toBe(VmFault.sigsegv);
    expect(w.mm.fault(mm, 0x1000, false)).toBe(VmFault.sigsegv);
    expectClean(w);
  });

  it('a read fault on a file mapping misses the page cache, reads from disk (major) and maps read-only', () => {
    const w = mmWorld();
    const f = w.pc.createAddressSpace();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 16 * PAGE, write: true, shared: true, file: f, pgoff: 100 });
    const va = w.mm.vmas.start(v) + 2 * PAGE;
    expect(w.mm.fault(mm, va, false)).toBe(VmFault.major);
    const pfn = w.pc.lookup(f, 102);
    expect(pfn).toBeGreaterThanOrEqual(0);
    const pte = w.mm.pte(mm, va);
    expect(ptePfn(pte)).toBe(pfn);
    expect(pteWritable(pte)).toBe(false);
    expect(w.mem.has(pfn, PG.uptodate)).toBe(true);
    expect(w.mem.has(pfn, PG.locked)).toBe(false);
    expect([w.mem.count(pfn), w.mem.mapcount(pfn)]).toEqual([2, 1]); // cache + PTE
    expect(w.clock.counters.get('disk_reads')).toBe(1);
    expect(w.clock.counters.get('mm_major_faults')).toBe(1);
    expectClean(w);
  });

  it('a write to a shared file page read earlier takes a write-protect fault that dirties the page and tags it', () => {
    const w = mmWorld();
    const f = w.pc.createAddressSpace();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 4 * PAGE, write: true, shared: true, file: f });
    const va = w.mm.vmas.start(v);
    w.mm.fault(mm, va, false);
    const pfn = w.pc.lookup(f, 0);
    expect(w.mem.has(pfn, PG.dirty)).toBe(false);
    expect(w.mm.access(mm, va, true)).toBe(0); // the store faults (read-only PTE) and is served
    expect(pteWritable(w.mm.pte(mm, va))).toBe(true);
    expect(w.mem.has(pfn, PG.dirty | PG.dirtyGPU)).toBe(true);
    expect(w.pc.tagGet(f, 0, Tag.dirty)).toBe(true);
    expect(w.pc.tagGet(f, 0, Tag.cpuDirty)).toBe(true);
    expect(w.mm.access(mm, va, true)).toBe(-1); // now allowed: no fault
    expectClean(w);
  });

  it('a first write to a shared file page maps it writable and dirty at once (do_shared_fault)', () => {
    const w = mmWorld();
    const f = w.pc.createAddressSpace();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: PAGE, write: true, shared: true, file: f });
    w.mm.fault(mm, w.mm.vmas.start(v), true);
    const pfn = w.pc.lookup(f, 0);
    expect(w.mem.has(pfn, PG.dirty)).toBe(true);
    expect(pteDirty(w.mm.pte(mm, w.mm.vmas.start(v)))).toBe(true);
    expectClean(w);
  });

  it('a write to a private file mapping copies the page (COW) and leaves the cached page clean', () => {
    const w = mmWorld();
    const f = w.pc.createAddressSpace();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 2 * PAGE, write: true, file: f });
    const va = w.mm.vmas.start(v);
    w.mm.fault(mm, va, true); // do_cow_fault
    const cached = w.pc.lookup(f, 0);
    const copy = ptePfn(w.mm.pte(mm, va));
    expect(copy).not.toBe(cached);
    expect(w.mem.has(copy, PG.anon)).toBe(true);
    expect(w.mem.has(cached, PG.dirty)).toBe(false);
    expect(w.mem.count(cached)).toBe(1);
    // read then write: do_wp_page copies
    w.mm.fault(mm, va + PAGE, false);
    const page1 = w.pc.lookup(f, 1);
    expect(ptePfn(w.mm.pte(mm, va + PAGE))).toBe(page1);
    w.mm.fault(mm, va + PAGE, true);
    expect(ptePfn(w.mm.pte(mm, va + PAGE))).not.toBe(page1);
    expect([w.mem.count(page1), w.mem.mapcount(page1)]).toEqual([1, 0]);
    expect(w.mm.rss(mm)).toEqual({ file: 0, anon: 2 });
    expectClean(w);
  });

  it('hands migration entries and device-private entries to their hooks, or retries / SIGBUS without one', () => {
    const w = mmWorld();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 4 * PAGE, write: true });
    const va = w.mm.vmas.start(v);
    w.mm.setPte(mm, va, migrationEntry(9, true));
    expect(w.mm.fault(mm, va, false)).toBe(VmFault.retry);
    w.mm.setPte(mm, va + PAGE, devicePrivateEntry(3, true));
    expect(w.mm.fault(mm, va + PAGE, false)).toBe(VmFault.sigbus);
    const seen: number[] = [];
    w.mm.hooks.devicePrivateFault = (_mm, addr) => {
      seen.push(addr);
      return 0;
    };
    expect(w.mm.fault(mm, va + PAGE, true)).toBe(0);
    expect(seen).toEqual([va + PAGE]);
    expect(w.mm.clearPte(mm, va)).toBe(migrationEntry(9, true));
    expect(w.mm.pte(mm, va)).toBe(0);
  });

  it('mapPage takes a reference and a map count; unmapRange gives them back', () => {
    const w = mmWorld();
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 4 * PAGE, write: true });
    const pfn = w.mm.allocAnon(w.mm.vmas.start(v));
    w.mm.mapPage(mm, w.mm.vmas.start(v), pfn, true);
    expect([w.mem.count(pfn), w.mem.mapcount(pfn)]).toEqual([2, 1]);
    const seen: number[] = [];
    w.mm.forEachPresent(mm, v, (va) => seen.push(va));
    expect(seen).toEqual([w.mm.vmas.start(v)]);
    expect(w.mm.unmapRange(mm, w.mm.vmas.start(v), w.mm.vmas.end(v))).toBe(1);
    expect([w.mem.count(pfn), w.mem.mapcount(pfn)]).toEqual([1, 0]);
    w.mem.put(pfn);
    expect(w.mem.isFree(pfn)).toBe(true);
    expectClean(w);
  });
});
