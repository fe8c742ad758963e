/**
 * Processes' address spaces: mm_struct records and their vm_area_structs (include/linux/mm_types.h), in heaps.
 *
 * - An mm has a PGD (allocated with the mm, pgd_alloc), a list of VMAs sorted by address (mm->mmap; the rb-tree is a
 *   lookup accelerator we do not need at this size), and rss counters for file and anonymous pages.
 * - A VMA covers [start, end) with flags (VM_READ/WRITE/EXEC/SHARED and GAIA's gpu_mapped / gpu_mapped_shared), and
 *   either a file — an address_space id of the page cache plus vm_pgoff — or nothing (anonymous).
 * - mapping->i_mmap (which VMAs map a file) is found by scanning the VMA table: the model has few VMAs, and a scan in
 *   id order is deterministic.
 *
 * Heaps: `mm.mms` (u32) HEADER + MM_WORDS per mm; `mm.vmas` (u32) HEADER + VMA_WORDS per vma; `mm.vmas.range` (f64)
 * start and end per vma (a VA exceeds 2^32). Freed VMA ids are reused (free list through V_NEXT).
 */

import type { Store } from '../core/store';
import { MK } from './kinds';

/** vm_flags bits we keep (Linux values for the first four; GAIA's are booleans in the VMA, here bits). */
export const VM = {
  read: 0x1,
  write: 0x2,
  exec: 0x4,
  shared: 0x8,
  /** GAIA vma->gpu_mapped: a file mapped with MAP_ON_GPU (VM_GPU_MAPPED). */
  gpuMapped: 0x10,
  /** GAIA vma->gpu_mapped_shared: the nvidia-uvm VMA that shares a file mapping with the GPU. */
  gpuMappedShared: 0x20,
  /** VM_PFNMAP: PTEs point at frames without struct page refcounting (gdrdrv's io_remap_pfn_range of BAR pages). */
  pfnmap: 0x40,
} as const;
export const VM_NAMES = ['read', 'write', 'exec', 'shared', 'gpu_mapped', 'gpu_mapped_shared', 'pfnmap'];

export const M_LIVE = 0;
export const M_PGD = 1; // table + 1
export const M_VMAS = 2; // first vma + 1
export const M_RSS_FILE = 3;
export const M_RSS_ANON = 4;
export const MM_WORDS = 6;
export const V_MM = 0; // mm + 1; 0 = free
export const V_FLAGS = 1;
export const V_FILE = 2; // address_space + 1; 0 = anonymous
export const V_PGOFF = 3; // file page of `start`
export const V_NEXT = 4; // next vma + 1 (by address; free-list link while free)
export const VMA_WORDS = 6;
const H_COUNT = 0;
const H_FREE = 1;
const HEADER = 2;

export class Vmas {
  readonly hMms: number;
  readonly hVmas: number;
  readonly hRange: number;

  constructor(readonly store: Store) {
    this.hMms = store.addHeap('mm.mms', 'u32', HEADER);
    this.hVmas = store.addHeap('mm.vmas', 'u32', HEADER);
    this.hRange = store.addHeap('mm.vmas.range', 'f64', 0);
  }

  // ---- mm_struct ----
  mmCount(): number {
    return this.store.u32(this.hMms)[H_COUNT];
  }
  mmWord(mm: number, w: number): number {
    return this.store.u32(this.hMms)[HEADER + mm * MM_WORDS + w];
  }
  setMm(mm: number, w: number, v: number): void {
    this.store.write(this.hMms, HEADER + mm * MM_WORDS + w, v >>> 0, MK.mm, mm);
  }
  addMm(): number {
    const mm = this.mmCount();
    this.store.ensure(this.hMms, HEADER + (mm + 1) * MM_WORDS);
    this.store.write(this.hMms, H_COUNT, mm + 1, MK.mm, mm);
    this.setMm(mm, M_LIVE, 1);
    return mm;
  }

  // ---- vm_area_struct ----
  vmaCount(): number {
    return this.store.u32(this.hVmas)[H_COUNT];
  }
  word(v: number, w: number): number {
    return this.store.u32(this.hVmas)[HEADER + v * VMA_WORDS + w];
  }
  private setWord(v: number, w: number, x: number): void {
    this.store.write(this.hVmas, HEADER + v * VMA_WORDS + w, x >>> 0, MK.vma, v);
  }
  start(v: number): number {
    return this.store.f64(this.hRange)[2 * v];
  }
  end(v: number): number {
    return this.store.f64(this.hRange)[2 * v + 1];
  }
  mmOf(v: number): number {
    return this.word(v, V_MM) - 1;
  }
  flags(v: number): number {
    return this.word(v, V_FLAGS);
  }
  file(v: number): number {
    return this.word(v, V_FILE) - 1;
  }
  pgoff(v: number): number {
    return this.word(v, V_PGOFF);
  }
  isLive(v: number): boolean {
    return this.word(v, V_MM) !== 0;
  }
  private setRange(v: number, start: number, end: number): void {
    this.store.write(this.hRange, 2 * v, start, MK.vma, v);
    this.store.write(this.hRange, 2 * v + 1, end, MK.vma, v);
  }

  /** VMAs of an mm in address order. */
  vmasOf(mm: number): number[] {
    const out: number[] = [];
    for (let v = this.mmWord(mm, M_VMAS) - 1; v >= 0; v = this.word(v, V_NEXT) - 1) out.push(v);
    return out;
  }
  /** find_vma, narrowed: the VMA containing `va`, or -1. */
  find(mm: number, va: number): number {
    for (let v = this.mmWord(mm, M_VMAS) - 1; v >= 0; v = this.word(v, V_NEXT) - 1) {
      if (this.start(v) > va) return -1;
      if (va < this.end(v)) return v;
    }
    return -1;
  }
  /** mapping->i_mmap: live VMAs (of every mm) mapping address_space `f`, in id order. */
  vmasOfFile(f: number): number[] {
    const out: number[] = [];
    for (let v = 0; v < this.vmaCount(); v++) if (this.isLive(v) && this.file(v) === f) out.push(v);
    return out;
  }
  /** Whether [start, end) overlaps a VMA of mm. */
  overlaps(mm: number, start: number, end: number): boolean {
    for (const v of this.vmasOf(mm)) if (this.start(v) < end && start < this.end(v)) return true;
    return false;
  }

  /** vm_area_alloc + vma_link: a new VMA, linked in address order. */
  add(mm: number, start: number, end: number, flags: number, file: number, pgoff: number): number {
    const hdr = this.store.u32(this.hVmas);
    let v: number;
    if (hdr[H_FREE] !== 0) {
      v = hdr[H_FREE] - 1;
      this.store.write(this.hVmas, H_FREE, this.word(v, V_NEXT), MK.vma, v);
    } else {
      v = hdr[H_COUNT];
      this.store.ensure(this.hVmas, HEADER + (v + 1) * VMA_WORDS);
      this.store.ensure(this.hRange, 2 * (v + 1));
      this.store.write(this.hVmas, H_COUNT, v + 1, MK.vma, v);
    }
    this.setWord(v, V_MM, mm + 1);
    this.setWord(v, V_FLAGS, flags);
    this.setWord(v, V_FILE, file + 1);
    this.setWord(v, V_PGOFF, pgoff);
    this.setRange(v, start, end);
    // link after the last VMA that starts below
    let prev = -1;
    for (const u of this.vmasOf(mm)) if (this.start(u) < start) prev = u;
    if (prev < 0) {
      this.setWord(v, V_NEXT, this.mmWord(mm, M_VMAS));
      this.setMm(mm, M_VMAS, v + 1);
    } else {
      this.setWord(v, V_NEXT, this.word(prev, V_NEXT));
      this.setWord(prev, V_NEXT, v + 1);
    }
    this.store.event(MK.vmaCreate, mm, v, start, end);
    return v;
  }

  /** __split_vma: cut v at `at`; v keeps [start, at), the returned new VMA gets [at, end) with pgoff advanced. */
  split(v: number, at: number): number {
    const end = this.end(v);
    const file = this.file(v);
    const pgoff = file >= 0 ? this.pgoff(v) + (at - this.start(v)) / 4096 : 0;
    this.store.write(this.hRange, 2 * v + 1, at, MK.vma, v);
    return this.add(this.mmOf(v), at, end, this.flags(v), file, pgoff);
  }

  /** remove_vma: unlink and free. */
  remove(v: number): void {
    const mm = this.mmOf(v);
    this.store.event(MK.vmaRemove, mm, v, this.start(v), this.end(v));
    const next = this.word(v, V_NEXT);
    if (this.mmWord(mm, M_VMAS) === v + 1) this.setMm(mm, M_VMAS, next);
    else for (const u of this.vmasOf(mm)) if (this.word(u, V_NEXT) === v + 1) this.setWord(u, V_NEXT, next);
    for (let w = 0; w < VMA_WORDS; w++) this.setWord(v, w, 0);
    this.setRange(v, 0, 0);
    this.setWord(v, V_NEXT, this.store.u32(this.hVmas)[H_FREE]);
    this.store.write(this.hVmas, H_FREE, v + 1, MK.vma, v);
  }
}
