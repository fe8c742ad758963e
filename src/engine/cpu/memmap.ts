/**
 * mem_map: one struct page per page frame of system RAM, and the frame allocator. The page id IS the pfn
 * (pfn_to_page is an array index on FLATMEM, include/asm-generic/memory_model.h), and page-cache pages, anonymous
 * pages, page-table pages and GAIA's GPU pages (the UVM driver's CPU backing page) all come from this one table, as
 * in Linux.
 *
 * Allocation (alloc_page): pop the free list, else take the next never-used frame. Free pages are marked PG_buddy.
 * Simplification: the buddy allocator's orders, zones and per-cpu lists are not modelled (order-0 pages only), and
 * there is no reclaim: a scenario must give the machine enough RAM (alloc throws when it runs out).
 *
 * Heaps: `mm.pages` (u32) = HEADER words, then PAGE_WORDS per pfn; `mm.pages.private` (f64) = GAIA's
 * ucm_page_data.shared_addr per pfn (a VA can exceed 2^32).
 */

import type { Store } from '../core/store';
import { MK } from './kinds';

/** Page flag bits (include/linux/page-flags.h names; GAIA's three from patch 0002). */
export const PG = {
  locked: 1 << 0,
  referenced: 1 << 1,
  uptodate: 1 << 2,
  dirty: 1 << 3,
  lru: 1 << 4,
  writeback: 1 << 5,
  /** GAIA: this struct page stands for a 64 KiB GPU page in the page cache. */
  onGPU: 1 << 6,
  /** GAIA: the CPU dirtied the page since the GPU last took a copy (set by the rewritten SetPageDirty). */
  dirtyGPU: 1 << 7,
  /** GAIA: the page's data came from a GPU (peer caching). */
  fromGPU: 1 << 8,
  /** PageAnon (Linux keeps it as bit 0 of page->mapping, PAGE_MAPPING_ANON). */
  anon: 1 << 9,
  /** PageTable: the frame holds a page-table page. */
  table: 1 << 10,
  /** PagePrivate: GAIA's ucm_page_data is attached (shared_addr, gpu_maped_vma). */
  private: 1 << 11,
  /** PageBuddy: the frame is free. */
  buddy: 1 << 12,
} as const;
export const PG_NAMES = ['locked', 'referenced', 'uptodate', 'dirty', 'lru', 'writeback', 'onGPU', 'dirty_GPU', 'from_GPU', 'anon', 'table', 'private', 'buddy'];

// header words
const H_NEXT = 0; // next never-used pfn
const H_FREE = 1; // free list head pfn + 1
const H_FREE_COUNT = 2;
const H_USED = 3; // frames allocated now
const HEADER = 4;
// struct page words
export const P_FLAGS = 0;
export const P_COUNT = 1; // _count: references
export const P_MAPCOUNT = 2; // _mapcount + 1: PTEs mapping the page
export const P_MAPPING = 3; // address_space + 1 (0 for anonymous and table pages)
export const P_INDEX = 4; // page index in the file, or the VA page number for an anonymous page
export const P_NEXT = 5; // free-list link (pfn + 1) while free
export const P_GPU_VMA = 6; // GAIA ucm_page_data.gpu_maped_vma: vma + 1
export const P_LRA_PREV = 7; // GAIA gpu_lra links (pfn + 1)
export const P_LRA_NEXT = 8;
export const PAGE_WORDS = 10;

export class MemMap {
  readonly heap: number;
  readonly hPrivate: number;

  constructor(
    readonly store: Store,
    /** Frames of system RAM the machine has. */
    readonly frames: number,
  ) {
    this.heap = store.addHeap('mm.pages', 'u32', HEADER);
    this.hPrivate = store.addHeap('mm.pages.private', 'f64', 0);
  }

  private get h(): Uint32Array {
    return this.store.u32(this.heap);
  }
  private w(pfn: number, f: number): number {
    const i = HEADER + pfn * PAGE_WORDS + f;
    const h = this.h;
    return i < h.length ? h[i] : 0;
  }
  /** Write a struct page word (kind pageField unless it is the flags word). */
  set(pfn: number, f: number, v: number): void {
    const i = HEADER + pfn * PAGE_WORDS + f;
    this.store.ensure(this.heap, i + 1);
    this.store.write(this.heap, i, v >>> 0, f === P_FLAGS ? MK.pageFlags : MK.pageField, pfn);
  }

  flags(pfn: number): number {
    return this.w(pfn, P_FLAGS);
  }
  has(pfn: number, flag: number): boolean {
    return (this.w(pfn, P_FLAGS) & flag) !== 0;
  }
  setFlag(pfn: number, flag: number): void {
    this.store.ensure(this.heap, HEADER + (pfn + 1) * PAGE_WORDS);
    this.store.setBits(this.heap, HEADER + pfn * PAGE_WORDS + P_FLAGS, flag, MK.pageFlags, pfn);
  }
  clearFlag(pfn: number, flag: number): void {
    this.store.ensure(this.heap, HEADER + (pfn + 1) * PAGE_WORDS);
    this.store.clearBits(this.heap, HEADER + pfn * PAGE_WORDS + P_FLAGS, flag, MK.pageFlags, pfn);
  }
  count(pfn: number): number {
    return this.w(pfn, P_COUNT);
  }
  mapcount(pfn: number): number {
    return this.w(pfn, P_MAPCOUNT);
  }
  /** address_space id, or -1 for an anonymous / table / free page. */
  mapping(pfn: number): number {
    return this.w(pfn, P_MAPPING) - 1;
  }
  index(pfn: number): number {
    return this.w(pfn, P_INDEX);
  }
  word(pfn: number, f: number): number {
    return this.w(pfn, f);
  }
  sharedAddr(pfn: number): number {
    const a = this.store.f64(this.hPrivate);
    return pfn < a.length ? a[pfn] : 0;
  }
  setSharedAddr(pfn: number, va: number): void {
    this.store.ensure(this.hPrivate, pfn + 1);
    this.store.write(this.hPrivate, pfn, va, MK.pageField, pfn);
  }

  /** Frames handed out so far (the high-water mark): pfns 0..allocated()-1 have a struct page in use or free. */
  highWater(): number {
    return this.h[H_NEXT];
  }
  used(): number {
    return this.h[H_USED];
  }
  isFree(pfn: number): boolean {
    return pfn >= this.highWater() || this.has(pfn, PG.buddy);
  }

  private setHdr(i: number, v: number): void {
    this.store.write(this.heap, i, v >>> 0, MK.pageField, 0);
  }

  /** alloc_page(GFP_KERNEL): a frame with one reference (the caller's), flags clear. */
  alloc(): number {
    let pfn: number;
    if (this.h[H_FREE] !== 0) {
      pfn = this.h[H_FREE] - 1;
      this.setHdr(H_FREE, this.w(pfn, P_NEXT));
      this.setHdr(H_FREE_COUNT, this.h[H_FREE_COUNT] - 1);
      this.set(pfn, P_NEXT, 0);
    } else {
      pfn = this.h[H_NEXT];
      if (pfn >= this.frames) throw new Error(`out of system memory: all ${this.frames} frames are in use (the model does not reclaim)`);
      this.setHdr(H_NEXT, pfn + 1);
    }
    this.setHdr(H_USED, this.h[H_USED] + 1);
    this.set(pfn, P_FLAGS, 0);
    this.set(pfn, P_COUNT, 1);
    return pfn;
  }

  /** __free_pages: the last reference is gone; every field returns to zero and the frame joins the free list. */
  free(pfn: number): void {
    if (this.count(pfn) !== 0) throw new Error(`freeing pfn ${pfn} with ${this.count(pfn)} references`);
    for (let f = 1; f < PAGE_WORDS; f++) this.set(pfn, f, 0);
    if (this.sharedAddr(pfn) !== 0) this.setSharedAddr(pfn, 0);
    this.set(pfn, P_FLAGS, PG.buddy);
    this.set(pfn, P_NEXT, this.h[H_FREE]);
    this.setHdr(H_FREE, pfn + 1);
    this.setHdr(H_FREE_COUNT, this.h[H_FREE_COUNT] + 1);
    this.setHdr(H_USED, this.h[H_USED] - 1);
  }

  /** get_page. */
  get(pfn: number): void {
    this.set(pfn, P_COUNT, this.count(pfn) + 1);
  }

  /** put_page: drop a reference; frees the frame when it was the last. Returns true if the page was freed. */
  put(pfn: number): boolean {
    const c = this.count(pfn);
    if (c === 0) throw new Error(`put_page on pfn ${pfn} with no references`);
    this.set(pfn, P_COUNT, c - 1);
    if (c - 1 === 0) {
      this.free(pfn);
      return true;
    }
    return false;
  }

  /** page_add_*_rmap / page_remove_rmap: one more or one fewer PTE maps the page. */
  addMap(pfn: number): void {
    this.set(pfn, P_MAPCOUNT, this.mapcount(pfn) + 1);
  }
  removeMap(pfn: number): void {
    const c = this.mapcount(pfn);
    if (c === 0) throw new Error(`page_remove_rmap on pfn ${pfn} that no PTE maps`);
    this.set(pfn, P_MAPCOUNT, c - 1);
  }

  /** Free frames listed (for invariants): walks the free list. */
  freeList(): number[] {
    const out: number[] = [];
    for (let p = this.h[H_FREE] - 1; p >= 0 && out.length <= this.frames; p = this.w(p, P_NEXT) - 1) out.push(p);
    return out;
  }
  freeCount(): number {
    return this.h[H_FREE_COUNT];
  }
}
