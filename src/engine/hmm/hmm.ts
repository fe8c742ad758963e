/**
 * The HMM model: Linux's device-private memory (ZONE_DEVICE, mm/memremap.c), the migrate_vma / migrate_device helpers
 * (mm/migrate_device.c) and the dmirror test driver that exercises them (lib/test_hmm.c), one dmirror-like device per
 * GPU of the scenario (device d = GPU processor id d, 1..N).
 *
 * What lives here: per device its chunks (dmirror_chunk), the free list of device pages (free_pages, LIFO through
 * zone_device_data), calloc/cfree; per device page its backing system page (rpage, from the CPU model's mem_map),
 * owner mirror, refcount, lock and reverse map; per mirror (struct dmirror, one per device and process) the `pt`
 * xarray — the fake device page table — and the mmu_interval_notifier callback that keeps it coherent; the current
 * migrate_vma arguments with their src[] / dst[] arrays (state.ts). The paths are in migrate.ts.
 *
 * Wiring: the constructor installs CpuMm.hooks.devicePrivateFault (do_swap_page → migrate_to_ram) and zapSwapEntry
 * (zap of a device-private entry drops the page). CpuMm has no MMU-notifier hook yet: the lead calls
 * `onInvalidate(mm, start, end, event, owner)` where Linux calls mmu_notifier_invalidate_range_start (munmap,
 * unmap_mapping_range, COW, page_mkclean); the constructor also sets `hooks.invalidateRangeStart` so a CpuMm that
 * grows that hook calls it directly. HMM's own migrations notify internally.
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import type { Clock } from '../cpu/costs';
import type { CpuMm } from '../cpu/mm';
import type { MemMap } from '../cpu/memmap';
import { fnAllocateChunk, fnDevmemAllocPage, fnDevmemFree, fnFopsOpen, fnIntervalInvalidate, fnZapDevicePrivate } from './code';
import { HK, MmuNotify } from './kinds';
import {
  C_ALLOCATED,
  C_BASE,
  C_DEV,
  C_NPAGES,
  C_REMOVE,
  C_STATE,
  C_UNUSED,
  ChunkState,
  DEFAULT_CHUNK_PAGES,
  DEVMEM_CHUNKS_RESERVE,
  DP,
  G_CHUNKS,
  G_MIRRORS,
  HmmState,
  M_DEV,
  M_ENTRIES,
  M_MM,
  M_ROOT,
  M_SEQ,
  MAX_DEVICE_PAGES,
  MIGRATE_WINDOW_PAGES,
  N_COUNT,
  N_SLOTS,
  P_COUNT,
  P_MM,
  P_NEXT,
  P_OWNER,
  P_RPAGE,
  PAGE_SHIFT,
  PAGE_SIZE,
  V_CALLOC,
  V_CAPACITY,
  V_CFREE,
  V_COUNT,
  V_FREE_COUNT,
  V_FREE_HEAD,
  V_GONE,
  XA_CHUNK_SHIFT,
  XA_LEVELS,
  XA_SLOTS,
} from './state';
import { devicePrivateFault, deviceAccess, evictChunkPath, migrateToDevice, migrateToSystem, removeChunksPath } from './migrate';
import { pteKind, PteKind, ptePfn } from '../cpu/pte';
import { DEFAULT_HMM_COSTS, type HmmCosts } from './costs';

export { DEFAULT_HMM_COSTS, copyNs, type HmmCosts, type LinkCost } from './costs';

export interface HmmOptions {
  /**
   * Pages per device chunk. Default DEVMEM_CHUNK_SIZE (256 MiB = 65,536 pages) as lib/test_hmm.c; a scenario may ask
   * for smaller chunks so that evicting one stays small enough to read page by page.
   */
  chunkPages?: number;
  /** Entries of src[] / dst[] per migrate_vma window; default 512 (2 MiB). */
  windowPages?: number;
  costs?: HmmCosts;
  /** Allocate each device's first chunk at construction, as dmirror_device_init does (default false: on first use). */
  initChunks?: boolean;
}

/** Destination of `migrate`: 0 = system memory (the CPU), 1..N = that device. */
export const CPU = 0;

export class Hmm {
  readonly st: HmmState;
  readonly mem: MemMap;
  readonly costs: HmmCosts;
  readonly chunkPages: number;
  readonly windowPages: number;

  constructor(
    readonly store: Store,
    readonly steps: StepTable,
    readonly cpu: CpuMm,
    readonly clock: Clock,
    readonly devices: number,
    opts: HmmOptions = {},
  ) {
    const chunkPages = opts.chunkPages ?? DEFAULT_CHUNK_PAGES;
    if (!Number.isInteger(chunkPages) || chunkPages < 1 || chunkPages > MAX_DEVICE_PAGES) throw new RangeError(`chunk of ${chunkPages} pages`);
    if (!Number.isInteger(devices) || devices < 0) throw new RangeError(`${devices} devices`);
    this.chunkPages = chunkPages;
    this.windowPages = opts.windowPages ?? MIGRATE_WINDOW_PAGES;
    this.costs = opts.costs ?? DEFAULT_HMM_COSTS;
    this.mem = cpu.mem;
    this.st = new HmmState(store, devices, chunkPages);
    cpu.hooks.devicePrivateFault = (mm, va, pte, write) => devicePrivateFault(this, mm, va, pte, write);
    cpu.hooks.zapSwapEntry = (mm, va, pte) => this.zapSwapEntry(mm, va, pte);
    Object.assign(cpu.hooks, {
      invalidateRangeStart: (mm: number, start: number, end: number, event: number, owner: number) => this.onInvalidate(mm, start, end, event, owner),
    });
    if (opts.initChunks) for (let d = 1; d <= devices; d++) this.deviceInit(d);
  }

  // ================= public API =================

  /** dmirror_device_init: the device's first chunk (skipped when it has one). */
  deviceInit(dev: number): void {
    this.checkDev(dev);
    if (this.st.dev(dev, V_COUNT) === 0) this.allocateChunk(dev, false);
  }

  /**
   * hmm.migrate: move [start, end) of process `mm` to device `to` (dmirror_migrate_to_device, SELECT_SYSTEM) or, with
   * to = CPU (0), back to system memory from every device that holds pages there (dmirror_migrate_to_system,
   * SELECT_DEVICE_PRIVATE). Returns the pages migrated, and an errno (negative) when it stopped early.
   */
  migrate(mm: number, start: number, end: number, to: number): { migrated: number; error: number } {
    if (to === CPU) {
      let migrated = 0;
      let error = 0;
      for (let d = 1; d <= this.devices; d++) {
        if (!this.holdsPages(d, mm, start, end)) continue;
        const r = migrateToSystem(this, d, mm, start, end);
        migrated += r.migrated;
        if (r.error) error = r.error;
      }
      return { migrated, error };
    }
    this.checkDev(to);
    return migrateToDevice(this, to, mm, start, end);
  }
  migrateToDevice(dev: number, mm: number, start: number, end: number): { migrated: number; error: number } {
    this.checkDev(dev);
    return migrateToDevice(this, dev, mm, start, end);
  }
  migrateToSystem(dev: number, mm: number, start: number, end: number): { migrated: number; error: number } {
    this.checkDev(dev);
    return migrateToSystem(this, dev, mm, start, end);
  }

  /** A device load or store at `va` through its mirror (dmirror_read/write): a pt hit, or dmirror_fault. Returns 0 or a negative errno. */
  deviceAccess(dev: number, mm: number, va: number, write: boolean): number {
    this.checkDev(dev);
    return deviceAccess(this, dev, mm, va, write);
  }

  /** hmm.evict of one chunk: dmirror_device_remove_chunks' body for that chunk (mark, unlink, evict, release). */
  evictChunk(chunk: number): number {
    if (this.st.chunk(chunk, C_STATE) !== ChunkState.live) throw new Error(`chunk ${chunk} is not live`);
    return evictChunkPath(this, [chunk], false);
  }
  /** dmirror_device_remove_chunks: evict and release every chunk of a device. Returns pages migrated. */
  evictDevice(dev: number): number {
    this.checkDev(dev);
    return removeChunksPath(this, dev);
  }

  /** Live chunks of a device, oldest first. */
  chunksOf(dev: number): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.st.chunkCount(); c++) if (this.st.chunk(c, C_DEV) === dev && this.st.chunk(c, C_STATE) === ChunkState.live) out.push(c);
    return out;
  }

  /** The mirror of (device, mm), or -1. Pure. */
  findMirror(dev: number, mm: number): number {
    for (let m = 0; m < this.st.mirrorCount(); m++) if (this.st.mirror(m, M_DEV) === dev && this.st.mirror(m, M_MM) === mm + 1) return m;
    return -1;
  }
  /** dmirror_fops_open on first use: the mirror of (device, mm) with its notifier over the whole address space. */
  mirrorOf(dev: number, mm: number): number {
    const found = this.findMirror(dev, mm);
    if (found >= 0) return found;
    const s = this.steps;
    s.enter(fnFopsOpen.at.entry);
    s.at(fnFopsOpen.at.alloc);
    const m = this.st.mirrorCount();
    this.st.setGlobal(G_MIRRORS, m + 1);
    this.st.setMirror(m, M_DEV, dev);
    this.st.setMirror(m, M_MM, mm + 1);
    const root = this.st.allocNode();
    this.st.setMirror(m, M_ROOT, root + 1);
    s.at(fnFopsOpen.at.notifier);
    this.store.event(HK.hmmMirrorOpen, m, dev, mm, 0);
    s.leave();
    return m;
  }

  /**
   * mmu_notifier_invalidate_range_start over [start, end) of `mm`: every mirror of that mm runs
   * dmirror_interval_invalidate. `owner` is the device of a migration (MMU_NOTIFY_MIGRATE), 0 otherwise.
   */
  onInvalidate(mm: number, start: number, end: number, event: number, owner = 0): void {
    const st = this.st;
    const s = this.steps;
    for (let m = 0; m < st.mirrorCount(); m++) {
      if (st.mirror(m, M_MM) !== mm + 1) continue;
      s.enter(fnIntervalInvalidate.at.entry);
      if (event === MmuNotify.migrate && owner === st.mirror(m, M_DEV)) {
        s.at(fnIntervalInvalidate.at.own);
        this.store.event(HK.hmmInvalidate, m, event, start, -1);
        s.leave();
        continue;
      }
      s.at(fnIntervalInvalidate.at.seq);
      st.setMirror(m, M_SEQ, st.mirror(m, M_SEQ) + 1);
      s.at(fnIntervalInvalidate.at.erase);
      const n = this.ptEraseRange(m, start, end);
      this.store.event(HK.hmmInvalidate, m, event, start, n);
      s.leave();
    }
  }

  /** CpuMm.hooks.zapSwapEntry: a zapped device-private entry drops its page (page_remove_rmap + put_page). */
  zapSwapEntry(_mm: number, _va: number, pte: number): void {
    if (pteKind(pte) !== PteKind.devicePrivate) return;
    const p = ptePfn(pte);
    const s = this.steps;
    s.enter(fnZapDevicePrivate.at.entry);
    s.at(fnZapDevicePrivate.at.remove);
    this.st.clearFlag(p, DP.mapped);
    this.putPage(p);
    s.leave();
  }

  // ================= device memory =================

  checkDev(dev: number): void {
    if (!Number.isInteger(dev) || dev < 1 || dev > this.devices) throw new RangeError(`no HMM device ${dev} (devices are 1..${this.devices})`);
  }

  /** Does `dev` own a device-private page mapped in [start, end) of mm? Pure. */
  holdsPages(dev: number, mm: number, start: number, end: number): boolean {
    let found = false;
    this.cpu.tables.forEachPte(this.cpu.pgd(mm), start, end, (_va, _t, _i, pte) => {
      if (pteKind(pte) === PteKind.devicePrivate && this.st.deviceOf(ptePfn(pte)) === dev) found = true;
    });
    return found;
  }

  /** dmirror_allocate_chunk: a new chunk; with `take`, its top page goes to the caller. Returns that page or -1. */
  allocateChunk(dev: number, take: boolean): number {
    const st = this.st;
    const s = this.steps;
    const c = st.chunkCount();
    if ((c + 1) * this.chunkPages > MAX_DEVICE_PAGES) return -1;
    s.enter(fnAllocateChunk.at.entry);
    s.at(fnAllocateChunk.at.region);
    st.setGlobal(G_CHUNKS, c + 1);
    const base = c * this.chunkPages;
    st.setChunk(c, C_DEV, dev);
    st.setChunk(c, C_BASE, base);
    st.setChunk(c, C_NPAGES, this.chunkPages);
    s.at(fnAllocateChunk.at.memremap);
    st.setChunk(c, C_STATE, ChunkState.live);
    this.store.event(HK.hmmChunkAlloc, c, dev, base, this.chunkPages);
    s.at(fnAllocateChunk.at.capacity);
    if (st.dev(dev, V_COUNT) === st.dev(dev, V_CAPACITY)) st.addDev(dev, V_CAPACITY, DEVMEM_CHUNKS_RESERVE);
    st.addDev(dev, V_COUNT, 1);
    s.at(fnAllocateChunk.at.thread);
    st.setChunk(c, C_UNUSED, this.chunkPages);
    let p = -1;
    if (take) {
      s.at(fnAllocateChunk.at.take);
      p = base + this.chunkPages - 1;
      st.setChunk(c, C_UNUSED, this.chunkPages - 1);
      st.addDev(dev, V_CALLOC, 1);
    }
    s.leave();
    return p;
  }

  /** Pop free_pages: the threaded list first, then the untouched pages of the newest live chunk. -1 when empty. */
  private popFree(dev: number): number {
    const st = this.st;
    const head = st.dev(dev, V_FREE_HEAD) - 1;
    if (head >= 0) {
      st.setDev(dev, V_FREE_HEAD, st.page(head, P_NEXT));
      st.addDev(dev, V_FREE_COUNT, -1);
      st.setPage(head, P_NEXT, 0);
      st.clearFlag(head, DP.free);
      return head;
    }
    for (let c = st.chunkCount() - 1; c >= 0; c--) {
      if (st.chunk(c, C_DEV) !== dev || st.chunk(c, C_STATE) !== ChunkState.live || st.chunk(c, C_REMOVE)) continue;
      const unused = st.chunk(c, C_UNUSED);
      if (unused === 0) continue;
      st.setChunk(c, C_UNUSED, unused - 1);
      return st.chunk(c, C_BASE) + unused - 1;
    }
    return -1;
  }

  /** dmirror_devmem_alloc_page: a locked device page with refcount 1 and a fresh backing rpage, or -1. */
  allocDevicePage(dev: number): number {
    const st = this.st;
    const s = this.steps;
    s.enter(fnDevmemAllocPage.at.entry);
    s.at(fnDevmemAllocPage.at.rpage);
    const rpage = this.mem.alloc();
    s.at(fnDevmemAllocPage.at.pop);
    let p = this.popFree(dev);
    if (p >= 0) st.addDev(dev, V_CALLOC, 1);
    else {
      s.at(fnDevmemAllocPage.at.chunk);
      p = this.allocateChunk(dev, true);
      if (p < 0) {
        this.mem.put(rpage);
        s.leave();
        return -1;
      }
    }
    s.at(fnDevmemAllocPage.at.init);
    st.setFlag(p, DP.alloc | DP.locked);
    st.setPage(p, P_COUNT, 1);
    st.setPage(p, P_RPAGE, rpage + 1);
    const c = st.chunkOf(p);
    st.setChunk(c, C_ALLOCATED, st.chunk(c, C_ALLOCATED) + 1);
    s.leave();
    return p;
  }

  getPage(p: number): void {
    this.st.setPage(p, P_COUNT, this.st.page(p, P_COUNT) + 1);
  }
  /** put_page on a device page: at zero, pgmap->ops->folio_free (dmirror_devmem_free). Returns true if freed. */
  putPage(p: number): boolean {
    const c = this.st.page(p, P_COUNT);
    if (c === 0) throw new Error(`put_page on device page ${p} with no references`);
    this.st.setPage(p, P_COUNT, c - 1);
    if (c - 1 > 0) return false;
    this.freeDevicePage(p);
    return true;
  }

  /** dmirror_devmem_free: release the backing page; recycle the device page unless its chunk is being removed. */
  private freeDevicePage(p: number): void {
    const st = this.st;
    const s = this.steps;
    const c = st.chunkOf(p);
    const dev = st.chunk(c, C_DEV);
    s.enter(fnDevmemFree.at.entry);
    s.at(fnDevmemFree.at.rpage);
    const rpage = st.rpage(p);
    if (rpage >= 0) this.mem.put(rpage);
    st.setPage(p, P_RPAGE, 0);
    st.setPage(p, P_OWNER, 0);
    st.setPage(p, P_MM, 0);
    st.setPageVa(p, 0);
    st.clearFlag(p, DP.alloc | DP.locked | DP.mapped);
    st.setChunk(c, C_ALLOCATED, st.chunk(c, C_ALLOCATED) - 1);
    const recycle = st.chunk(c, C_REMOVE) === 0;
    if (recycle) {
      s.at(fnDevmemFree.at.recycle);
      st.setPage(p, P_NEXT, st.dev(dev, V_FREE_HEAD));
      st.setDev(dev, V_FREE_HEAD, p + 1);
      st.setFlag(p, DP.free);
      st.addDev(dev, V_FREE_COUNT, 1);
      st.addDev(dev, V_CFREE, 1);
    } else {
      s.at(fnDevmemFree.at.keep);
      st.setFlag(p, DP.gone);
      st.addDev(dev, V_GONE, 1);
    }
    this.store.event(HK.hmmPageFree, p, dev, recycle ? 1 : 0, rpage);
    s.leave();
  }

  /** dmirror_remove_free_pages: unlink a chunk's pages from free_pages (and drop its untouched pages). */
  unlinkChunkFreePages(c: number): number {
    const st = this.st;
    const dev = st.chunk(c, C_DEV);
    const lo = st.chunk(c, C_BASE);
    const hi = lo + st.chunk(c, C_NPAGES);
    let n = st.chunk(c, C_UNUSED);
    st.setChunk(c, C_UNUSED, 0);
    let prev = -1;
    let p = st.dev(dev, V_FREE_HEAD) - 1;
    while (p >= 0) {
      const next = st.page(p, P_NEXT) - 1;
      if (p >= lo && p < hi) {
        if (prev < 0) st.setDev(dev, V_FREE_HEAD, next + 1);
        else st.setPage(prev, P_NEXT, next + 1);
        st.setPage(p, P_NEXT, 0);
        st.clearFlag(p, DP.free);
        st.addDev(dev, V_FREE_COUNT, -1);
        n++;
      } else prev = p;
      p = next;
    }
    return n;
  }

  // ================= the device page table (dmirror->pt, an xarray) =================

  private slotIndex(vpfn: number, level: number): number {
    return Math.floor(vpfn / 2 ** (XA_CHUNK_SHIFT * (XA_LEVELS - 1 - level))) % XA_SLOTS;
  }

  /** xa_load(&dmirror->pt, vpfn): the tagged entry, 0 when none. Pure. */
  ptLoad(m: number, vpfn: number): number {
    const st = this.st;
    let n = st.mirror(m, M_ROOT) - 1;
    for (let level = 0; level < XA_LEVELS - 1; level++) {
      if (n < 0) return 0;
      n = st.nodeWord(n, N_SLOTS + this.slotIndex(vpfn, level)) - 1;
    }
    return n < 0 ? 0 : st.nodeWord(n, N_SLOTS + this.slotIndex(vpfn, XA_LEVELS - 1));
  }

  /** xa_store / xa_erase (entry 0). Returns the old entry. */
  ptStore(m: number, vpfn: number, entry: number): number {
    const st = this.st;
    let n = st.mirror(m, M_ROOT) - 1;
    for (let level = 0; level < XA_LEVELS - 1; level++) {
      const i = N_SLOTS + this.slotIndex(vpfn, level);
      let child = st.nodeWord(n, i) - 1;
      if (child < 0) {
        if (entry === 0) return 0;
        child = st.allocNode();
        st.setNodeWord(n, i, child + 1, m);
        st.setNodeWord(n, N_COUNT, st.nodeWord(n, N_COUNT) + 1, m);
      }
      n = child;
    }
    const i = N_SLOTS + this.slotIndex(vpfn, XA_LEVELS - 1);
    const old = st.nodeWord(n, i);
    if (old === entry) return old;
    st.setNodeWord(n, i, entry, m);
    if ((old === 0) !== (entry === 0)) {
      const d = entry === 0 ? -1 : 1;
      st.setNodeWord(n, N_COUNT, st.nodeWord(n, N_COUNT) + d, m);
      st.setMirror(m, M_ENTRIES, st.mirror(m, M_ENTRIES) + d);
    }
    return old;
  }

  /** Every entry of a mirror with vpfn in [lo, hi), in order: fn(vpfn, entry). Pure. */
  forEachPt(m: number, lo: number, hi: number, fn: (vpfn: number, entry: number) => void): void {
    const st = this.st;
    const walk = (n: number, level: number, base: number): void => {
      const span = 2 ** (XA_CHUNK_SHIFT * (XA_LEVELS - 1 - level));
      for (let i = 0; i < XA_SLOTS; i++) {
        const from = base + i * span;
        if (from >= hi) return;
        if (from + span <= lo) continue;
        const w = st.nodeWord(n, N_SLOTS + i);
        if (w === 0) continue;
        if (level === XA_LEVELS - 1) fn(from, w);
        else walk(w - 1, level + 1, from);
      }
    };
    const root = st.mirror(m, M_ROOT) - 1;
    if (root >= 0) walk(root, 0, 0);
  }

  /** dmirror_do_update: erase the pt entries of [start, end). Returns entries erased. */
  ptEraseRange(m: number, start: number, end: number): number {
    const found: number[] = [];
    this.forEachPt(m, Math.floor(start / PAGE_SIZE), Math.ceil(end / PAGE_SIZE), (vpfn) => found.push(vpfn));
    for (const vpfn of found) this.ptStore(m, vpfn, 0);
    return found.length;
  }

  /** The virtual pfn of a VA. */
  vpfn(va: number): number {
    return Math.floor(va / 2 ** PAGE_SHIFT);
  }
}
