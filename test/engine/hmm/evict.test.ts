import { describe, expect, it } from 'vitest';
import { allViolations, atStep, expectAllClean, hmmWorld, PAGE, stackNames, stepsAt } from './setup';
import { fnEvictChunk, fnMigrateDevicePages } from '../../../src/engine/hmm/code';
import { deviceView, devicePageView, migrateView, mirrorView, PageState } from '../../../src/engine/hmm/view';
import { MmuNotify } from '../../../src/engine/hmm/kinds';
import { DEVICE_FRAME_BASE, MIGRATE_PFN, mpfnFlags, mpfnFrame } from '../../../src/engine/hmm/state';
import { pteKind, PteKind, ptePfn, pteWritable } from '../../../src/engine/cpu/pte';
import { PG } from '../../../src/engine/cpu/memmap';

const { valid: VALID, migrate: MIGRATE } = MIGRATE_PFN;

/** Two processes with 3 written pages each, all migrated to device 1 (one 8-page chunk), one page of A unmapped again. */
function twoProcesses() {
  const w = hmmWorld(2, { chunkPages: 8 });
  const procs = [w.mm.createMm(), w.mm.createMm()];
  const starts = procs.map((mm) => {
    const v = w.mm.mmap(mm, { length: 3 * PAGE, write: true });
    const start = w.mm.vmas.start(v);
    for (let i = 0; i < 3; i++) w.mm.access(mm, start + i * PAGE, true);
    w.hmm.migrate(mm, start, start + 3 * PAGE, 1);
    return start;
  });
  // the device page behind A's last page goes back to free_pages
  w.hmm.onInvalidate(procs[0], starts[0] + 2 * PAGE, starts[0] + 3 * PAGE, MmuNotify.unmap);
  w.mm.munmap(procs[0], starts[0] + 2 * PAGE, PAGE);
  return { w, procs, starts };
}

describe('HMM chunk eviction (dmirror_device_evict_chunk)', () => {
  it('moves every busy page of a chunk back to system memory in both processes that map them, no VMA needed', () => {
    const { w, procs, starts } = twoProcesses();
    expectAllClean(w);
    const before = deviceView(w.hmm, 1);
    expect(before.chunks.length).toBe(1);
    expect(before.freeList).toEqual([5]);
    const mapped = [
      [procs[0], starts[0]],
      [procs[0], starts[0] + PAGE],
      [procs[1], starts[1]],
      [procs[1], starts[1] + PAGE],
      [procs[1], starts[1] + 2 * PAGE],
    ] as const;
    const dpages = mapped.map(([mm, va]) => ptePfn(w.mm.pte(mm, va)));
    const rpages = dpages.map((p) => devicePageView(w.hmm, p).rpage);

    const moved = w.hmm.evictChunk(0);
    expect(moved).toBe(5);

    // after migrate_device_range: the chunk is marked, its free pages are off the list, busy pages are locked with
    // src = pfn | VALID | MIGRATE (no WRITE: migrate_device_range never sets it), free pages 0, every PTE a migration entry
    const [alloc] = stepsAt(w, fnEvictChunk.at.alloc);
    expect(stackNames(w, alloc)).toEqual(['cpu test', 'dmirror_device_remove_chunks', 'dmirror_device_evict_chunk']);
    atStep(w, alloc, () => {
      const a = migrateView(w.hmm);
      expect(a.kind).toBe('migrate_device_range');
      expect(a.npages).toBe(8);
      expect(a.cpages).toBe(5);
      for (let k = 0; k < 8; k++) {
        const busy = dpages.includes(k);
        if (busy) {
          expect(mpfnFrame(a.src[k])).toBe(DEVICE_FRAME_BASE + k);
          expect(mpfnFlags(a.src[k])).toBe(VALID | MIGRATE);
        } else expect(a.src[k]).toBe(0);
      }
      const dv = deviceView(w.hmm, 1);
      expect(dv.chunks[0].remove).toBe(true);
      expect(dv.freeList).toEqual([]);
      expect(dv.freeTotal).toBe(0);
      mapped.forEach(([mm, va], j) => {
        const pte = w.mm.pte(mm, va);
        expect(pteKind(pte)).toBe(PteKind.migration);
        expect(ptePfn(pte)).toBe(DEVICE_FRAME_BASE + dpages[j]);
        expect(pteWritable(pte)).toBe(true);
        expect(devicePageView(w.hmm, dpages[j]).refcount).toBe(1);
      });
      // the notifier (MMU_NOTIFY_CLEAR) erased the device's own pt entries
      expect(mirrorView(w.hmm, 0).entries.length + mirrorView(w.hmm, 1).entries.length).toBe(0);
    });

    const [pages] = stepsAt(w, fnMigrateDevicePages.at.entry);
    atStep(w, pages, () => {
      const a = migrateView(w.hmm);
      for (const k of dpages) {
        expect(mpfnFlags(a.dst[k])).toBe(VALID);
        expect(w.mem.has(mpfnFrame(a.dst[k]), PG.locked)).toBe(true);
      }
    });

    // the end: present, writable anonymous PTEs in both processes; device pages freed but not recycled; chunk released
    mapped.forEach(([mm, va], j) => {
      const pte = w.mm.pte(mm, va);
      expect(pteKind(pte)).toBe(PteKind.present);
      expect(pteWritable(pte)).toBe(true);
      const pfn = ptePfn(pte);
      expect(w.mem.has(pfn, PG.anon)).toBe(true);
      expect(w.mem.index(pfn)).toBe(Math.floor(va / PAGE) >>> 0);
      expect(w.mem.isFree(rpages[j])).toBe(true);
    });
    const dv = deviceView(w.hmm, 1);
    expect(dv.chunks[0].state).toBe('released');
    expect(dv.devmemCount).toBe(0);
    expect(dv.gone).toBe(5);
    expect(dv.cfree).toBe(1);
    expect(dv.calloc).toBe(6);
    expect(Array.from(dv.chunks[0].pageStates).filter((s) => s === PageState.gone).length).toBe(5);
    expect(migrateView(w.hmm).kind).toBe('none');
    expect(w.mm.rss(procs[1]).anon).toBe(3);
    expectAllClean(w);

    // the device still works: the next migration gets a fresh chunk
    w.mm.access(procs[0], starts[0], true);
    w.hmm.migrate(procs[0], starts[0], starts[0] + PAGE, 1);
    expect(deviceView(w.hmm, 1).chunks.map((c) => c.state)).toEqual(['released', 'live']);
    expect(ptePfn(w.mm.pte(procs[0], starts[0]))).toBe(15);
    expectAllClean(w);
  });

  it('removes every chunk of a device with dmirror_device_remove_chunks', () => {
    const w = hmmWorld(1, { chunkPages: 4 });
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 10 * PAGE, write: true });
    const start = w.mm.vmas.start(v);
    for (let i = 0; i < 10; i++) w.mm.access(mm, start + i * PAGE, i % 2 === 0);
    w.hmm.migrate(mm, start, start + 10 * PAGE, 1);
    expect(w.hmm.chunksOf(1)).toEqual([0, 1, 2]);
    expect(deviceView(w.hmm, 1).devmemCapacity).toBe(16);
    expect(w.hmm.evictDevice(1)).toBe(10);
    const dv = deviceView(w.hmm, 1);
    expect(dv.devmemCount).toBe(0);
    expect(dv.devmemCapacity).toBe(0);
    for (let i = 0; i < 10; i++) expect(pteKind(w.mm.pte(mm, start + i * PAGE))).toBe(PteKind.present);
    expectAllClean(w);
  });
});

describe('HMM and the CPU taking mappings down', () => {
  it('munmap of a device-private range frees the device pages and their backing pages', () => {
    const w = hmmWorld(1, { chunkPages: 16 });
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 4 * PAGE, write: true });
    const start = w.mm.vmas.start(v);
    for (let i = 0; i < 4; i++) w.mm.access(mm, start + i * PAGE, true);
    w.hmm.migrate(mm, start, start + 4 * PAGE, 1);
    const rpages = [0, 1, 2, 3].map((i) => devicePageView(w.hmm, ptePfn(w.mm.pte(mm, start + i * PAGE))).rpage);
    // munmap calls mmu_notifier_invalidate_range_start (CpuMm.hooks.invalidateRangeStart) before zapping the PTEs
    w.mm.munmap(mm, start, 4 * PAGE);
    const dv = deviceView(w.hmm, 1);
    expect(dv.cfree).toBe(4);
    expect(dv.freeList).toEqual([12, 13, 14, 15]);
    expect(dv.freeTotal).toBe(16);
    for (const r of rpages) expect(w.mem.isFree(r)).toBe(true);
    expectAllClean(w);
  });

  it('the notifier erases device page-table entries on munmap, and a missing notifier call is caught', () => {
    const w = hmmWorld(2, { chunkPages: 16 });
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 4 * PAGE, write: true });
    const start = w.mm.vmas.start(v);
    for (let i = 0; i < 4; i++) w.mm.access(mm, start + i * PAGE, true);
    // device 2 mirrors two system pages, device 1 owns the other two
    w.hmm.deviceAccess(2, mm, start, false);
    w.hmm.deviceAccess(2, mm, start + PAGE, true);
    w.hmm.migrate(mm, start + 2 * PAGE, start + 4 * PAGE, 1);
    const m2 = w.hmm.findMirror(2, mm);
    const m1 = w.hmm.findMirror(1, mm);
    // hmm_range_fault reports HMM_PFN_WRITE whenever the CPU PTE is writable, even for a read
    expect(mirrorView(w.hmm, m2).entries.map((e) => [e.device, e.tag])).toEqual([
      [false, 'write'],
      [false, 'write'],
    ]);
    expect(mirrorView(w.hmm, m1).entries.length).toBe(2);
    const seq = mirrorView(w.hmm, m2).notifierSeq;
    // munmap calls mmu_notifier_invalidate_range_start (CpuMm.hooks.invalidateRangeStart) before zapping the PTEs
    w.mm.munmap(mm, start, 4 * PAGE);
    expect(mirrorView(w.hmm, m2).entries.length).toBe(0);
    expect(mirrorView(w.hmm, m1).entries.length).toBe(0);
    expect(mirrorView(w.hmm, m2).notifierSeq).toBe(seq + 1);
    expectAllClean(w);

    // without the notifier the mirror would keep pointing at freed memory: the invariants say so
    const v2 = w.mm.mmap(mm, { length: PAGE, write: true });
    const s2 = w.mm.vmas.start(v2);
    w.mm.access(mm, s2, true);
    w.hmm.deviceAccess(2, mm, s2, true);
    const notifier = w.mm.hooks.invalidateRangeStart;
    w.mm.hooks.invalidateRangeStart = undefined;
    w.mm.munmap(mm, s2, PAGE);
    w.mm.hooks.invalidateRangeStart = notifier;
    expect(allViolations(w).some((m) => m.startsWith('HM3'))).toBe(true);
  });

  it('a migration by one device drops another device\'s mirror entries, and that device faults the page back', () => {
    const w = hmmWorld(2, { chunkPages: 16 });
    const mm = w.mm.createMm();
    const v = w.mm.mmap(mm, { length: 2 * PAGE, write: true });
    const start = w.mm.vmas.start(v);
    w.mm.access(mm, start, true);
    expect(w.hmm.deviceAccess(2, mm, start, true)).toBe(0);
    const m2 = w.hmm.findMirror(2, mm);
    w.hmm.migrate(mm, start, start + PAGE, 1);
    expect(mirrorView(w.hmm, m2).entries.length).toBe(0);
    expect(pteKind(w.mm.pte(mm, start))).toBe(PteKind.devicePrivate);
    // device 2 touches it: hmm_range_fault → handle_mm_fault → migrate_to_ram from device 1
    expect(w.hmm.deviceAccess(2, mm, start, false)).toBe(0);
    expect(pteKind(w.mm.pte(mm, start))).toBe(PteKind.present);
    expect(mirrorView(w.hmm, m2).entries.map((e) => e.frame)).toEqual([ptePfn(w.mm.pte(mm, start))]);
    expect(mirrorView(w.hmm, m2).faults).toBe(2);
    // device 1 reading its own page is a pt hit, no fault
    w.hmm.migrate(mm, start, start + 2 * PAGE, 1);
    const m1 = w.hmm.findMirror(1, mm);
    const faults = mirrorView(w.hmm, m1).faults;
    // the zero page went in read-only (dst had no WRITE): a device write faults and finds the writable device-private PTE
    expect(w.hmm.ptLoad(m1, w.hmm.vpfn(start + PAGE)) & 3).toBe(0);
    expect(w.hmm.deviceAccess(1, mm, start + PAGE, true)).toBe(0);
    expect(mirrorView(w.hmm, m1).faults).toBe(faults + 1);
    expect(w.hmm.ptLoad(m1, w.hmm.vpfn(start + PAGE)) & 3).toBe(3);
    // a write to a page migrated with WRITE is a pt hit
    expect(w.hmm.deviceAccess(1, mm, start, true)).toBe(0);
    expect(mirrorView(w.hmm, m1).faults).toBe(faults + 1);
    expectAllClean(w);
  });
});
