import { describe, expect, it } from 'vitest';
import { atStep, expectAllClean, hmmWorld, PAGE, stackNames, stepsAt } from './setup';
import { fnDoSwapPage, fnFaultAllocAndCopy, fnMigrateVmaPages, fnMigrateVmaFinalize } from '../../../src/engine/hmm/code';
import { deviceView, devicePageView, migrateView, mirrorView } from '../../../src/engine/hmm/view';
import { CPU } from '../../../src/engine/hmm/hmm';
import { DEVICE_FRAME_BASE, MIGRATE_PFN, mpfnFlags, mpfnFrame } from '../../../src/engine/hmm/state';
import { pteKind, PteKind, ptePfn, pteWritable } from '../../../src/engine/cpu/pte';
import { PG } from '../../../src/engine/cpu/memmap';

const { valid: VALID, migrate: MIGRATE, write: WRITE } = MIGRATE_PFN;

function onDevice(pages: number) {
  const w = hmmWorld(2, { chunkPages: 16 });
  const mm = w.mm.createMm();
  const v = w.mm.mmap(mm, { length: pages * PAGE, write: true });
  const start = w.mm.vmas.start(v);
  for (let i = 0; i < pages; i++) w.mm.access(mm, start + i * PAGE, true);
  w.hmm.migrate(mm, start, start + pages * PAGE, 1);
  return { w, mm, start };
}

describe('HMM migrate_to_ram on a CPU fault', () => {
  it('brings one page back through do_swap_page and dmirror_devmem_fault, with every intermediate state visible', () => {
    const { w, mm, start } = onDevice(4);
    const va = start + 2 * PAGE;
    const dpage = ptePfn(w.mm.pte(mm, va));
    const rpage = devicePageView(w.hmm, dpage).rpage;
    const mark = w.store.length;
    expect(w.mm.access(mm, va + 100, false)).toBe(0);

    const [alloc] = stepsAt(w, fnFaultAllocAndCopy.at.entry).filter((s) => w.steps.startOf(s) >= mark);
    expect(stackNames(w, alloc)).toEqual(['cpu test', 'handle_mm_fault', 'do_swap_page', 'dmirror_devmem_fault', 'dmirror_devmem_fault_alloc_and_copy']);
    // after migrate_vma_setup (SELECT_DEVICE_PRIVATE, fault_page): the device-private entry became a migration entry
    atStep(w, alloc, () => {
      const a = migrateView(w.hmm);
      expect(a.npages).toBe(1);
      expect(a.faultPage).toBe(dpage);
      expect(a.selectFlags).toBe(2);
      expect(mpfnFrame(a.src[0])).toBe(DEVICE_FRAME_BASE + dpage);
      expect(mpfnFlags(a.src[0])).toBe(VALID | MIGRATE | WRITE);
      expect(a.dst[0]).toBe(0);
      const pte = w.mm.pte(mm, va);
      expect(pteKind(pte)).toBe(PteKind.migration);
      expect(ptePfn(pte)).toBe(DEVICE_FRAME_BASE + dpage);
      const p = devicePageView(w.hmm, dpage);
      expect(p.refcount).toBe(2); // do_swap_page's + the collect reference; the PTE's went with the PTE
      expect(p.flags).toContain('locked');
      expect(p.flags).not.toContain('mapped');
      expect(w.hmm.ptLoad(0, w.hmm.vpfn(va))).not.toBe(0); // the owner's own mirror ignored MMU_NOTIFY_MIGRATE
    });

    const [pages] = stepsAt(w, fnMigrateVmaPages.at.entry).filter((s) => w.steps.startOf(s) >= mark);
    let newPfn = -1;
    atStep(w, pages, () => {
      const a = migrateView(w.hmm);
      newPfn = mpfnFrame(a.dst[0]);
      expect(mpfnFlags(a.dst[0])).toBe(VALID | WRITE);
      expect(w.mem.has(newPfn, PG.locked)).toBe(true);
      expect(w.hmm.ptLoad(0, w.hmm.vpfn(va))).toBe(0); // xa_erase in alloc-and-copy
    });

    const [put] = stepsAt(w, fnDoSwapPage.at.put).filter((s) => w.steps.startOf(s) >= mark);
    atStep(w, put, () => {
      const pte = w.mm.pte(mm, va);
      expect(pteKind(pte)).toBe(PteKind.present);
      expect(ptePfn(pte)).toBe(newPfn);
      const p = devicePageView(w.hmm, dpage);
      expect(p.refcount).toBe(1); // only do_swap_page's reference is left
      expect(p.flags).toContain('locked'); // finalize leaves the fault page locked for do_swap_page
    });
    expect(stepsAt(w, fnMigrateVmaFinalize.at.entry).filter((s) => w.steps.startOf(s) >= mark).length).toBe(1);

    // the end: a writable anonymous page, the device page back at the head of free_pages, its rpage freed
    const pte = w.mm.pte(mm, va);
    expect(pteWritable(pte)).toBe(true);
    expect(w.mem.has(newPfn, PG.anon)).toBe(true);
    expect(w.mem.has(newPfn, PG.lru)).toBe(true);
    expect(w.mem.count(newPfn)).toBe(1);
    expect(w.mem.isFree(rpage)).toBe(true);
    const dv = deviceView(w.hmm, 1);
    expect(dv.freeList).toEqual([dpage]);
    expect(dv.cfree).toBe(1);
    expect(mirrorView(w.hmm, 0).entries.length).toBe(3);
    for (const i of [0, 1, 3]) expect(pteKind(w.mm.pte(mm, start + i * PAGE))).toBe(PteKind.devicePrivate);
    expect(w.clock.counters.get('hmm_migrated_pages')).toBe(5);
    expectAllClean(w);
  });

  it('migrates every page back with hmm.migrate to the CPU (dmirror_migrate_to_system)', () => {
    const { w, mm, start } = onDevice(5);
    const r = w.hmm.migrate(mm, start, start + 5 * PAGE, CPU);
    expect(r).toEqual({ migrated: 5, error: 0 });
    for (let i = 0; i < 5; i++) expect(pteKind(w.mm.pte(mm, start + i * PAGE))).toBe(PteKind.present);
    expect(mirrorView(w.hmm, 0).entries.length).toBe(0);
    expect(deviceView(w.hmm, 1).freeTotal).toBe(16);
    expect(w.mm.rss(mm).anon).toBe(5);
    expectAllClean(w);
  });

  it('reuses the freed device page first (free_pages is LIFO)', () => {
    const { w, mm, start } = onDevice(3);
    const back = ptePfn(w.mm.pte(mm, start));
    w.mm.access(mm, start, true);
    const v2 = w.mm.mmap(mm, { length: PAGE, write: true });
    const s2 = w.mm.vmas.start(v2);
    w.mm.access(mm, s2, true);
    w.hmm.migrate(mm, s2, s2 + PAGE, 1);
    expect(ptePfn(w.mm.pte(mm, s2))).toBe(back);
    expectAllClean(w);
  });
});
