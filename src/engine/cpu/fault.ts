/**
 * The CPU page-fault path (mm/memory.c, Linux 4.4): handle_mm_fault → __handle_mm_fault (allocate missing tables) →
 * handle_pte_fault, which dispatches on the PTE:
 *   none     → anonymous VMA: do_anonymous_page; file VMA: do_read_fault / do_cow_fault (private write) /
 *              do_shared_fault (shared write); a driver's VMA (private address_space): its vm_ops->fault hook
 *   present  → a write to a read-only PTE: do_wp_page; otherwise spurious (mark young / dirty)
 *   swap     → migration entry: migration_entry_wait (VM_FAULT_RETRY); device-private: migrate_to_ram (HMM hook)
 * Dirty tracking of shared file pages follows Linux's write-notify: read faults map read-only, the first write takes a
 * write-protect fault that calls set_page_dirty, and write-back's page_mkclean makes the PTEs read-only again.
 */

import { MK } from './kinds';
import type { CpuMm } from './mm';
import { PG } from './memmap';
import { entryIndex, LEVEL_PTE } from './pgtable';
import { PteKind, ptePfn, pteKind, presentPte, pteWritable, PTE_A, PTE_D } from './pte';
import { VM } from './vma';
import { AddressSpaceKind, F_KIND } from '../pagecache/radix';
import { fnAnonPage, fnCowFault, fnHandleMmFault, fnReadFault, fnSharedFault, fnWpPage } from './code';

/** Fault result bits (include/linux/mm.h VM_FAULT_*). */
export const VmFault = {
  oom: 0x1,
  sigbus: 0x2,
  major: 0x4,
  write: 0x8,
  sigsegv: 0x40,
  nopage: 0x100,
  locked: 0x200,
  retry: 0x400,
} as const;

export function handleMmFault(m: CpuMm, mm: number, va: number, write: boolean): number {
  const s = m.steps;
  const vm = m.vmas;
  s.enter(fnHandleMmFault.at.entry);
  const v = vm.find(mm, va);
  m.store.event(MK.mmFault, mm, v < 0 ? 0xffffffff : v, va, write ? 1 : 0);
  m.clock.count('mm_faults', 1);
  m.clock.spend(m.costs.faultNs);
  s.at(fnHandleMmFault.at.vma);
  const flags = v < 0 ? 0 : vm.flags(v);
  if (v < 0 || (write && !(flags & VM.write)) || (!write && !(flags & VM.read))) {
    s.at(fnHandleMmFault.at.segv);
    m.store.event(MK.faultError, mm, v < 0 ? 0xffffffff : v, va, VmFault.sigsegv);
    s.leave();
    return VmFault.sigsegv;
  }
  s.at(fnHandleMmFault.at.walk);
  const t = m.tables.ensurePteTable(mm, m.pgd(mm), va);
  const i = entryIndex(LEVEL_PTE, va);
  s.at(fnHandleMmFault.at.pte);
  const pte = m.tables.entry(t, i);
  let ret = 0;
  const file = vm.file(v);
  switch (pteKind(pte)) {
    case PteKind.none:
      s.at(fnHandleMmFault.at.none);
      if (file < 0) doAnonymousPage(m, mm, v, va, t, i);
      else if (m.pc.radix.file(file, F_KIND) === AddressSpaceKind.private) {
        s.at(fnHandleMmFault.at.driver);
        ret = m.hooks.driverFault ? m.hooks.driverFault(mm, v, va, write) : VmFault.sigbus;
      } else if (!write) ret = doReadFault(m, mm, v, va, t, i);
      else if (!(flags & VM.shared)) ret = doCowFault(m, mm, v, va, t, i);
      else ret = doSharedFault(m, mm, v, va, t, i);
      break;
    case PteKind.present:
      if (write && !pteWritable(pte)) {
        s.at(fnHandleMmFault.at.wp);
        doWpPage(m, mm, v, va, t, i);
      } else {
        s.at(fnHandleMmFault.at.spurious);
        m.tables.setPte(t, i, (pte | PTE_A | (write ? PTE_D : 0)) >>> 0);
      }
      break;
    case PteKind.migration:
      s.at(fnHandleMmFault.at.migration);
      m.store.event(MK.swapEntryFault, mm, v, va, pte);
      ret = m.hooks.migrationEntryFault ? m.hooks.migrationEntryFault(mm, va, pte, write) : VmFault.retry;
      break;
    default:
      s.at(fnHandleMmFault.at.device);
      m.store.event(MK.swapEntryFault, mm, v, va, pte);
      ret = m.hooks.devicePrivateFault ? m.hooks.devicePrivateFault(mm, va, pte, write) : VmFault.sigbus;
  }
  if (ret & (VmFault.sigbus | VmFault.sigsegv | VmFault.retry | VmFault.oom)) m.store.event(MK.faultError, mm, v, va, ret);
  if (ret & VmFault.major) m.clock.count('mm_major_faults', 1);
  s.at(fnHandleMmFault.at.ret);
  s.leave();
  return ret;
}

function doAnonymousPage(m: CpuMm, mm: number, v: number, va: number, t: number, i: number): void {
  const s = m.steps;
  s.enter(fnAnonPage.at.entry);
  s.at(fnAnonPage.at.alloc);
  const pfn = m.allocAnon(va);
  m.store.event(MK.zeroPage, pfn, mm, va, 0);
  m.clock.spend(m.costs.zeroPageNs);
  s.at(fnAnonPage.at.set);
  const w = (m.vmas.flags(v) & VM.write) !== 0;
  m.installPage(mm, t, i, pfn, w, w);
  s.leave();
}

function doReadFault(m: CpuMm, mm: number, v: number, va: number, t: number, i: number): number {
  const s = m.steps;
  s.enter(fnReadFault.at.entry);
  s.at(fnReadFault.at.fault);
  const { pfn, major } = m.pc.filemapFault(m.vmas.file(v), m.fileIndex(v, va));
  s.at(fnReadFault.at.map);
  m.installPage(mm, t, i, pfn, false, false);
  s.at(fnReadFault.at.unlock);
  m.pc.unlockPage(pfn);
  s.leave();
  return major ? VmFault.major : 0;
}

function doCowFault(m: CpuMm, mm: number, v: number, va: number, t: number, i: number): number {
  const s = m.steps;
  s.enter(fnCowFault.at.entry);
  s.at(fnCowFault.at.alloc);
  const copy = m.allocAnon(va);
  s.at(fnCowFault.at.fault);
  const { pfn, major } = m.pc.filemapFault(m.vmas.file(v), m.fileIndex(v, va));
  s.at(fnCowFault.at.copy);
  m.store.event(MK.cowCopy, copy, mm, va, pfn);
  m.clock.spend(m.costs.copyPageNs);
  s.at(fnCowFault.at.map);
  m.installPage(mm, t, i, copy, true, true);
  s.at(fnCowFault.at.put);
  m.pc.unlockPage(pfn);
  m.mem.put(pfn);
  s.leave();
  return major ? VmFault.major : 0;
}

function doSharedFault(m: CpuMm, mm: number, v: number, va: number, t: number, i: number): number {
  const s = m.steps;
  s.enter(fnSharedFault.at.entry);
  s.at(fnSharedFault.at.fault);
  const { pfn, major } = m.pc.filemapFault(m.vmas.file(v), m.fileIndex(v, va));
  s.at(fnSharedFault.at.mkwrite);
  s.at(fnSharedFault.at.map);
  m.installPage(mm, t, i, pfn, true, true);
  s.at(fnSharedFault.at.dirty);
  m.pc.setPageDirty(pfn);
  m.pc.unlockPage(pfn);
  s.leave();
  return major ? VmFault.major : 0;
}

/** do_wp_page: a write to a present, read-only PTE. */
function doWpPage(m: CpuMm, mm: number, v: number, va: number, t: number, i: number): void {
  const s = m.steps;
  const pte = m.tables.entry(t, i);
  const old = ptePfn(pte);
  const flags = m.vmas.flags(v);
  s.enter(fnWpPage.at.entry);
  if ((flags & VM.shared) !== 0 && !m.mem.has(old, PG.anon)) {
    s.at(fnWpPage.at.shared);
    m.tables.setPte(t, i, presentPte(old, { writable: true, dirty: true, accessed: true }));
    m.store.event(MK.wpShared, mm, v, va, old);
    s.at(fnWpPage.at.dirty);
    m.pc.setPageDirty(old);
  } else if (m.mem.has(old, PG.anon) && m.mem.count(old) === 1 && m.mem.mapcount(old) === 1) {
    s.at(fnWpPage.at.reuse);
    m.tables.setPte(t, i, presentPte(old, { writable: true, dirty: true, accessed: true }));
  } else {
    s.at(fnWpPage.at.copy);
    const copy = m.allocAnon(va);
    m.store.event(MK.cowCopy, copy, mm, va, old);
    m.clock.spend(m.costs.copyPageNs);
    // the old page loses this PTE's map count and reference; the copy takes its place
    m.tables.setPte(t, i, 0);
    m.mem.removeMap(old);
    m.addRss(mm, m.mem.has(old, PG.anon), -1);
    m.mem.put(old);
    m.installPage(mm, t, i, copy, true, true);
  }
  s.leave();
}
