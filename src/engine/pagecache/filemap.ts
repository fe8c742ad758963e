/**
 * The page cache (mm/filemap.c, Linux 4.4 + GAIA): address_spaces holding CPU pages in a radix tree (radix.ts), GAIA's
 * GPU pages beside them, the TSVT versions (tsvt.ts), dirtying and write-back (writeback.ts). Kernel paths record
 * micro-steps (code.ts); pure lookups record nothing.
 *
 * References: the page cache holds one reference on each page it contains (page_cache_get in
 * __add_to_page_cache_locked), dropped when the page leaves. Lookups that hand a page out (findGetPage,
 * pagecacheGetPage, filemapFault) take one more for the caller.
 *
 * GPU ids here are GAIA processor indices (GPU_NVIDIA = 0): the engine's GPU proc id minus 1.
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import { DEFAULT_CPU_COSTS, diskReadNs, PAGE_SIZE, type Clock, type CpuCosts } from '../cpu/costs';
import { MemMap, P_INDEX, P_LRA_NEXT, P_MAPPING, PG } from '../cpu/memmap';
import { PK } from './kinds';
import { AddressSpaceKind, F_LRA_HEAD, F_NRGPU, F_NRPAGES, GPU_GROUP, MAP_SIZE, N_COUNT, N_SLOTS, Radix, Tag } from './radix';
import { Tsvt } from './tsvt';
import { fnAddToPageCache, fnDeleteFromPageCache, fnFilemapFault, fnPagecacheGetPage, fnSetPageDirty, fnTagClear, fnTagSet } from './code';
import { fsyncRange, tagPagesForWriteback, writeCachePages } from './writeback';
import { addToPageCacheGpu, deleteFromPageCacheGpu } from './gpu';
import { forEachPage, nodesOf, taggedIndices } from './walk';

export interface PageCacheHooks {
  /** page_mkclean: write-protect and clean every PTE that maps `pfn` (the mm installs this). */
  mkclean?: (pfn: number) => void;
  /** GAIA get_page_from_gpu: refresh CPU page `pfn` from the newest GPU copy; true when it did. */
  getPageFromGpu?: (file: number, index: number, pfn: number) => boolean;
}

export interface PageCacheConfig {
  /** GPUs in the machine (TSVT processors = gpus + CPU + disk). */
  gpus: number;
  memmap: MemMap;
  clock: Clock;
  costs?: CpuCosts;
}

export class PageCache {
  readonly radix: Radix;
  readonly tsvt: Tsvt;
  readonly mem: MemMap;
  readonly clock: Clock;
  readonly costs: CpuCosts;
  hooks: PageCacheHooks = {};

  constructor(
    readonly store: Store,
    readonly steps: StepTable,
    cfg: PageCacheConfig,
  ) {
    this.radix = new Radix(store, cfg.gpus);
    this.tsvt = new Tsvt(this.radix);
    this.mem = cfg.memmap;
    this.clock = cfg.clock;
    this.costs = cfg.costs ?? DEFAULT_CPU_COSTS;
  }

  /** TSVT processor columns. */
  get cpu(): number {
    return this.tsvt.cpu;
  }
  get disk(): number {
    return this.tsvt.disk;
  }
  gpuCol(gpu: number): number {
    return gpu;
  }

  // ---- address_spaces ----
  /** An inode's i_mapping, or a driver's private address_space (UVM's and gdrdrv's open files). */
  createAddressSpace(kind: 'inode' | 'private' = 'inode'): number {
    return this.radix.createFile(kind === 'inode' ? AddressSpaceKind.inode : AddressSpaceKind.private);
  }
  nrpages(f: number): number {
    return this.radix.file(f, F_NRPAGES);
  }
  nrGpuPages(f: number): number {
    return this.radix.file(f, F_NRGPU);
  }

  // ---- lookups (pure) ----
  /** radix_tree_lookup: the CPU page at `index`, or -1. No reference taken. */
  lookup(f: number, index: number): number {
    return this.radix.lookup(f, index);
  }
  tagGet(f: number, index: number, tag: number): boolean {
    return this.radix.tagGet(f, index, tag);
  }
  rootTagGet(f: number, tag: number): boolean {
    return this.radix.rootTag(f, tag);
  }
  /** GAIA find_get_taged_pages_idx: up to `max` tagged indices from `from` on; `next` is where to continue. */
  findGetTaggedPagesIdx(f: number, from: number, max: number, tag: number): { indices: number[]; next: number } {
    const indices = taggedIndices(this.radix, f, from, max, tag);
    return { indices, next: indices.length ? indices[indices.length - 1] + 1 : from };
  }
  /** CPU pages with index in [from, to], in order: fn(index, pfn). */
  forEachCachedPage(f: number, from: number, to: number, fn: (index: number, pfn: number) => void): void {
    forEachPage(this.radix, f, from, to, fn);
  }
  /** Live radix nodes of a file, parents first (for views). */
  nodesOf(f: number): number[] {
    return nodesOf(this.radix, f);
  }
  /** GAIA pagecache_get_gpu_page: the GPU page covering `index` on `gpu`, or -1. */
  pagecacheGetGpuPage(f: number, index: number, gpu: number): number {
    const leaf = this.radix.leafOf(f, index);
    if (leaf < 0) return -1;
    const pfn = this.radix.gpuSlot(leaf, gpu, Math.floor((index % MAP_SIZE) / GPU_GROUP));
    return pfn >= 0 && this.mem.has(pfn, PG.onGPU) ? pfn : -1;
  }
  /** mapping->gpu_lra, newest first. */
  gpuLra(f: number): number[] {
    const out: number[] = [];
    for (let p = this.radix.file(f, F_LRA_HEAD) - 1; p >= 0; p = this.mem.word(p, P_LRA_NEXT) - 1) out.push(p);
    return out;
  }

  // ---- versions (GAIA §1.5) ----
  pageVersionOn(f: number, index: number, proc: number): number[] {
    return this.tsvt.row(f, index, proc);
  }
  latestVersion(f: number, index: number): number[] {
    return this.tsvt.latest(f, index);
  }
  increasePageVersion(f: number, index: number, proc: number): void {
    this.tsvt.increase(f, index, proc);
  }
  setPageVersionAsOn(f: number, index: number, toSet: number, setAs: number): void {
    this.tsvt.setAsOn(f, index, toSet, setAs);
  }
  staleColumn(f: number, index: number, viewer: number): number {
    return this.tsvt.staleColumn(f, index, viewer);
  }
  isStale(f: number, index: number, viewer: number): boolean {
    return this.tsvt.staleColumn(f, index, viewer) >= 0;
  }
  bestSrcForPage(f: number, index: number): number {
    return this.tsvt.bestSource(f, index);
  }

  // ---- page lock and references ----
  lockPage(pfn: number): void {
    this.mem.setFlag(pfn, PG.locked);
  }
  unlockPage(pfn: number): void {
    this.mem.clearFlag(pfn, PG.locked);
  }
  /** find_get_page: the page with a reference for the caller, or -1. */
  findGetPage(f: number, index: number): number {
    const pfn = this.lookup(f, index);
    if (pfn >= 0) this.mem.get(pfn);
    return pfn;
  }

  // ---- tags (stepped) ----
  tagSet(f: number, index: number, tag: number): void {
    const s = this.steps;
    s.enter(fnTagSet.at.entry);
    this.radix.tagSet(f, index, tag, (h) => s.at(h === 0 ? fnTagSet.at.root : fnTagSet.at.descend));
    s.leave();
  }
  tagClear(f: number, index: number, tag: number): void {
    const s = this.steps;
    s.enter(fnTagClear.at.entry);
    this.radix.tagClear(f, index, tag, (h) => s.at(h === 0 ? fnTagClear.at.root : fnTagClear.at.climb));
    s.leave();
  }

  // ---- CPU pages ----
  /** __add_to_page_cache_locked + lru_cache_add. The page comes back locked, as in Linux; the caller unlocks. */
  addToPageCache(pfn: number, f: number, index: number): void {
    const s = this.steps;
    const r = this.radix;
    if (this.mem.mapping(pfn) >= 0) throw new Error(`pfn ${pfn} is already in a page cache`);
    s.enter(fnAddToPageCache.at.entry);
    s.at(fnAddToPageCache.at.lock);
    this.mem.setFlag(pfn, PG.locked);
    this.mem.get(pfn);
    s.at(fnAddToPageCache.at.insert);
    const leaf = r.createPath(f, index);
    const slot = index % MAP_SIZE;
    if (r.slot(leaf, slot) >= 0) throw new Error(`index ${index} of file ${f} is already cached (EEXIST)`);
    r.setNode(leaf, N_SLOTS + slot, pfn + 1, PK.pcSlot);
    r.setNode(leaf, N_COUNT, r.node(leaf, N_COUNT) + 1);
    s.at(fnAddToPageCache.at.owner);
    this.mem.set(pfn, P_MAPPING, f + 1);
    this.mem.set(pfn, P_INDEX, index);
    r.setFile(f, F_NRPAGES, r.file(f, F_NRPAGES) + 1);
    s.at(fnAddToPageCache.at.version);
    this.tsvt.initRowFromLatest(leaf, slot, this.cpu, this.cpu);
    s.at(fnAddToPageCache.at.lru);
    this.mem.setFlag(pfn, PG.lru);
    this.store.event(PK.pageInsert, f, index, pfn, 0);
    s.leave();
  }

  /** __delete_from_page_cache + page_cache_release. The page must be unmapped (truncate unmaps first). */
  deleteFromPageCache(pfn: number): void {
    const s = this.steps;
    const r = this.radix;
    const f = this.mem.mapping(pfn);
    const index = this.mem.index(pfn);
    if (f < 0 || this.mem.has(pfn, PG.onGPU) || r.lookup(f, index) !== pfn) throw new Error(`pfn ${pfn} is not a CPU page of a page cache`);
    if (this.mem.mapcount(pfn) !== 0) throw new Error(`pfn ${pfn} is still mapped by ${this.mem.mapcount(pfn)} PTEs`);
    const leaf = r.leafOf(f, index);
    const slot = index % MAP_SIZE;
    s.enter(fnDeleteFromPageCache.at.entry);
    s.at(fnDeleteFromPageCache.at.tags);
    for (let t = 0; t < Tag.onGpu; t++) r.tagClear(f, index, t);
    this.mem.clearFlag(pfn, PG.dirty | PG.writeback);
    s.at(fnDeleteFromPageCache.at.version);
    this.tsvt.resetRow(leaf, slot, this.cpu, null);
    s.at(fnDeleteFromPageCache.at.slot);
    r.setNode(leaf, N_SLOTS + slot, 0, PK.pcSlot);
    r.setNode(leaf, N_COUNT, r.node(leaf, N_COUNT) - 1);
    r.deleteUpward(f, leaf);
    s.at(fnDeleteFromPageCache.at.owner);
    this.store.event(PK.pageDelete, f, index, pfn, 0);
    this.mem.set(pfn, P_MAPPING, 0);
    this.mem.set(pfn, P_INDEX, 0);
    r.setFile(f, F_NRPAGES, r.file(f, F_NRPAGES) - 1);
    this.mem.put(pfn);
    s.leave();
  }

  /**
   * pagecache_get_page (GAIA's pagecache_get_page_ucm body): the cached page with a reference, refreshed from the GPU
   * when its versions say it is stale; on a miss with `create`, a new page (not uptodate, unlocked). -1 otherwise.
   */
  pagecacheGetPage(f: number, index: number, create = false): number {
    const s = this.steps;
    s.enter(fnPagecacheGetPage.at.entry);
    s.at(fnPagecacheGetPage.at.lookup);
    let pfn = this.findGetPage(f, index);
    if (pfn >= 0 && !this.hit(f, index, pfn, fnPagecacheGetPage.at.stale)) {
      // GAIA: get_page_from_gpu returned NULL and pagecache_get_page_ucm reports no page. Fix: the prototype
      // overwrites `page` with that NULL before releasing it, leaking find_get_entry's reference; the model drops it.
      s.at(fnPagecacheGetPage.at.noPage);
      this.mem.put(pfn);
      pfn = -1;
    } else if (pfn < 0) {
      this.miss(f, index);
      if (create) {
        s.at(fnPagecacheGetPage.at.miss);
        pfn = this.mem.alloc();
        s.at(fnPagecacheGetPage.at.add);
        this.addToPageCache(pfn, f, index);
        this.unlockPage(pfn);
      }
    }
    s.at(fnPagecacheGetPage.at.ret);
    s.leave();
    return pfn;
  }

  /** A cached page found: GAIA's version check. False when get_page_from_gpu failed to refresh a stale page. */
  private hit(f: number, index: number, pfn: number, staleLine: number): boolean {
    this.store.event(PK.cacheHit, f, index, pfn, 0);
    this.clock.count('pagecache_hits', 1);
    const col = this.tsvt.staleColumn(f, index, this.cpu);
    if (col >= 0) {
      this.steps.at(staleLine);
      this.store.event(PK.stale, f, index, col, pfn);
      if (this.hooks.getPageFromGpu) return this.hooks.getPageFromGpu(f, index, pfn);
    }
    return true;
  }
  private miss(f: number, index: number): void {
    this.store.event(PK.cacheMiss, f, index, 0, 0);
    this.clock.count('pagecache_misses', 1);
  }

  /**
   * filemap_fault: the page for a fault on a file mapping, locked and with a reference for the caller (who maps it
   * and unlocks). A miss reads the page from disk, or from a GPU when GAIA's get_best_src_for_page names one and the
   * GAIA hook can serve it (peer caching). Simplification: no readahead, one page per fault.
   */
  filemapFault(f: number, index: number): { pfn: number; major: boolean } {
    const s = this.steps;
    s.enter(fnFilemapFault.at.entry);
    s.at(fnFilemapFault.at.lookup);
    let pfn = this.findGetPage(f, index);
    let major = false;
    if (pfn >= 0 && !this.hit(f, index, pfn, fnFilemapFault.at.lookup)) pfn = this.retryStale(f, index, pfn);
    if (pfn >= 0) {
      s.at(fnFilemapFault.at.hit);
      this.lockPage(pfn);
    } else {
      this.miss(f, index);
      s.at(fnFilemapFault.at.miss);
      pfn = this.mem.alloc();
      this.addToPageCache(pfn, f, index);
      const src = this.tsvt.bestSource(f, index);
      let done = false;
      if (src !== this.disk && this.hooks.getPageFromGpu) {
        s.at(fnFilemapFault.at.peer);
        done = this.hooks.getPageFromGpu(f, index, pfn);
        if (done) this.mem.setFlag(pfn, PG.fromGPU);
      }
      if (!done) {
        s.at(fnFilemapFault.at.read);
        this.store.event(PK.diskRead, f, index, pfn, PAGE_SIZE);
        this.clock.spend(diskReadNs(this.costs, 1));
        this.clock.count('disk_reads', 1);
        this.clock.count('disk_read_bytes', PAGE_SIZE);
      }
      s.at(fnFilemapFault.at.uptodate);
      this.mem.setFlag(pfn, PG.uptodate);
      major = true;
    }
    s.at(fnFilemapFault.at.ret);
    s.leave();
    return { pfn, major };
  }

  /**
   * GAIA: filemap_fault's find_get_page came back empty because get_page_from_gpu could not refresh the stale cached
   * page (pagecache_get_page_ucm). filemap_fault goes to no_cached_page: page_cache_read allocates a page, but
   * add_to_page_cache_lru finds the stale page still cached (-EEXIST), frees the new one and returns 0, and the fault
   * retries the lookup (retry_find). A failure that lasts would repeat this forever in the prototype; the model
   * retries once and then maps the stale page as it is. Returns the page with a reference.
   */
  private retryStale(f: number, index: number, pfn: number): number {
    const s = this.steps;
    // Fix: the prototype leaks find_get_entry's reference here (pagecache_get_page_ucm overwrites `page` with NULL)
    s.at(fnFilemapFault.at.noPage);
    this.mem.put(pfn);
    s.at(fnFilemapFault.at.eexist);
    this.mem.put(this.mem.alloc());
    this.store.event(PK.staleRetry, f, index, pfn, 1);
    s.at(fnFilemapFault.at.lookup);
    const again = this.findGetPage(f, index);
    if (again < 0 || this.hit(f, index, again, fnFilemapFault.at.lookup)) return again;
    s.at(fnFilemapFault.at.stuck);
    this.store.event(PK.staleRetry, f, index, again, 0);
    return again;
  }

  /**
   * __set_page_dirty_nobuffers with GAIA's changes: PG_dirty (and, by the rewritten SetPageDirty, PG_dirty_GPU); a
   * page newly dirty gets the DIRTY and CPU_DIRTY tags. Returns true if the page was clean before.
   */
  setPageDirty(pfn: number): boolean {
    const s = this.steps;
    s.enter(fnSetPageDirty.at.entry);
    s.at(fnSetPageDirty.at.flag);
    const was = this.mem.has(pfn, PG.dirty);
    this.mem.setFlag(pfn, PG.dirty | PG.dirtyGPU);
    const f = this.mem.mapping(pfn);
    if (!was && f >= 0 && !this.mem.has(pfn, PG.onGPU)) {
      const index = this.mem.index(pfn);
      s.at(fnSetPageDirty.at.tag);
      this.tagSet(f, index, Tag.dirty);
      s.at(fnSetPageDirty.at.cpuDirty);
      this.tagSet(f, index, Tag.cpuDirty);
    }
    s.leave();
    return !was;
  }

  // ---- GAIA GPU pages (gpu.ts) ----
  /** add_to_page_cache_gpu: GPU page `pfn` (UVM's backing struct page) covers the 64 KiB group holding `index`. */
  addToPageCacheGpu(pfn: number, f: number, index: number, gpu: number, sharedAddr = 0, gpuVma = -1): void {
    addToPageCacheGpu(this, pfn, f, index, gpu, sharedAddr, gpuVma);
  }
  /** __delete_from_page_cache_gpu: drop GPU `gpu`'s page covering `index`; returns its pfn or -1. */
  deleteFromPageCacheGpu(f: number, index: number, gpu: number): number {
    return deleteFromPageCacheGpu(this, f, index, gpu);
  }

  // ---- write-back (writeback.ts) ----
  tagPagesForWriteback(f: number, start: number, end: number): void {
    tagPagesForWriteback(this, f, start, end);
  }
  writeCachePages(f: number, start: number, end: number): number {
    return writeCachePages(this, f, start, end);
  }
  fsyncRange(f: number, start: number, end: number): number {
    return fsyncRange(this, f, start, end);
  }
}
