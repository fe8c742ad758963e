/**
 * GAIA: the OS page cache extended to GPU memory (Brokhman, Lifshits, Silberstein, USENIX ATC 2019), as its
 * prototype does it (acsl-technion/gaia_linux patch 0004, gaia_nvidia f9943bb; research/gaia-hmm-gdr.md §1, §5).
 *
 * A file region shared with a GPU has two faces: the process's CPU mapping of the file (page cache pages, tags,
 * versions) and a UVM managed range of the same size (the "shared" address CUDA code uses). The UVM side fills its
 * pages from the page cache the first time it copies them (uvm_populate_page_from_cache); the 16th page of a 64 KiB
 * group makes the group a GPU page in the page cache. Consistency is lazy release consistency with explicit calls:
 * `maquire` (before a kernel: drop GPU copies the CPU has since written) and `mrelease` (after it: publish what the GPU
 * wrote by bumping versions and unmapping the CPU pages, so the next CPU access pulls the data: get_page_from_gpu).
 */

import { PageMask } from '../core/bits';
import type { Ctx } from '../uvm/context';
import type { LinuxSide } from '../linux/side';
import { Cause } from '../uvm/kinds';
import { PAGES_PER_BLOCK } from '../uvm/model';
import { makeResident } from '../uvm/migrate';
import { runCpuAccess } from '../uvm/cpufault';
import { Tag, GPU_GROUP } from '../pagecache/radix';
import { PG } from '../cpu/memmap';
import { GK } from './kinds';
import { fnGaiaInject, fnGmmap, fnInvalidateCached, fnMaquire, fnMrelease, fnPopulate } from './code';
import { GaiaInjections } from './inject';
import { getPageFromGpu, HOST_PAGE_COPY_NS } from './getpage';
import type { AccessSpec } from '../scenario/types';
import { MODELLED_PROCESS } from '../uvmdev/state';

const PAGE = 4096;
/** AQUIRE_PAGES_THREASHOLD + 1 (mm/msync.c): indices fetched per batch by maquire and mrelease. */
export const MAQUIRE_BATCH = 1025;

export class Gaia {
  /** Per region: the GPU (proc id) its shared mapping is for, 0 when the file is not shared. */
  readonly hMaps: number;
  /** Armed fault injections into get_page_from_gpu (inject.ts). */
  readonly injections: GaiaInjections;

  constructor(
    private readonly c: Ctx,
    private readonly linux: LinuxSide,
  ) {
    this.hMaps = c.store.addHeap('gaia.maps', 'u32', c.scenario.regions.length);
    this.injections = new GaiaInjections(c.store, c.scenario.regions.length);
    linux.cpu.pc.hooks.getPageFromGpu = (f, index, pfn) => this.getPageFromGpu(f, index, pfn);
  }

  sharedGpu(region: number): number {
    return this.c.store.u32(this.hMaps)[region];
  }
  private regionOfFile(f: number): number {
    return this.linux.fileOf.indexOf(f);
  }
  /** Page-cache GPU index (GAIA's processor rows: GPU_NVIDIA = 0…) of UVM processor `gpu`. */
  private pcGpu(gpu: number): number {
    return gpu - 1;
  }

  /** gmmap: the CPU mapping (MAP_ON_GPU), the shared managed range, UVM_MAP_VMA_RANGE, and the touch of every page. */
  map(region: number, gpu: number): void {
    const { steps, store, m } = this.c;
    steps.enter(fnGmmap.at.entry);
    // Fix: a file already shared is refused. The model keeps one shared range and one GAIA GPU row per file (the
    // prototype's single shared va_space and GPU_NVIDIA row); a second gmmap used to overwrite the file's GPU
    // silently, leaving the GPU pages already cached in the old GPU's row where no later call looked for them.
    // Other GPUs reach the shared range through UVM anyway (it is managed memory of the same va_space).
    if (this.sharedGpu(region) !== 0) {
      this.refuse(region, 4, fnGmmap);
      return;
    }
    steps.at(fnGmmap.at.mmap);
    const vma = this.linux.mmapFile(region, true);
    steps.at(fnGmmap.at.malloc);
    // cudaMallocManaged maps the shared range through /dev/nvidia-uvm like any managed allocation (uvmdev/mmap.ts)
    const shared = m.regions[region];
    if (this.c.uvmDev && this.c.uvmDev.vmaOf(MODELLED_PROCESS, region) < 0) this.c.uvmDev.mmap(MODELLED_PROCESS, region, shared.va, shared.pages * PAGE);
    steps.at(fnGmmap.at.mapRange);
    store.write(this.hMaps, region, gpu, GK.gaiaMap, region);
    steps.at(fnGmmap.at.touch);
    // with skip_cache set the CPU's touches make the UVM pages CPU-resident without reading the file
    const r = m.regions[region];
    const pages = new Uint32Array(r.pages);
    for (let i = 0; i < r.pages; i++) pages[i] = i;
    const touch: AccessSpec = { region, op: 'write', pattern: 'sequential', pages, loc: this.c.scenario.regions[region].loc };
    runCpuAccess(this.c, touch, true);
    steps.at(fnGmmap.at.ret);
    store.event(GK.gaiaMapped, region, gpu, vma, r.pages);
    steps.leave();
  }

  /**
   * The hook in block_copy_resident_pages_between: before UVM copies CPU pages of a shared block, each page not yet
   * filled from the page cache gets the file's data (uvm_populate_page_from_cache).
   */
  populateBeforeCopy(block: number, from: PageMask): void {
    const { m } = this.c;
    const region = m.blockRegion[block];
    if (this.sharedGpu(region) === 0) return;
    const unfilled = from.clone().andNotHeap(m.blocks, m.layout.word(block, m.layout.fromCache));
    unfilled.forEach((p) => this.populatePage(block, p));
  }

  private populatePage(block: number, page: number): void {
    const { steps, store, m } = this.c;
    const region = m.blockRegion[block];
    const r = m.regions[region];
    const f = this.linux.fileOf[region];
    const index = (block - r.firstBlock) * PAGES_PER_BLOCK + page;
    const pc = this.linux.cpu.pc;
    steps.enter(fnPopulate.at.entry);
    steps.at(fnPopulate.at.addr);
    steps.at(fnPopulate.at.lookup);
    // Fix: a page not cached goes straight to the read (filemap_fault's own find_get_page is the lookup); looking it
    // up with pagecache_get_page first counted every miss twice (pagecache_misses = 2 per page read from disk).
    let pfn: number;
    if (pc.lookup(f, index) >= 0) pfn = pc.pagecacheGetPage(f, index, false);
    else pfn = -1;
    // a miss, or a stale page get_page_from_gpu could not refresh: the read path (filemap_fault retries the lookup)
    if (pfn < 0) {
      pfn = pc.filemapFault(f, index).pfn;
      pc.unlockPage(pfn);
    }
    steps.at(fnPopulate.at.copy);
    m.spend(HOST_PAGE_COPY_NS);
    m.setBlockWord(block, m.layout.fromCache + (page >>> 5), m.blockWord(block, m.layout.fromCache + (page >>> 5)) | (1 << (page & 31)), GK.gaiaBlock);
    store.event(GK.populate, block, page, pfn, index);
    steps.at(fnPopulate.at.clean);
    pc.mem.clearFlag(pfn, PG.dirtyGPU);
    pc.tagClear(f, index, Tag.cpuDirty);
    pc.mem.put(pfn);
    if (index % GPU_GROUP === GPU_GROUP - 1) {
      steps.at(fnPopulate.at.gpuPage);
      const gpu = this.sharedGpu(region);
      if (pc.pagecacheGetGpuPage(f, index, this.pcGpu(gpu)) < 0) {
        // the group's struct page: UVM's CPU backing page of its first 4 KiB
        const gp = pc.mem.alloc();
        const sharedAddr = r.va + (index - (GPU_GROUP - 1)) * PAGE;
        pc.addToPageCacheGpu(gp, f, index, this.pcGpu(gpu), sharedAddr, region);
        pc.mem.put(gp);
        m.count('page_cache_gpu_pages', 1);
      }
    }
    steps.leave();
  }

  /** After a kernel: pages it wrote differ from their shadow now (what is_gpu_page_dirty will find). */
  noteGpuWrites(access: AccessSpec): void {
    const { m } = this.c;
    if (access.op === 'read' || this.sharedGpu(access.region) === 0) return;
    const r = m.regions[access.region];
    for (let i = 0; i < access.pages.length; i++) {
      const p = access.pages[i];
      const block = r.firstBlock + (p >>> 9);
      const pg = p & (PAGES_PER_BLOCK - 1);
      const w = m.layout.gpuWritten + (pg >>> 5);
      const before = m.blockWord(block, w);
      const after = (before | (1 << (pg & 31))) >>> 0;
      if (after !== before) m.setBlockWord(block, w, after, GK.gaiaBlock);
    }
  }

  // ---- maquire ----
  maquire(region: number, offset: number, length: number, _flagsGpu: number): number {
    const { steps, store, m } = this.c;
    const pc = this.linux.cpu.pc;
    steps.enter(fnMaquire.at.entry);
    steps.at(fnMaquire.at.check);
    steps.at(fnMaquire.at.vmas);
    // Fix: the GPU row is the file's (GAIA's flags name a vendor, MA_PROC_NVIDIA, not a device). Using the op's GPU
    // looked in an empty row when it named another GPU: every CPU_DIRTY tag was cleared as "missing" and the stale
    // GPU copies in the file's row survived.
    const gpu = this.sharedGpu(region);
    if (gpu === 0) return this.refuse(region, 1, fnMaquire);
    steps.at(fnMaquire.at.cpuAddr);
    const vma = this.linux.fileVma(region);
    if (vma < 0) return this.refuse(region, 3, fnMaquire);
    const f = this.linux.fileOf[region];
    const first = Math.floor(offset / PAGE);
    const end = Math.ceil((offset + length) / PAGE); // exclusive
    steps.at(fnMaquire.at.fsync);
    this.linux.msyncFile(region, first * PAGE, (end - first) * PAGE);
    let dropped = 0;
    let missing = 0;
    let index = first;
    while (index < end) {
      steps.at(fnMaquire.at.scan);
      const batch = pc.findGetTaggedPagesIdx(f, index, MAQUIRE_BATCH, Tag.cpuDirty);
      const idx = batch.indices.filter((i) => i < end);
      if (idx.length === 0) break;
      for (const i of idx) {
        steps.at(fnMaquire.at.gpuPage);
        const gp = pc.pagecacheGetGpuPage(f, i, this.pcGpu(gpu));
        if (gp >= 0) {
          steps.at(fnMaquire.at.drop);
          const sharedAddr = pc.mem.sharedAddr(gp);
          pc.lockPage(gp);
          pc.deleteFromPageCacheGpu(f, i, this.pcGpu(gpu));
          pc.mem.clearFlag(gp, PG.onGPU);
          pc.unlockPage(gp);
          m.count('page_cache_gpu_pages', -1);
          steps.at(fnMaquire.at.invalidate);
          this.invalidateCachedPage(region, sharedAddr, gpu);
          dropped++;
          m.count('maquire_invalidated', 1);
          store.event(GK.maquireDrop, region, i - (i % GPU_GROUP), gpu, dropped);
        } else {
          steps.at(fnMaquire.at.missing);
          missing++;
          store.event(GK.maquireMissing, region, i, gpu, 0);
        }
        steps.at(fnMaquire.at.clearTag);
        pc.tagClear(f, i, Tag.cpuDirty);
      }
      index = idx[idx.length - 1] + 1;
    }
    steps.at(fnMaquire.at.ret);
    const result = dropped > 0 ? dropped : -1;
    store.event(GK.maquireDone, region, dropped, missing, result);
    steps.leave();
    return result;
  }

  /** uvm_vm_invalidate_cached_page: the whole block leaves the GPU and forgets the 16 pages were filled. */
  private invalidateCachedPage(region: number, sharedAddr: number, gpu: number): void {
    const { steps, store, m } = this.c;
    steps.enter(fnInvalidateCached.at.entry);
    steps.at(fnInvalidateCached.at.block);
    const r = m.regions[region];
    const page = Math.floor((sharedAddr - r.va) / PAGE);
    const block = r.firstBlock + (page >>> 9);
    steps.at(fnInvalidateCached.at.evict);
    // The prototype evicts from its first registered GPU (it ran with one). Fix: the shared range is managed memory
    // every GPU of the va_space can fault in, so the block may sit on another GPU (UVM moved it there, DtoD); the
    // model evicts it from each GPU holding some of it, the shared GPU first, so no GPU keeps a copy the acquire
    // declared stale.
    for (let k = 0; k < m.gpus; k++) {
      const g = ((gpu - 1 + k) % m.gpus) + 1;
      const onGpu = m.readMask(m.layout.residentBase(block, g));
      if (onGpu.isEmpty()) continue;
      makeResident(this.c, block, { dest: 0, pages: onGpu, prefetch: null, readDup: null, cause: Cause.eviction });
      store.event(GK.invalidated, block, onGpu.first(), g, onGpu.count());
    }
    steps.at(fnInvalidateCached.at.forget);
    const pg = page & (PAGES_PER_BLOCK - 1);
    const group = new PageMask(PAGES_PER_BLOCK);
    group.setRange(pg - (pg % GPU_GROUP), pg - (pg % GPU_GROUP) + GPU_GROUP);
    m.writeMask(m.layout.word(block, m.layout.fromCache), group, false, GK.gaiaBlock, block);
    m.writeMask(m.layout.word(block, m.layout.gpuWritten), group, false, GK.gaiaBlock, block);
    steps.leave();
  }

  // ---- mrelease ----
  mrelease(region: number, _flagsGpu: number): number {
    const { steps, store, m } = this.c;
    const pc = this.linux.cpu.pc;
    steps.enter(fnMrelease.at.entry);
    steps.at(fnMrelease.at.check);
    // Fix: the file's GPU row, whatever GPU the op names (see maquire).
    const gpu = this.sharedGpu(region);
    if (gpu === 0) return this.refuse(region, 1, fnMrelease);
    const vma = this.linux.fileVma(region);
    if (vma < 0) return this.refuse(region, 3, fnMrelease);
    steps.at(fnMrelease.at.range);
    const f = this.linux.fileOf[region];
    const r = m.regions[region];
    let released = 0;
    let skipped = 0;
    let unmapped = 0;
    let index = 0;
    while (index < r.pages) {
      steps.at(fnMrelease.at.scan);
      const batch = pc.findGetTaggedPagesIdx(f, index, MAQUIRE_BATCH, Tag.onGpu);
      if (batch.indices.length === 0) break;
      let lastGroup = -1;
      for (const i of batch.indices) {
        const group = i - (i % GPU_GROUP);
        if (group === lastGroup) continue; // one visit per GPU page (its 16 indices all carry ON_GPU)
        lastGroup = group;
        const gp = pc.pagecacheGetGpuPage(f, i, this.pcGpu(gpu));
        if (gp < 0) continue;
        // mm/msync.c mrelease: `if (!pdata) continue` (gpu_page->private)
        if (!pc.mem.has(gp, PG.private)) {
          steps.at(fnMrelease.at.pdata);
          skipped++;
          continue;
        }
        steps.at(fnMrelease.at.dirty);
        const first = i - (i % GPU_GROUP);
        const dirty = this.isGpuPageDirty(region, first);
        store.event(GK.mreleaseCheck, region, first, gpu, dirty ? 1 : 0);
        if (!dirty) continue;
        steps.at(fnMrelease.at.version);
        pc.increasePageVersion(f, first, this.pcGpu(gpu));
        steps.at(fnMrelease.at.unmap);
        unmapped += this.linux.cpu.mm.unmapMappingRange(f, first, GPU_GROUP);
        released++;
      }
      index = batch.indices[batch.indices.length - 1] + 1;
    }
    steps.at(fnMrelease.at.ret);
    store.event(GK.mreleaseDone, region, released, skipped, unmapped);
    steps.leave();
    return released;
  }

  /** uvm_vm_is_gpu_page_dirty: any of the 16 pages differs from its shadow. */
  private isGpuPageDirty(region: number, firstIndex: number): boolean {
    const { m } = this.c;
    const r = m.regions[region];
    const block = r.firstBlock + (firstIndex >>> 9);
    const pg = firstIndex & (PAGES_PER_BLOCK - 1);
    return m.readMask(m.layout.word(block, m.layout.gpuWritten)).countRange(pg, pg + GPU_GROUP) > 0;
  }

  // ---- get_page_from_gpu (getpage.ts) ----
  /** The page-cache hook: the CPU page `pfn` of file `f` at `index` is stale; pull the GPU's copy into it. */
  getPageFromGpu(f: number, index: number, pfn: number): boolean {
    const region = this.regionOfFile(f);
    return getPageFromGpu(this.c, this.linux, this.injections, f, index, pfn, region, region >= 0 ? this.sharedGpu(region) : 0);
  }

  /** gaia.inject: arm a failure of get_page_from_gpu's check `check` on file pages [offset, offset + length). */
  inject(region: number, check: number, offset: number, length: number): void {
    const { steps } = this.c;
    steps.enter(fnGaiaInject.at.entry);
    steps.at(fnGaiaInject.at.arm);
    this.injections.arm(region, check, Math.floor(offset / PAGE), Math.ceil((offset + length) / PAGE));
    steps.leave();
  }

  private refuse(region: number, reason: number, fn: { at: { ret: number } }): number {
    const { steps, store } = this.c;
    steps.at(fn.at.ret);
    store.event(GK.callRefused, region, 0, reason, 0);
    steps.leave();
    return -1;
  }
}
