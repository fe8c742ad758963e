/**
 * Taking mappings down and syncing them (mm/memory.c, mm/mmap.c, mm/msync.c, mm/rmap.c):
 * - zap_pte_range: clear PTEs; a present PTE drops its map count and reference (an anonymous page whose last
 *   reference goes is freed; a file page stays in the page cache) and a dirty PTE on a file page passes its dirt to the
 *   page (set_page_dirty) so write-back still sees it.
 * - do_munmap: split straddling VMAs, zap, flush the TLB, remove the VMAs.
 * - unmap_mapping_range: zap a FILE range in every VMA of every process that maps the address_space. On an inode's
 *   shared mapping that reaches all processes; this is why the UVM driver and gdrdrv give each open file a private
 *   address_space (uvm.c:uvm_open, gdrdrv_open): their unmap_mapping_range then touches that one file's VMAs.
 * - msync(MS_SYNC): vfs_fsync_range over the file range of each shared file VMA in the range.
 * - page_mkclean: write-protect and clean every PTE of a file page (from clear_page_dirty_for_io).
 */

import { MK } from './kinds';
import { MMU_NOTIFY_CLEAR, MMU_NOTIFY_UNMAP, type CpuMm } from './mm';
import { PG } from './memmap';
import { ptePfn, ptePresent, pteDirty, pteWritable, PTE_D, PTE_W } from './pte';
import { VM } from './vma';
import { fnMkclean, fnMsync, fnMunmap, fnUnmapMappingRange } from './code';

const PAGE = 4096;

/**
 * zap_pte_range over [start, end) of one mm; VMAs stay. `keep(pfn)` returning true leaves a present PTE alone
 * (unmap_mapping_range without even_cows keeps private COW copies). Returns the PTEs removed; no TLB flush.
 */
export function zapRange(m: CpuMm, mm: number, start: number, end: number, keep?: (pfn: number) => boolean): number {
  let n = 0;
  m.tables.forEachPte(m.pgd(mm), start, end, (va, t, i, pte) => {
    if (ptePresent(pte)) {
      const pfn = ptePfn(pte);
      if (keep && keep(pfn)) return;
      m.tables.setPte(t, i, 0);
      const v = m.vmas.find(mm, va);
      if (v < 0 || (m.vmas.flags(v) & VM.pfnmap) === 0) {
        const anon = m.mem.has(pfn, PG.anon);
        if (pteDirty(pte) && !anon && m.mem.mapping(pfn) >= 0) m.pc.setPageDirty(pfn);
        m.mem.removeMap(pfn);
        m.addRss(mm, anon, -1);
        m.mem.put(pfn);
      }
    } else {
      m.tables.setPte(t, i, 0);
      if (m.hooks.zapSwapEntry) m.hooks.zapSwapEntry(mm, va, pte);
    }
    m.clock.spend(m.costs.zapPteNs);
    n++;
  });
  return n;
}

export function munmap(m: CpuMm, mm: number, start: number, length: number): void {
  const s = m.steps;
  const vm = m.vmas;
  const end = start + Math.ceil(length / PAGE) * PAGE;
  if (start % PAGE !== 0) throw new RangeError(`munmap address ${start} is not page aligned`);
  s.enter(fnMunmap.at.entry);
  m.store.event(MK.munmap, mm, 0, start, end - start);
  s.at(fnMunmap.at.split);
  for (const v of vm.vmasOf(mm)) if (vm.start(v) < start && start < vm.end(v)) vm.split(v, start);
  for (const v of vm.vmasOf(mm)) if (vm.start(v) < end && end < vm.end(v)) vm.split(v, end);
  s.at(fnMunmap.at.unmap);
  m.hooks.invalidateRangeStart?.(mm, start, end, MMU_NOTIFY_UNMAP, 0);
  const n = zapRange(m, mm, start, end);
  s.at(fnMunmap.at.tlb);
  if (n > 0) m.recordTlbFlush(mm, start, (end - start) / PAGE);
  s.at(fnMunmap.at.remove);
  for (const v of vm.vmasOf(mm)) if (start <= vm.start(v) && vm.end(v) <= end) vm.remove(v);
  s.leave();
}

/**
 * unmap_mapping_range(mapping, first page, pages, even_cows): returns the PTEs removed over all processes. Without
 * even_cows a private VMA keeps its anonymous copies (only PTEs to pages of this mapping go).
 */
export function unmapMappingRange(m: CpuMm, f: number, first: number, pages: number, evenCows = false): number {
  const s = m.steps;
  const vm = m.vmas;
  s.enter(fnUnmapMappingRange.at.entry);
  s.at(fnUnmapMappingRange.at.walk);
  let total = 0;
  for (const v of vm.vmasOfFile(f)) {
    const pgoff = vm.pgoff(v);
    const vpages = (vm.end(v) - vm.start(v)) / PAGE;
    const lo = Math.max(first, pgoff);
    const hi = Math.min(first + pages, pgoff + vpages);
    if (lo >= hi) continue;
    const mm = vm.mmOf(v);
    const va0 = vm.start(v) + (lo - pgoff) * PAGE;
    s.at(fnUnmapMappingRange.at.zap);
    m.hooks.invalidateRangeStart?.(mm, va0, va0 + (hi - lo) * PAGE, MMU_NOTIFY_CLEAR, 0);
    const n = zapRange(m, mm, va0, va0 + (hi - lo) * PAGE, evenCows ? undefined : (pfn) => m.mem.mapping(pfn) !== f);
    if (n > 0) {
      s.at(fnUnmapMappingRange.at.tlb);
      m.recordTlbFlush(mm, va0, hi - lo);
    }
    total += n;
  }
  m.store.event(MK.unmapMappingRange, f, first, pages, total);
  s.leave();
  return total;
}

/** msync(start, len, MS_SYNC). */
export function msync(m: CpuMm, mm: number, start: number, length: number): void {
  const s = m.steps;
  const vm = m.vmas;
  const end = start + length;
  s.enter(fnMsync.at.entry);
  m.store.event(MK.msync, mm, 0, start, length);
  for (const v of vm.vmasOf(mm)) {
    if (vm.end(v) <= start || vm.start(v) >= end) continue;
    s.at(fnMsync.at.vma);
    const f = vm.file(v);
    if (f < 0 || (vm.flags(v) & VM.shared) === 0) continue;
    s.at(fnMsync.at.fsync);
    const lo = Math.max(start, vm.start(v));
    const hi = Math.min(end, vm.end(v));
    m.pc.fsyncRange(f, m.fileIndex(v, lo), m.fileIndex(v, hi - 1));
  }
  s.at(fnMsync.at.ret);
  s.leave();
}

/** page_mkclean(page): returns the PTEs write-protected and cleaned. */
export function pageMkclean(m: CpuMm, pfn: number): number {
  const f = m.mem.mapping(pfn);
  if (f < 0 || m.mem.has(pfn, PG.anon)) return 0;
  const s = m.steps;
  const vm = m.vmas;
  const index = m.mem.index(pfn);
  s.enter(fnMkclean.at.entry);
  s.at(fnMkclean.at.walk);
  let n = 0;
  for (const v of vm.vmasOfFile(f)) {
    const pgoff = vm.pgoff(v);
    if (index < pgoff || index >= pgoff + (vm.end(v) - vm.start(v)) / PAGE) continue;
    const mm = vm.mmOf(v);
    const va = vm.start(v) + (index - pgoff) * PAGE;
    const pte = m.pte(mm, va);
    if (!ptePresent(pte) || ptePfn(pte) !== pfn || (!pteWritable(pte) && !pteDirty(pte))) continue;
    s.at(fnMkclean.at.clean);
    m.setPte(mm, va, (pte & ~(PTE_W | PTE_D)) >>> 0);
    m.recordTlbFlush(mm, va, 1);
    n++;
  }
  m.store.event(MK.mkclean, pfn, 0, n, 0);
  s.leave();
  return n;
}
