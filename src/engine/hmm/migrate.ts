/**
 * The migration paths, step by step:
 *  - to device: dmirror_migrate_to_device → migrate_vma_setup, dmirror_migrate_alloc_and_copy, migrate_vma_pages,
 *    dmirror_migrate_finalize_and_map, migrate_vma_finalize (lib/test_hmm.c, mm/migrate_device.c). The UVM driver's
 *    nv_migrate_vma (uvm_migrate_pageable.c) is the same five calls with its own two driver steps
 *    (uvm_migrate_vma_alloc_and_copy, uvm_migrate_vma_finalize_and_map).
 *  - back to RAM on a CPU fault: do_swap_page → pgmap->ops->migrate_to_ram = dmirror_devmem_fault → setup (SELECT_
 *    DEVICE_PRIVATE, fault_page), dmirror_devmem_fault_alloc_and_copy, pages, finalize; and the explicit
 *    dmirror_migrate_to_system, which uses the same alloc-and-copy.
 *  - chunk eviction: dmirror_device_remove_chunks → dmirror_device_evict_chunk → migrate_device_range,
 *    migrate_device_pages, migrate_device_finalize: the pfn-based twins of the trio, no VMA needed.
 *  - device accesses: dmirror_read/write → dmirror_fault (hmm_range_fault) filling the mirror's pt.
 *
 * Reference counts follow the kernel: a mapped page holds one reference for its PTE; migrate_vma_collect /
 * migrate_device_range take one more and lock the page; unmapping drops the PTE's; remove_migration_ptes gives the
 * new page one for its PTE; finalize drops the collect reference (the old page is freed) and the allocation
 * reference of the new one. rss counts present PTEs only (the CPU model's MM2; Linux also counts device-private
 * entries in MM_ANONPAGES).
 */

import { HK, HmmDecline, HmmDir, HmmErr, MmuNotify } from './kinds';
import type { Hmm } from './hmm';
import { copyNs } from './costs';
import {
  A_ACTIVE,
  A_CPAGES,
  A_END,
  A_FAULT_PAGE,
  A_FLAGS,
  A_MM,
  A_NPAGES,
  A_OWNER,
  A_PHASE,
  A_START,
  A_START_PFN,
  ArgsKind,
  C_BASE,
  C_DEV,
  C_NPAGES,
  C_REMOVE,
  C_STATE,
  ChunkState,
  DP,
  DPT_XA_TAG_WRITE,
  deviceFrame,
  DEVICE_FRAME_BASE,
  isDeviceFrame,
  M_FAULTS,
  MIGRATE_PFN,
  MigratePhase,
  migratePfn,
  mpfnHas,
  mpfnPage,
  P_COUNT,
  P_MM,
  P_OWNER,
  PAGE_SIZE,
  ptEntry,
  ptTag,
  SELECT,
  V_CAPACITY,
  V_COUNT,
  V_FREE_COUNT,
  V_FREE_HEAD,
} from './state';
import {
  fnAllocAndCopy,
  fnDevmemFault,
  fnDmirrorFault,
  fnDoSwapPage,
  fnEvictChunk,
  fnFaultAllocAndCopy,
  fnFinalizeAndMap,
  fnMigrateDeviceFinalize,
  fnMigrateDevicePages,
  fnMigrateDeviceRange,
  fnMigrateToDevice,
  fnMigrateToSystem,
  fnMigrateVmaFinalize,
  fnMigrateVmaPages,
  fnMigrateVmaSetup,
  fnRemoveChunks,
} from './code';
import { PG, P_INDEX } from '../cpu/memmap';
import { devicePrivateEntry, makePte, presentPte, pteKind, PteKind, ptePfn, pteDirty, pteWritable } from '../cpu/pte';
import { VM } from '../cpu/vma';
import { VmFault } from '../cpu/fault';

const EINVAL = -22;
const EFAULT = -14;
const ENOMEM = -12;
const NO_OBJ = 0xffffffff;

export interface MigrateResult {
  migrated: number;
  error: number;
}

// ---------------------------------------------------------------- args

function openArgs(h: Hmm, kind: number, mm: number, start: number, end: number, npages: number, owner: number, flags: number, faultPage: number): void {
  const st = h.st;
  st.store.ensure(st.hArgs, 12 + 2 * npages);
  st.setArg(A_ACTIVE, kind);
  st.setArg(A_PHASE, MigratePhase.setup);
  st.setArg(A_MM, mm + 1);
  st.setArg(A_START, start);
  st.setArg(A_END, end);
  st.setArg(A_NPAGES, npages);
  st.setArg(A_CPAGES, 0);
  st.setArg(A_OWNER, owner);
  st.setArg(A_FLAGS, flags);
  st.setArg(A_FAULT_PAGE, faultPage + 1);
}

/** kfree / the stack frame going away: the arrays and the header return to zero. */
function closeArgs(h: Hmm): void {
  const st = h.st;
  const n = st.arg(A_NPAGES);
  for (let i = 0; i < n; i++) {
    st.setSrc(i, 0);
    st.setDst(i, 0);
  }
  for (const w of [A_ACTIVE, A_PHASE, A_MM, A_START, A_END, A_NPAGES, A_CPAGES, A_OWNER, A_FLAGS, A_FAULT_PAGE, A_START_PFN]) st.setArg(w, 0);
}

/** The (mm, VA) whose PTE entry i concerns: the window's page, or for a device range the device page's rmap. */
function targetOf(h: Hmm, i: number): { mm: number; va: number } {
  const st = h.st;
  if (st.arg(A_ACTIVE) === ArgsKind.vma) return { mm: st.arg(A_MM) - 1, va: st.arg(A_START) + i * PAGE_SIZE };
  const f = mpfnPage(st.src(i));
  if (f < 0 || !isDeviceFrame(f)) return { mm: -1, va: 0 };
  const p = f - DEVICE_FRAME_BASE;
  return { mm: st.page(p, P_MM) - 1, va: st.pageVa(p) };
}

function unlockFrame(h: Hmm, f: number): void {
  if (isDeviceFrame(f)) h.st.clearFlag(f - DEVICE_FRAME_BASE, DP.locked);
  else h.mem.clearFlag(f, PG.locked);
}
function putFrame(h: Hmm, f: number): void {
  if (isDeviceFrame(f)) h.putPage(f - DEVICE_FRAME_BASE);
  else h.mem.put(f);
}

/** Install `frame` at (mm, va) with its PTE reference: a device-private entry or a present PTE. */
function installFrame(h: Hmm, mm: number, va: number, frame: number, writable: boolean, dirty: boolean): void {
  if (isDeviceFrame(frame)) {
    const p = frame - DEVICE_FRAME_BASE;
    h.cpu.setPte(mm, va, devicePrivateEntry(p, writable));
    h.st.setFlag(p, DP.mapped);
    h.st.setPage(p, P_MM, mm + 1);
    h.st.setPageVa(p, va);
    h.getPage(p);
  } else {
    h.cpu.setPte(mm, va, presentPte(frame, { writable, dirty, accessed: true }));
    h.mem.addMap(frame);
    h.cpu.addRss(mm, h.mem.has(frame, PG.anon), 1);
    h.mem.get(frame);
  }
}

/** remove_migration_pte: the migration entry for `oldFrame` at (mm, va) becomes an entry for `newFrame`. */
function removeMigrationPte(h: Hmm, mm: number, va: number, oldFrame: number, newFrame: number): void {
  if (mm < 0) return;
  const pte = h.cpu.pte(mm, va);
  if (pteKind(pte) !== PteKind.migration || ptePfn(pte) !== oldFrame) return;
  h.cpu.clearPte(mm, va);
  installFrame(h, mm, va, newFrame, pteWritable(pte), pteDirty(pte));
}

// ---------------------------------------------------------------- migrate_vma_setup

/** migrate_vma_setup on the current args. Returns cpages, or a negative errno. */
function migrateVmaSetup(h: Hmm): number {
  const s = h.steps;
  const st = h.st;
  const cpu = h.cpu;
  const mem = h.mem;
  const mm = st.arg(A_MM) - 1;
  const start = st.arg(A_START);
  const n = st.arg(A_NPAGES);
  const owner = st.arg(A_OWNER);
  const flags = st.arg(A_FLAGS);
  const faultPage = st.arg(A_FAULT_PAGE) - 1;
  s.enter(fnMigrateVmaSetup.at.entry);
  st.setArg(A_PHASE, MigratePhase.setup);
  s.at(fnMigrateVmaSetup.at.check);
  const v = cpu.findVma(mm, start);
  if (v < 0 || cpu.vmas.flags(v) & VM.pfnmap) {
    h.store.event(HK.hmmError, mm, HmmErr.special, start, EINVAL);
    s.leave();
    return EINVAL;
  }
  const anonVma = cpu.vmas.file(v) < 0;
  for (let i = 0; i < n; i++) {
    st.setSrc(i, 0);
    st.setDst(i, 0);
  }
  s.at(fnMigrateVmaSetup.at.notify);
  h.onInvalidate(mm, start, start + n * PAGE_SIZE, MmuNotify.migrate, owner);
  s.at(fnMigrateVmaSetup.at.walk);
  let cpages = 0;
  let unmapped = 0;
  const isolate: number[] = [];
  for (let i = 0; i < n; i++) {
    const va = start + i * PAGE_SIZE;
    const pte = cpu.pte(mm, va);
    const kind = pteKind(pte);
    if (kind === PteKind.none) {
      if (!anonVma) continue;
      s.at(fnMigrateVmaSetup.at.hole);
      st.setSrc(i, MIGRATE_PFN.migrate);
      h.store.event(HK.hmmCollect, 0, i, va, MIGRATE_PFN.migrate);
      cpages++;
      continue;
    }
    if (kind === PteKind.present) {
      const pfn = ptePfn(pte);
      if (!(flags & SELECT.system) || mem.has(pfn, PG.locked)) {
        s.at(fnMigrateVmaSetup.at.skip);
        continue;
      }
      s.at(fnMigrateVmaSetup.at.collect);
      mem.get(pfn);
      mem.setFlag(pfn, PG.locked);
      s.at(fnMigrateVmaSetup.at.unmap);
      const w = pteWritable(pte);
      cpu.setPte(mm, va, makePte(PteKind.migration, pfn, { writable: w, dirty: pteDirty(pte) }));
      mem.removeMap(pfn);
      cpu.addRss(mm, mem.has(pfn, PG.anon), -1);
      mem.put(pfn);
      s.at(fnMigrateVmaSetup.at.record);
      const src = migratePfn(pfn) + MIGRATE_PFN.migrate + (w ? MIGRATE_PFN.write : 0);
      st.setSrc(i, src);
      h.store.event(HK.hmmCollect, pfn, i, va, src);
      isolate.push(pfn);
      cpages++;
      unmapped++;
      continue;
    }
    if (kind === PteKind.devicePrivate) {
      const p = ptePfn(pte);
      if (!(flags & SELECT.devicePrivate) || st.deviceOf(p) !== owner || (p !== faultPage && st.has(p, DP.locked))) {
        s.at(fnMigrateVmaSetup.at.skip);
        continue;
      }
      s.at(fnMigrateVmaSetup.at.collect);
      h.getPage(p);
      if (p !== faultPage) st.setFlag(p, DP.locked);
      s.at(fnMigrateVmaSetup.at.unmap);
      const w = pteWritable(pte);
      cpu.setPte(mm, va, makePte(PteKind.migration, deviceFrame(p), { writable: w }));
      st.clearFlag(p, DP.mapped);
      h.putPage(p);
      s.at(fnMigrateVmaSetup.at.record);
      const src = migratePfn(deviceFrame(p)) + MIGRATE_PFN.migrate + (w ? MIGRATE_PFN.write : 0);
      st.setSrc(i, src);
      h.store.event(HK.hmmCollect, deviceFrame(p), i, va, src);
      cpages++;
      unmapped++;
      continue;
    }
    s.at(fnMigrateVmaSetup.at.skip);
  }
  st.setArg(A_CPAGES, cpages);
  if (isolate.length) {
    s.at(fnMigrateVmaSetup.at.isolate);
    for (const pfn of isolate) mem.clearFlag(pfn, PG.lru);
  }
  s.at(fnMigrateVmaSetup.at.flush);
  if (unmapped) cpu.recordTlbFlush(mm, start, n);
  s.at(fnMigrateVmaSetup.at.ret);
  s.leave();
  return cpages;
}

// ---------------------------------------------------------------- pages / finalize (shared by both trios)

type PagesFn = typeof fnMigrateVmaPages | typeof fnMigrateDevicePages;
type FinalizeFn = typeof fnMigrateVmaFinalize | typeof fnMigrateDeviceFinalize;

function decline(h: Hmm, i: number, reason: number, va: number): void {
  const src = h.st.src(i);
  h.st.setSrc(i, src - MIGRATE_PFN.migrate);
  h.store.event(HK.hmmDecline, i, reason, va, src);
}

/** __migrate_device_pages: the commit point. */
function pagesPhase(h: Hmm, fn: PagesFn): void {
  const s = h.steps;
  const st = h.st;
  const n = st.arg(A_NPAGES);
  s.enter(fn.at.entry);
  st.setArg(A_PHASE, MigratePhase.pages);
  for (let i = 0; i < n; i++) {
    const src = st.src(i);
    if (!mpfnHas(src, MIGRATE_PFN.migrate)) continue;
    const { mm, va } = targetOf(h, i);
    const dst = st.dst(i);
    const newF = mpfnPage(dst);
    if (newF < 0) {
      s.at(fn.at.nodst);
      decline(h, i, HmmDecline.noDestination, va);
      continue;
    }
    const oldF = mpfnPage(src);
    if (oldF < 0) {
      // migrate_vma_insert_page: only for a PTE that is still empty
      s.at(fn.at.insert);
      if (h.cpu.pte(mm, va) !== 0) {
        decline(h, i, HmmDecline.notNone, va);
        continue;
      }
      const v = h.cpu.findVma(mm, va);
      const writable = v >= 0 && (h.cpu.vmas.flags(v) & VM.write) !== 0;
      if (!isDeviceFrame(newF)) moveMetadata(h, newF, mm, va);
      installFrame(h, mm, va, newF, writable, false);
      continue;
    }
    if (!isDeviceFrame(oldF) && isDeviceFrame(newF) && h.mem.mapping(oldF) >= 0) {
      s.at(fn.at.file);
      decline(h, i, HmmDecline.fileBacked, va);
      continue;
    }
    s.at(fn.at.move);
    moveMetadata(h, newF, mm, va);
  }
  s.leave();
}

/** migrate_folio: the new page takes the anonymous mapping and index (the rmap) of the old one. */
function moveMetadata(h: Hmm, newF: number, mm: number, va: number): void {
  if (isDeviceFrame(newF)) {
    const p = newF - DEVICE_FRAME_BASE;
    h.st.setPage(p, P_MM, mm + 1);
    h.st.setPageVa(p, va);
  } else {
    h.mem.setFlag(newF, PG.anon | PG.uptodate);
    h.mem.set(newF, P_INDEX, Math.floor(va / PAGE_SIZE) >>> 0);
  }
}

/** migrate_device_finalize. Returns the pages that moved. */
function finalizePhase(h: Hmm, fn: FinalizeFn): number {
  const s = h.steps;
  const st = h.st;
  const n = st.arg(A_NPAGES);
  const faultPage = st.arg(A_FAULT_PAGE) - 1;
  s.enter(fn.at.entry);
  st.setArg(A_PHASE, MigratePhase.finalize);
  let migrated = 0;
  for (let i = 0; i < n; i++) {
    const src = st.src(i);
    const dst = st.dst(i);
    const newF = mpfnPage(dst);
    const oldF = mpfnPage(src);
    if (oldF < 0) {
      if (newF < 0) continue;
      s.at(fn.at.hole);
      unlockFrame(h, newF);
      putFrame(h, newF);
      if (mpfnHas(src, MIGRATE_PFN.migrate)) migrated++;
      continue;
    }
    const { mm, va } = targetOf(h, i);
    let to = newF;
    if (!mpfnHas(src, MIGRATE_PFN.migrate) || newF < 0) {
      s.at(fn.at.restore);
      if (newF >= 0) {
        unlockFrame(h, newF);
        putFrame(h, newF);
      }
      to = oldF;
    } else migrated++;
    s.at(fn.at.remove);
    if (!isDeviceFrame(to)) h.mem.setFlag(to, PG.lru);
    removeMigrationPte(h, mm, va, oldF, to);
    s.at(fn.at.unlock);
    if (!(isDeviceFrame(oldF) && oldF - DEVICE_FRAME_BASE === faultPage)) unlockFrame(h, oldF);
    s.at(fn.at.putsrc);
    putFrame(h, oldF);
    if (to !== oldF) {
      s.at(fn.at.putdst);
      unlockFrame(h, to);
      putFrame(h, to);
    }
  }
  if (migrated) h.clock.count('hmm_migrated_pages', migrated);
  s.leave();
  return migrated;
}

// ---------------------------------------------------------------- to device

/** dmirror_migrate_alloc_and_copy. */
function allocAndCopy(h: Hmm, dev: number, m: number): void {
  const s = h.steps;
  const st = h.st;
  const n = st.arg(A_NPAGES);
  const start = st.arg(A_START);
  s.enter(fnAllocAndCopy.at.entry);
  st.setArg(A_PHASE, MigratePhase.allocAndCopy);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const src = st.src(i);
    if (!mpfnHas(src, MIGRATE_PFN.migrate)) continue;
    const va = start + i * PAGE_SIZE;
    const spage = mpfnPage(src);
    if (spage >= 0 && isDeviceFrame(spage)) {
      s.at(fnAllocAndCopy.at.skip);
      continue;
    }
    s.at(fnAllocAndCopy.at.alloc);
    const p = h.allocDevicePage(dev);
    if (p < 0) {
      s.at(fnAllocAndCopy.at.nomem);
      h.store.event(HK.hmmError, st.arg(A_MM) - 1, HmmErr.noDeviceMemory, va, ENOMEM);
      continue;
    }
    if (spage >= 0) {
      s.at(fnAllocAndCopy.at.copy);
      h.store.event(HK.hmmPageCopy, deviceFrame(p), 0, va, spage);
      bytes += PAGE_SIZE;
    } else {
      s.at(fnAllocAndCopy.at.clear);
      h.store.event(HK.hmmPageCopy, deviceFrame(p), 1, va, -1);
    }
    s.at(fnAllocAndCopy.at.owner);
    st.setPage(p, P_OWNER, m + 1);
    s.at(fnAllocAndCopy.at.dst);
    st.setDst(i, migratePfn(deviceFrame(p)) + (mpfnHas(src, MIGRATE_PFN.write) ? MIGRATE_PFN.write : 0));
  }
  if (bytes) {
    s.at(fnAllocAndCopy.at.cost);
    const ns = copyNs(h.costs.htod, bytes);
    h.store.event(HK.hmmCopy, dev, HmmDir.toDevice, bytes, ns);
    h.clock.spend(ns);
  }
  s.leave();
}

/** dmirror_migrate_finalize_and_map. */
function finalizeAndMap(h: Hmm, m: number): void {
  const s = h.steps;
  const st = h.st;
  const n = st.arg(A_NPAGES);
  const start = st.arg(A_START);
  s.enter(fnFinalizeAndMap.at.entry);
  st.setArg(A_PHASE, MigratePhase.finalizeAndMap);
  for (let i = 0; i < n; i++) {
    const src = st.src(i);
    if (!mpfnHas(src, MIGRATE_PFN.migrate)) continue;
    const dst = st.dst(i);
    const f = mpfnPage(dst);
    if (f < 0 || !isDeviceFrame(f)) {
      s.at(fnFinalizeAndMap.at.skip);
      continue;
    }
    s.at(fnFinalizeAndMap.at.store);
    const tag = mpfnHas(dst, MIGRATE_PFN.write) ? DPT_XA_TAG_WRITE : 0;
    h.ptStore(m, h.vpfn(start + i * PAGE_SIZE), ptEntry(f - DEVICE_FRAME_BASE, true, tag));
  }
  s.leave();
}

type WindowDriver = 'toDevice' | 'toSystem';

/** The window loop shared by dmirror_migrate_to_device and dmirror_migrate_to_system. */
function migrateWindows(h: Hmm, how: WindowDriver, dev: number, mm: number, start: number, end: number): MigrateResult {
  const s = h.steps;
  const cpu = h.cpu;
  const fn = how === 'toDevice' ? fnMigrateToDevice : fnMigrateToSystem;
  const lo = Math.floor(start / PAGE_SIZE) * PAGE_SIZE;
  const hi = Math.ceil(end / PAGE_SIZE) * PAGE_SIZE;
  s.enter(fn.at.entry);
  const m = h.mirrorOf(dev, mm);
  let migrated = 0;
  let error = 0;
  for (let addr = lo; addr < hi; ) {
    s.at(fn.at.window);
    const v = cpu.findVma(mm, addr);
    if (v < 0 || !(cpu.vmas.flags(v) & VM.read)) {
      s.at(fn.at.novma);
      h.store.event(HK.hmmError, mm, HmmErr.noVma, addr, EINVAL);
      error = EINVAL;
      break;
    }
    const next = Math.min(hi, addr + h.windowPages * PAGE_SIZE, cpu.vmas.end(v));
    const npages = (next - addr) / PAGE_SIZE;
    s.at(fn.at.args);
    const toDev = how === 'toDevice';
    openArgs(h, ArgsKind.vma, mm, addr, next, npages, dev, toDev ? SELECT.system : SELECT.devicePrivate, -1);
    h.store.event(HK.hmmMigrateStart, mm, toDev ? HmmDir.toDevice : HmmDir.toSystem, addr, npages);
    s.at(fn.at.setup);
    const cpages = migrateVmaSetup(h);
    if (cpages < 0) {
      error = cpages;
      closeArgs(h);
      break;
    }
    s.at(fn.at.alloc);
    if (toDev) allocAndCopy(h, dev, m);
    else faultAllocAndCopy(h, m);
    s.at(fn.at.pages);
    pagesPhase(h, fnMigrateVmaPages);
    if (toDev) {
      s.at(fnMigrateToDevice.at.map);
      finalizeAndMap(h, m);
    }
    s.at(fn.at.finalize);
    const moved = finalizePhase(h, fnMigrateVmaFinalize);
    migrated += moved;
    s.at(fn.at.done);
    closeArgs(h);
    h.store.event(HK.hmmMigrateDone, mm, toDev ? HmmDir.toDevice : HmmDir.toSystem, addr, moved);
    addr = next;
  }
  s.leave();
  return { migrated, error };
}

export function migrateToDevice(h: Hmm, dev: number, mm: number, start: number, end: number): MigrateResult {
  return migrateWindows(h, 'toDevice', dev, mm, start, end);
}
export function migrateToSystem(h: Hmm, dev: number, mm: number, start: number, end: number): MigrateResult {
  return migrateWindows(h, 'toSystem', dev, mm, start, end);
}

// ---------------------------------------------------------------- back to RAM

/** dmirror_devmem_fault_alloc_and_copy (the fault path and dmirror_migrate_to_system). */
function faultAllocAndCopy(h: Hmm, m: number): void {
  const s = h.steps;
  const st = h.st;
  const n = st.arg(A_NPAGES);
  const start = st.arg(A_START);
  s.enter(fnFaultAllocAndCopy.at.entry);
  st.setArg(A_PHASE, MigratePhase.allocAndCopy);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const src = st.src(i);
    if (!mpfnHas(src, MIGRATE_PFN.migrate)) continue;
    const spage = mpfnPage(src);
    if (spage < 0 || !isDeviceFrame(spage)) {
      s.at(fnFaultAllocAndCopy.at.skip);
      continue;
    }
    const va = start + i * PAGE_SIZE;
    s.at(fnFaultAllocAndCopy.at.alloc);
    const pfn = h.mem.alloc();
    h.mem.setFlag(pfn, PG.locked);
    s.at(fnFaultAllocAndCopy.at.erase);
    h.ptStore(m, h.vpfn(va), 0);
    s.at(fnFaultAllocAndCopy.at.copy);
    h.store.event(HK.hmmPageCopy, pfn, 0, va, spage);
    bytes += PAGE_SIZE;
    s.at(fnFaultAllocAndCopy.at.dst);
    st.setDst(i, migratePfn(pfn) + (mpfnHas(src, MIGRATE_PFN.write) ? MIGRATE_PFN.write : 0));
  }
  if (bytes) {
    s.at(fnFaultAllocAndCopy.at.cost);
    const ns = copyNs(h.costs.dtoh, bytes);
    h.store.event(HK.hmmCopy, st.arg(A_OWNER), HmmDir.toSystem, bytes, ns);
    h.clock.spend(ns);
  }
  s.leave();
}

/** dmirror_devmem_fault (pgmap->ops->migrate_to_ram) for device page p mapped at (mm, va). */
function devmemFault(h: Hmm, mm: number, va: number, p: number): number {
  const s = h.steps;
  const st = h.st;
  s.enter(fnDevmemFault.at.entry);
  s.at(fnDevmemFault.at.owner);
  const m = st.page(p, P_OWNER) - 1;
  const dev = st.deviceOf(p);
  s.at(fnDevmemFault.at.args);
  openArgs(h, ArgsKind.vma, mm, va, va + PAGE_SIZE, 1, dev, SELECT.devicePrivate, p);
  h.store.event(HK.hmmMigrateStart, mm, HmmDir.toSystem, va, 1);
  s.at(fnDevmemFault.at.setup);
  const cpages = migrateVmaSetup(h);
  if (cpages <= 0) {
    s.at(fnDevmemFault.at.none);
    closeArgs(h);
    s.leave();
    return 0;
  }
  s.at(fnDevmemFault.at.alloc);
  faultAllocAndCopy(h, m);
  s.at(fnDevmemFault.at.pages);
  pagesPhase(h, fnMigrateVmaPages);
  s.at(fnDevmemFault.at.finalize);
  const moved = finalizePhase(h, fnMigrateVmaFinalize);
  s.at(fnDevmemFault.at.ret);
  closeArgs(h);
  h.store.event(HK.hmmMigrateDone, mm, HmmDir.toSystem, va, moved);
  s.leave();
  return 0;
}

/** CpuMm.hooks.devicePrivateFault: do_swap_page on a device-private entry. Returns VmFault bits. */
export function devicePrivateFault(h: Hmm, mm: number, va: number, pte: number, write: boolean): number {
  const s = h.steps;
  const st = h.st;
  const p = ptePfn(pte);
  const page = Math.floor(va / PAGE_SIZE) * PAGE_SIZE;
  s.enter(fnDoSwapPage.at.entry);
  h.store.event(HK.hmmDevicePrivateFault, mm, p, page, write ? 1 : 0);
  s.at(fnDoSwapPage.at.device);
  if (st.has(p, DP.locked) || !st.has(p, DP.alloc)) {
    s.leave();
    return VmFault.retry;
  }
  st.setFlag(p, DP.locked);
  h.getPage(p);
  s.at(fnDoSwapPage.at.call);
  const ret = devmemFault(h, mm, page, p);
  s.at(fnDoSwapPage.at.put);
  st.clearFlag(p, DP.locked);
  h.putPage(p);
  s.leave();
  return ret;
}

// ---------------------------------------------------------------- device accesses

/** dmirror_read/write of one page and dmirror_fault (hmm_range_fault + dmirror_do_fault) on a miss. */
export function deviceAccess(h: Hmm, dev: number, mm: number, va: number, write: boolean): number {
  const s = h.steps;
  const st = h.st;
  const cpu = h.cpu;
  const m = h.mirrorOf(dev, mm);
  const page = Math.floor(va / PAGE_SIZE) * PAGE_SIZE;
  const vpfn = h.vpfn(page);
  s.enter(fnDmirrorFault.at.entry);
  const e = h.ptLoad(m, vpfn);
  if (e !== 0 && (!write || ptTag(e) === DPT_XA_TAG_WRITE)) {
    s.at(fnDmirrorFault.at.hit);
    h.store.event(HK.hmmDeviceAccess, m, write ? 1 : 0, page, e);
    s.leave();
    return 0;
  }
  s.at(fnDmirrorFault.at.begin);
  st.setMirror(m, M_FAULTS, st.mirror(m, M_FAULTS) + 1);
  h.clock.count('hmm_device_faults', 1);
  h.clock.spend(h.costs.deviceFaultNs);
  const fail = (errno: number, why: number): number => {
    s.at(fnDmirrorFault.at.efault);
    h.store.event(HK.hmmError, mm, why, page, errno);
    h.store.event(HK.hmmDeviceFault, m, write ? 1 : 0, page, errno);
    s.leave();
    return errno;
  };
  for (let tries = 0; tries < 4; tries++) {
    s.at(fnDmirrorFault.at.walk);
    const pte = cpu.pte(mm, page);
    const kind = pteKind(pte);
    if (kind === PteKind.devicePrivate && st.deviceOf(ptePfn(pte)) === dev) {
      s.at(fnDmirrorFault.at.own);
      if (write && !pteWritable(pte)) return fail(EFAULT, HmmErr.readOnlyDevicePage);
      s.at(fnDmirrorFault.at.store);
      h.ptStore(m, vpfn, ptEntry(ptePfn(pte), true, pteWritable(pte) ? DPT_XA_TAG_WRITE : 0));
      h.store.event(HK.hmmDeviceFault, m, write ? 1 : 0, page, 0);
      s.leave();
      return 0;
    }
    if (kind === PteKind.present && (!write || pteWritable(pte))) {
      s.at(fnDmirrorFault.at.store);
      h.ptStore(m, vpfn, ptEntry(ptePfn(pte), false, pteWritable(pte) ? DPT_XA_TAG_WRITE : 0));
      h.store.event(HK.hmmDeviceFault, m, write ? 1 : 0, page, 0);
      s.leave();
      return 0;
    }
    s.at(fnDmirrorFault.at.fault);
    const r = cpu.fault(mm, page, write);
    if (r & (VmFault.sigsegv | VmFault.sigbus | VmFault.oom)) return fail(EFAULT, HmmErr.deviceFault);
  }
  return fail(EFAULT, HmmErr.deviceFault);
}

// ---------------------------------------------------------------- chunk eviction

/** migrate_device_range over chunk c (args already open). */
function migrateDeviceRange(h: Hmm, c: number): number {
  const s = h.steps;
  const st = h.st;
  const base = st.chunk(c, C_BASE);
  const n = st.chunk(c, C_NPAGES);
  s.enter(fnMigrateDeviceRange.at.entry);
  s.at(fnMigrateDeviceRange.at.free);
  const busy: number[] = [];
  for (let k = 0; k < n; k++) {
    const p = base + k;
    if (!st.has(p, DP.alloc) || st.page(p, P_COUNT) === 0) continue;
    if (st.has(p, DP.locked)) continue;
    s.at(fnMigrateDeviceRange.at.lock);
    h.getPage(p);
    st.setFlag(p, DP.locked);
    const src = migratePfn(deviceFrame(p)) + MIGRATE_PFN.migrate;
    st.setSrc(k, src);
    h.store.event(HK.hmmCollect, deviceFrame(p), k, st.pageVa(p), src);
    busy.push(p);
  }
  st.setArg(A_CPAGES, busy.length);
  for (const p of busy) {
    if (!st.has(p, DP.mapped)) continue;
    s.at(fnMigrateDeviceRange.at.unmap);
    const mm = st.page(p, P_MM) - 1;
    const va = st.pageVa(p);
    s.at(fnMigrateDeviceRange.at.invalidate);
    h.onInvalidate(mm, va, va + PAGE_SIZE, MmuNotify.clear, 0);
    s.at(fnMigrateDeviceRange.at.migentry);
    const pte = h.cpu.pte(mm, va);
    h.cpu.setPte(mm, va, makePte(PteKind.migration, deviceFrame(p), { writable: pteWritable(pte) }));
    st.clearFlag(p, DP.mapped);
    h.putPage(p);
    h.cpu.recordTlbFlush(mm, va, 1);
  }
  s.leave();
  return busy.length;
}

/** dmirror_device_evict_chunk. Returns the pages migrated. */
function evictChunk(h: Hmm, c: number): number {
  const s = h.steps;
  const st = h.st;
  const base = st.chunk(c, C_BASE);
  const n = st.chunk(c, C_NPAGES);
  const dev = st.chunk(c, C_DEV);
  s.enter(fnEvictChunk.at.entry);
  s.at(fnEvictChunk.at.arrays);
  openArgs(h, ArgsKind.deviceRange, -1, 0, 0, n, dev, 0, -1);
  st.setArg(A_START_PFN, deviceFrame(base));
  h.store.event(HK.hmmMigrateStart, NO_OBJ, HmmDir.evict, base, n);
  s.at(fnEvictChunk.at.range);
  migrateDeviceRange(h, c);
  st.setArg(A_PHASE, MigratePhase.allocAndCopy);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const src = st.src(i);
    if (!mpfnHas(src, MIGRATE_PFN.migrate)) continue;
    const spage = mpfnPage(src);
    const { va } = targetOf(h, i);
    s.at(fnEvictChunk.at.alloc);
    const pfn = h.mem.alloc();
    h.mem.setFlag(pfn, PG.locked);
    s.at(fnEvictChunk.at.copy);
    h.store.event(HK.hmmPageCopy, pfn, 0, va, spage);
    bytes += PAGE_SIZE;
    s.at(fnEvictChunk.at.dst);
    st.setDst(i, migratePfn(pfn) + (mpfnHas(src, MIGRATE_PFN.write) ? MIGRATE_PFN.write : 0));
  }
  if (bytes) {
    s.at(fnEvictChunk.at.cost);
    const ns = copyNs(h.costs.dtoh, bytes);
    h.store.event(HK.hmmCopy, dev, HmmDir.evict, bytes, ns);
    h.clock.spend(ns);
  }
  s.at(fnEvictChunk.at.pages);
  pagesPhase(h, fnMigrateDevicePages);
  s.at(fnEvictChunk.at.finalize);
  const moved = finalizePhase(h, fnMigrateDeviceFinalize);
  s.at(fnEvictChunk.at.free);
  closeArgs(h);
  h.store.event(HK.hmmMigrateDone, NO_OBJ, HmmDir.evict, base, moved);
  s.leave();
  return moved;
}

/** The body of dmirror_device_remove_chunks for one chunk: mark, unlink, evict, release. */
function removeOne(h: Hmm, c: number): number {
  const s = h.steps;
  const st = h.st;
  const dev = st.chunk(c, C_DEV);
  s.at(fnRemoveChunks.at.mark);
  st.setChunk(c, C_REMOVE, 1);
  s.at(fnRemoveChunks.at.unlink);
  h.unlinkChunkFreePages(c);
  s.at(fnRemoveChunks.at.evict);
  const moved = evictChunk(h, c);
  s.at(fnRemoveChunks.at.release);
  st.setChunk(c, C_STATE, ChunkState.released);
  st.addDev(dev, V_COUNT, -1);
  h.store.event(HK.hmmChunkRelease, c, dev, st.chunk(c, C_BASE), moved);
  return moved;
}

/** dmirror_device_remove_chunks restricted to the given chunks (one chunk for hmm.evict of a chunk). */
export function evictChunkPath(h: Hmm, chunks: number[], reset: boolean): number {
  const s = h.steps;
  s.enter(fnRemoveChunks.at.entry);
  let moved = 0;
  for (const c of chunks) moved += removeOne(h, c);
  if (reset && chunks.length) {
    const dev = h.st.chunk(chunks[0], C_DEV);
    s.at(fnRemoveChunks.at.reset);
    h.st.setDev(dev, V_COUNT, 0);
    h.st.setDev(dev, V_CAPACITY, 0);
    h.st.setDev(dev, V_FREE_HEAD, 0);
    h.st.setDev(dev, V_FREE_COUNT, 0);
  }
  s.leave();
  return moved;
}

/** dmirror_device_remove_chunks: every chunk of the device. */
export function removeChunksPath(h: Hmm, dev: number): number {
  const chunks = h.chunksOf(dev);
  if (!chunks.length) return 0;
  return evictChunkPath(h, chunks, true);
}
