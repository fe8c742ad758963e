/**
 * The CPU memory manager: processes (mm), VMAs, 4-level page tables and the PTE operations other parts of the engine
 * use (HMM installs migration and device-private entries with setPte; UVM and gdrdrv map pages with mapPage). The
 * kernel paths live in fault.ts (handle_mm_fault) and unmap.ts (munmap, unmap_mapping_range, msync, page_mkclean).
 *
 * References and rmap: a present PTE to a page with a struct page (every VMA but VM_PFNMAP) holds one reference on
 * it (_count) and one map count (_mapcount); mapPage / zap keep both. setPte and clearPte write the raw word and do
 * no accounting: they are for swap-type entries and for callers that account themselves (HMM's migrate_vma steps).
 *
 * Anonymous pages: struct page in the same mem_map as page-cache pages (cpu/memmap.ts), PageAnon set, index = the
 * VA's page number (linear_page_index with vm_pgoff = start >> PAGE_SHIFT), truncated to 32 bits.
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import type { PageCache } from '../pagecache/filemap';
import { DEFAULT_CPU_COSTS, type Clock, type CpuCosts } from './costs';
import { MK } from './kinds';
import { MemMap, P_INDEX, PG } from './memmap';
import { entryIndex, LEVEL_PGD, LEVEL_PTE, PageTables } from './pgtable';
import { presentPte, ptePresent, pteNone, PTE_A, PTE_D, PTE_W } from './pte';
import { M_PGD, M_RSS_ANON, M_RSS_FILE, Vmas, VM } from './vma';
import { fnMmap } from './code';
import { handleMmFault, VmFault } from './fault';
import { msync, munmap, pageMkclean, unmapMappingRange, zapRange } from './unmap';

export { VmFault };

export interface MmHooks {
  /** vma->vm_ops->fault of a driver VMA (its file is a private address_space: UVM, gdrdrv). Returns VmFault bits. */
  driverFault?: (mm: number, vma: number, va: number, write: boolean) => number;
  /** do_swap_page on a device-private entry: pgmap->ops->migrate_to_ram. Returns VmFault bits. */
  devicePrivateFault?: (mm: number, va: number, pte: number, write: boolean) => number;
  /** A fault on a migration entry; without a hook the model answers VM_FAULT_RETRY (migration_entry_wait). */
  migrationEntryFault?: (mm: number, va: number, pte: number, write: boolean) => number;
  /** zap of a swap-type entry (the device model drops its own reference on the device page). */
  zapSwapEntry?: (mm: number, va: number, pte: number) => void;
  /**
   * mmu_notifier_invalidate_range_start: other MMUs mirroring this mm (an HMM device) drop [start, end) before the CPU
   * side changes it. `event` is an MMU_NOTIFY_* value (0 unmap, 1 clear, … 6 migrate; as in the kernel's enum), `owner` the device
   * of a migration (0 otherwise).
   */
  invalidateRangeStart?: (mm: number, start: number, end: number, event: number, owner: number) => void;
}

/** MMU_NOTIFY_* events passed to invalidateRangeStart (include/linux/mmu_notifier.h). */
export const MMU_NOTIFY_UNMAP = 0;
export const MMU_NOTIFY_CLEAR = 1;

export interface MmapOptions {
  /** Fixed address; omitted = get_unmapped_area picks the lowest gap from MMAP_BASE. */
  start?: number;
  length: number;
  read?: boolean;
  write?: boolean;
  exec?: boolean;
  shared?: boolean;
  /** address_space id; omitted = anonymous. */
  file?: number;
  /** file page of the first byte (vm_pgoff). */
  pgoff?: number;
  gpuMapped?: boolean;
  gpuMappedShared?: boolean;
  pfnmap?: boolean;
}

export interface CpuMmConfig {
  pagecache: PageCache;
  clock: Clock;
  costs?: CpuCosts;
}

/** Where get_unmapped_area starts looking (bottom-up; an assumption, kept apart from the UVM ranges at 0x7f…). */
export const MMAP_BASE = 0x100000000000;
const PAGE = 4096;

export class CpuMm {
  readonly vmas: Vmas;
  readonly tables: PageTables;
  readonly mem: MemMap;
  readonly pc: PageCache;
  readonly clock: Clock;
  readonly costs: CpuCosts;
  hooks: MmHooks = {};

  constructor(
    readonly store: Store,
    readonly steps: StepTable,
    cfg: CpuMmConfig,
  ) {
    this.pc = cfg.pagecache;
    this.mem = this.pc.mem;
    this.clock = cfg.clock;
    this.costs = cfg.costs ?? DEFAULT_CPU_COSTS;
    this.vmas = new Vmas(store);
    this.tables = new PageTables(store, this.mem);
    // clear_page_dirty_for_io reaches the PTEs through the rmap
    this.pc.hooks.mkclean = (pfn) => {
      pageMkclean(this, pfn);
    };
  }

  /** mm_alloc + pgd_alloc: a process's address space with an empty PGD. */
  createMm(): number {
    const mm = this.vmas.addMm();
    const pgd = this.tables.alloc(mm, LEVEL_PGD, -1, 0);
    this.vmas.setMm(mm, M_PGD, pgd + 1);
    return mm;
  }
  pgd(mm: number): number {
    return this.vmas.mmWord(mm, M_PGD) - 1;
  }
  rss(mm: number): { file: number; anon: number } {
    return { file: this.vmas.mmWord(mm, M_RSS_FILE), anon: this.vmas.mmWord(mm, M_RSS_ANON) };
  }
  addRss(mm: number, anon: boolean, by: number): void {
    const w = anon ? M_RSS_ANON : M_RSS_FILE;
    this.vmas.setMm(mm, w, this.vmas.mmWord(mm, w) + by);
  }

  /** do_mmap: a new VMA; returns its id. Overlapping an existing VMA is refused (no MAP_FIXED replacement). */
  mmap(mm: number, o: MmapOptions): number {
    const s = this.steps;
    const len = Math.ceil(o.length / PAGE) * PAGE;
    if (len <= 0) throw new RangeError('mmap of an empty range');
    s.enter(fnMmap.at.entry);
    s.at(fnMmap.at.area);
    let start = o.start ?? MMAP_BASE;
    if (start % PAGE !== 0) throw new RangeError(`mmap address ${start} is not page aligned`);
    if (o.start === undefined) {
      for (const v of this.vmas.vmasOf(mm)) if (this.vmas.start(v) < start + len && start < this.vmas.end(v)) start = this.vmas.end(v);
    } else if (this.vmas.overlaps(mm, start, start + len)) throw new Error(`mmap at ${start.toString(16)} overlaps a mapping`);
    s.at(fnMmap.at.vma);
    let flags = 0;
    if (o.read ?? true) flags |= VM.read;
    if (o.write) flags |= VM.write;
    if (o.exec) flags |= VM.exec;
    if (o.shared) flags |= VM.shared;
    if (o.gpuMapped) flags |= VM.gpuMapped;
    if (o.gpuMappedShared) flags |= VM.gpuMappedShared;
    if (o.pfnmap) flags |= VM.pfnmap;
    const v = this.vmas.add(mm, start, start + len, flags, o.file ?? -1, o.pgoff ?? 0);
    s.leave();
    return v;
  }

  findVma(mm: number, va: number): number {
    return this.vmas.find(mm, va);
  }
  /** File page that `va` of file VMA v maps. */
  fileIndex(v: number, va: number): number {
    return this.vmas.pgoff(v) + Math.floor((va - this.vmas.start(v)) / PAGE);
  }

  // ---- PTE API ----
  /** The PTE for `va` (0 = none). Pure. */
  pte(mm: number, va: number): number {
    return this.tables.get(this.pgd(mm), va);
  }
  /** Write a raw PTE (allocating tables as needed); no reference or rmap accounting. Returns the old value. */
  setPte(mm: number, va: number, value: number): number {
    const t = this.tables.ensurePteTable(mm, this.pgd(mm), va);
    const i = entryIndex(LEVEL_PTE, va);
    const old = this.tables.entry(t, i);
    this.tables.setPte(t, i, value);
    return old;
  }
  /** Clear a raw PTE; no accounting. Returns the old value. */
  clearPte(mm: number, va: number): number {
    const t = this.tables.pteTable(this.pgd(mm), va);
    if (t < 0) return 0;
    const i = entryIndex(LEVEL_PTE, va);
    const old = this.tables.entry(t, i);
    this.tables.setPte(t, i, 0);
    return old;
  }
  /**
   * vm_insert_page / do_set_pte: map `pfn` at `va` with a present PTE, taking a reference and a map count (none for
   * a VM_PFNMAP VMA). The PTE must be none.
   */
  mapPage(mm: number, va: number, pfn: number, writable: boolean, dirty = false): void {
    const t = this.tables.ensurePteTable(mm, this.pgd(mm), va);
    const i = entryIndex(LEVEL_PTE, va);
    if (!pteNone(this.tables.entry(t, i))) throw new Error(`mapPage: VA ${va.toString(16)} is already mapped`);
    const v = this.findVma(mm, va);
    if (v >= 0 && (this.vmas.flags(v) & VM.pfnmap) !== 0) {
      this.tables.setPte(t, i, presentPte(pfn, { writable, dirty, accessed: true }));
      return;
    }
    this.mem.get(pfn);
    this.installPage(mm, t, i, pfn, writable, dirty);
  }
  /**
   * Install a present PTE whose page reference the caller hands over (the fault paths' do_set_pte): map count and
   * rss follow.
   */
  installPage(mm: number, t: number, i: number, pfn: number, writable: boolean, dirty: boolean): void {
    this.mem.addMap(pfn);
    this.addRss(mm, this.mem.has(pfn, PG.anon), 1);
    this.tables.setPte(t, i, presentPte(pfn, { writable, dirty, accessed: true }));
  }
  /** Allocate an anonymous page for `va` (one reference, PageAnon, on the LRU). */
  allocAnon(va: number): number {
    const pfn = this.mem.alloc();
    this.mem.setFlag(pfn, PG.anon | PG.lru | PG.uptodate);
    this.mem.set(pfn, P_INDEX, Math.floor(va / PAGE) >>> 0);
    return pfn;
  }

  /** zap_page_range: remove the PTEs of [start, end) (VMAs stay). Returns PTEs removed. */
  unmapRange(mm: number, start: number, end: number): number {
    return zapRange(this, mm, start, end);
  }
  /** Present PTEs of a VMA in address order: fn(va, pte). Pure. */
  forEachPresent(mm: number, v: number, fn: (va: number, pte: number) => void): void {
    this.tables.forEachPte(this.pgd(mm), this.vmas.start(v), this.vmas.end(v), (va, _t, _i, pte) => {
      if (ptePresent(pte)) fn(va, pte);
    });
  }

  // ---- paths ----
  /** handle_mm_fault; returns VmFault bits (0 = a minor fault that mapped the page). */
  fault(mm: number, va: number, write: boolean): number {
    return handleMmFault(this, mm, va, write);
  }
  /**
   * A CPU load or store as the MMU performs it: allowed by the PTE → set accessed (and dirty), no fault; otherwise
   * handle_mm_fault. Returns -1 when no fault was taken, else the fault's VmFault bits.
   */
  access(mm: number, va: number, write: boolean): number {
    const t = this.tables.pteTable(this.pgd(mm), va);
    if (t >= 0) {
      const i = entryIndex(LEVEL_PTE, va);
      const pte = this.tables.entry(t, i);
      if (ptePresent(pte) && (!write || (pte & PTE_W) !== 0)) {
        this.tables.setPte(t, i, (pte | PTE_A | (write ? PTE_D : 0)) >>> 0);
        return -1;
      }
    }
    return this.fault(mm, va, write);
  }
  munmap(mm: number, start: number, length: number): void {
    munmap(this, mm, start, length);
  }
  msync(mm: number, start: number, length: number): void {
    msync(this, mm, start, length);
  }
  /**
   * unmap_mapping_range(mapping, first page, pages, even_cows): every PTE of every process mapping that file range;
   * private COW copies go too only with evenCows. Returns the PTEs removed.
   */
  unmapMappingRange(f: number, firstIndex: number, pages: number, evenCows = false): number {
    return unmapMappingRange(this, f, firstIndex, pages, evenCows);
  }
  /** page_mkclean: write-protect and clean every PTE mapping a file page; returns the PTEs cleaned. */
  pageMkclean(pfn: number): number {
    return pageMkclean(this, pfn);
  }
  recordTlbFlush(mm: number, start: number, pages: number): void {
    this.store.event(MK.tlbFlush, mm, 0, start, pages);
    this.clock.spend(this.costs.tlbFlushNs);
  }
}
