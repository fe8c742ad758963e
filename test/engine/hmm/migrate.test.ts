import { describe, expect, it } from 'vitest';
import { atStep, expectAllClean, hmmWorld, PAGE, stackNames, stepsAt } from './setup';
import { fnAllocAndCopy, fnMigrateVmaPages, fnMigrateVmaFinalize, fnFinalizeAndMap } from '../../../src/engine/hmm/code';
import { HK } from '../../../src/engine/hmm/kinds';
import { copyNs, DEFAULT_HMM_COSTS } from '../../../src/engine/hmm/costs';
import { deviceView, migrateView, mirrorView } from '../../../src/engine/hmm/view';
import { DEVICE_FRAME_BASE, MIGRATE_PFN, mpfnFlags, mpfnFrame, mpfnPage, DPT_XA_TAG_WRITE } from '../../../src/engine/hmm/state';
import { pteKind, PteKind, ptePfn, pteWritable } from '../../../src/engine/cpu/pte';
import { PG } from '../../../src/engine/cpu/memmap';

const { valid: VALID, migrate: MIGRATE, write: WRITE } = MIGRATE_PFN;

function writtenRegion(pages: number, touched = pages) {
  const w = hmmWorld(2, { chunkPages: 16 });
  const mm = w.mm.createMm();
  const v = w.mm.mmap(mm, { length: pages * PAGE, write: true });
  const start = w.mm.vmas.start(v);
  for (let i = 0; i < touched; i++) w.mm.access(mm, start + i * PAGE, true);
  return { w, mm, start };
}

describe('HMM migrate to device', () => {
  it('moves a CPU-written anonymous region into device-private pages, showing src and dst at every phase', () => {
    const { w, mm, start } = writtenRegion(8);
    const pfns = Array.from({ length: 8 }, (_, i) => ptePfn(w.mm.pte(mm, start + i * PAGE)));
    const t0 = w.clock.t;
    const r = w.hmm.migrate(mm, start, start + 8 * PAGE, 1);
    expect(r).toEqual({ migrated: 8, error: 0 });

    // after migrate_vma_setup: src = pfn | VALID | MIGRATE | WRITE, dst zeroed, PTEs are migration entries
    const [alloc] = stepsAt(w, fnAllocAndCopy.at.entry);
    atStep(w, alloc, () => {
      const a = migrateView(w.hmm);
      expect(a.kind).toBe('migrate_vma');
      expect(a.npages).toBe(8);
      expect(a.cpages).toBe(8);
      a.src.forEach((s, i) => {
        expect(mpfnFrame(s)).toBe(pfns[i]);
        expect(mpfnFlags(s)).toBe(VALID | MIGRATE | WRITE);
      });
      expect(a.dst.every((d) => d === 0)).toBe(true);
      for (let i = 0; i < 8; i++) {
        const pte = w.mm.pte(mm, start + i * PAGE);
        expect(pteKind(pte)).toBe(PteKind.migration);
        expect(ptePfn(pte)).toBe(pfns[i]);
        expect(pteWritable(pte)).toBe(true);
        expect(w.mem.has(pfns[i], PG.locked)).toBe(true);
        expect(w.mem.has(pfns[i], PG.lru)).toBe(false);
        expect(w.mem.mapcount(pfns[i])).toBe(0);
        expect(w.mem.count(pfns[i])).toBe(1); // the collect reference
      }
    });

    // after alloc-and-copy: dst = device page | VALID | WRITE; pages handed out from the top of the chunk (LIFO)
    const [pages] = stepsAt(w, fnMigrateVmaPages.at.entry);
    atStep(w, pages, () => {
      const a = migrateView(w.hmm);
      a.dst.forEach((d, i) => {
        expect(mpfnFlags(d)).toBe(VALID | WRITE);
        expect(mpfnFrame(d)).toBe(DEVICE_FRAME_BASE + 15 - i);
      });
      const dv = deviceView(w.hmm, 1);
      expect(dv.calloc).toBe(8);
      expect(dv.freeTotal).toBe(8);
      expect(dv.chunks[0].pageStates.slice(8).every((x) => x === 2)).toBe(true);
    });

    // finalize_and_map ran before migrate_vma_finalize: the device pt has WRITE entries while PTEs are still migration entries
    const [fin] = stepsAt(w, fnMigrateVmaFinalize.at.entry);
    atStep(w, fin, () => {
      expect(mirrorView(w.hmm, 0).entries.map((e) => [e.frame, e.tag])).toEqual(Array.from({ length: 8 }, (_, i) => [15 - i, 'write']));
      expect(pteKind(w.mm.pte(mm, start))).toBe(PteKind.migration);
    });
    expect(stackNames(w, fin)).toEqual(['cpu test', 'dmirror_migrate_to_device', 'migrate_vma_finalize']);

    // the end state
    for (let i = 0; i < 8; i++) {
      const pte = w.mm.pte(mm, start + i * PAGE);
      expect(pteKind(pte)).toBe(PteKind.devicePrivate);
      expect(ptePfn(pte)).toBe(15 - i);
      expect(pteWritable(pte)).toBe(true);
      expect(w.mem.isFree(pfns[i])).toBe(true);
    }
    const m = mirrorView(w.hmm, 0);
    expect(m.entries.map((e) => e.va)).toEqual(Array.from({ length: 8 }, (_, i) => start + i * PAGE));
    expect(m.entries.every((e) => e.device && e.tag === 'write')).toBe(true);
    const dv = deviceView(w.hmm, 1);
    expect(dv.untouched).toEqual([{ chunk: 0, from: 7, count: 8 }]);
    expect(migrateView(w.hmm).kind).toBe('none');
    expect(w.clock.counters.get('hmm_migrated_pages')).toBe(8);
    // one transfer for the window on the default HtoD line (the captures' fit, 2.59 µs + B / 53.2 GB/s)
    expect(w.clock.t - t0).toBeGreaterThanOrEqual(copyNs(DEFAULT_HMM_COSTS.htod, 8 * 4096));
    expect(w.mm.rss(mm).anon).toBe(0);
    expectAllClean(w);
  });

  it('migrates unpopulated (pte_none) pages as cleared zero pages, mapped read-only on the device', () => {
    const { w, mm, start } = writtenRegion(4, 1);
    w.hmm.migrate(mm, start, start + 4 * PAGE, 1);
    const [alloc] = stepsAt(w, fnAllocAndCopy.at.entry);
    atStep(w, alloc, () => {
      const a = migrateView(w.hmm);
      expect(mpfnFlags(a.src[0])).toBe(VALID | MIGRATE | WRITE);
      for (let i = 1; i < 4; i++) {
        expect(a.src[i]).toBe(MIGRATE); // no VALID, no page: the driver clears a fresh page
        expect(mpfnPage(a.src[i])).toBe(-1);
        expect(w.mm.pte(mm, start + i * PAGE)).toBe(0);
      }
    });
    const [map] = stepsAt(w, fnFinalizeAndMap.at.entry);
    atStep(w, map, () => {
      const a = migrateView(w.hmm);
      for (let i = 1; i < 4; i++) expect(mpfnFlags(a.dst[i])).toBe(VALID);
      // migrate_vma_insert_page already put the new pages into the empty PTEs
      expect(pteKind(w.mm.pte(mm, start + 3 * PAGE))).toBe(PteKind.devicePrivate);
    });
    const clears: number[] = [];
    const copies: number[] = [];
    for (let t = 0; t < w.store.length; t++) {
      if (w.store.kindOf(t) === HK.hmmPageCopy) (w.store.indexOf(t) === 0 ? copies : clears).push(t);
    }
    expect(copies.length).toBe(1);
    expect(clears.length).toBe(3);
    for (let i = 0; i < 4; i++) expect(pteKind(w.mm.pte(mm, start + i * PAGE))).toBe(PteKind.devicePrivate);
    const tags = mirrorView(w.hmm, 0).entries.map((e) => e.tag);
    expect(tags).toEqual(['write', 'read', 'read', 'read']);
    expectAllClean(w);
  });

  it('leaves a file-backed page where it is: migrate_vma_pages clears MIGRATE and finalize restores the PTE', () => {
    const w = hmmWorld(1, { chunkPages: 16 });
    const mm = w.mm.createMm();
    const f = w.pc.createAddressSpace();
    const v = w.mm.mmap(mm, { length: 2 * PAGE, write: true, shared: true, file: f });
    const start = w.mm.vmas.start(v);
    w.mm.access(mm, start, false);
    const before = w.mm.pte(mm, start);
    const r = w.hmm.migrate(mm, start, start + 2 * PAGE, 1);
    expect(r.migrated).toBe(0);
    expect(w.mm.pte(mm, start)).toBe(before);
    expect(deviceView(w.hmm, 1).calloc).toBe(1);
    expect(deviceView(w.hmm, 1).cfree).toBe(1);
    expect(deviceView(w.hmm, 1).freeList).toEqual([15]);
    expectAllClean(w);
  });

  it('keeps the pt entry write tag only where dst had WRITE', () => {
    const { w, mm, start } = writtenRegion(2);
    w.hmm.migrate(mm, start, start + 2 * PAGE, 1);
    const e = w.hmm.ptLoad(0, w.hmm.vpfn(start));
    expect(e & 3).toBe(DPT_XA_TAG_WRITE);
  });
});

describe('HMM device memory', () => {
  it('allocates each device\'s first chunk at init when asked, as dmirror_device_init does', () => {
    const w = hmmWorld(2, { chunkPages: 4, initChunks: true });
    expect([1, 2].map((d) => deviceView(w.hmm, d).chunks.map((c) => [c.id, c.firstPage, c.untouched]))).toEqual([[[0, 0, 4]], [[1, 4, 4]]]);
    expect(deviceView(w.hmm, 1).calloc).toBe(0);
    expectAllClean(w);
  });
});
