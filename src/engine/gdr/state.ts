/**
 * Where the gdrcopy model keeps its state: six Store heaps of fixed-size records (f64 words, since handles, virtual
 * and bus addresses pass 2^32) plus one u32 heap of PTE bitmaps. This class knows the layout and offers the small
 * recorded writes the paths are made of; it holds no state of its own.
 *
 * Records (one per object, never reused, so an id always names the same thing across time travel):
 *  - file   = gdr_info (gdrdrv.c struct gdr_info) of one open of /dev/gdrdrv.
 *  - buffer = a cudaMalloc allocation on one GPU.
 *  - mr     = gdr_mr (struct gdr_mr): one pinned range.
 *  - pt     = the entries of one nvidia_p2p_page_table: BAR1 bus addresses, one per 64 KiB GPU page.
 *  - vma    = a CPU vm_area_struct that maps an mr, with a bitmap of its present 4 KiB PTEs.
 * address_space ids: 0 = the device inode's i_mapping; f + 1 = file f's private mapping (gdr_info.mapping).
 */

import { RecordHeaps } from '../core/records';
import type { Store } from '../core/store';
import { GK } from './kinds';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const GPU_PAGE_SHIFT = 16; // gdrdrv.h GPU_PAGE_SHIFT
export const GPU_PAGE_SIZE = 1 << GPU_PAGE_SHIFT;
export const PAGES_PER_GPU_PAGE = GPU_PAGE_SIZE / PAGE_SIZE;

/** The inode's own address_space (inode->i_mapping), shared by every open unless the driver replaces it. */
export const INODE_MAPPING = 0;

// header words
export const H_FILES = 0;
export const H_BUFFERS = 1;
export const H_MRS = 2;
export const H_VMAS = 3;
export const H_PT_NEXT = 4; // next free word of the page-table heap
export const H_BITS_NEXT = 5; // next free word of the PTE bitmap heap
export const H_DEVICE_VA_NEXT = 6; // next cudaMalloc address
export const H_MMAP = 8; // + process: that process's mmap cursor (lowest address handed out), 0 = none yet
export const MAX_PROCESSES = 56;
const HEADER_WORDS = H_MMAP + MAX_PROCESSES;

// file (gdr_info) words
export const F_OPEN = 0; // 1 open, 2 released
export const F_PROC = 1;
export const F_MAPPING = 2; // filp->f_mapping as an address_space id
export const F_NEXT_HANDLE = 3;
export const F_MRS = 4; // mrs on mr_list
export const FILE_WORDS = 8;

// buffer words
export const B_STATE = 0; // 1 allocated, 2 freed
export const B_GPU = 1;
export const B_VA = 2;
export const B_SIZE = 3;
export const BUFFER_WORDS = 4;

// mr words
export const M_STATE = 0; // 0 being pinned, 1 on the file's mr_list, 2 freed, 3 the pin was refused, 4 off the list, being freed
export const M_FILE = 1;
export const M_BUFFER = 2;
export const M_ADDR = 3; // the address the user pinned
export const M_SIZE = 4; // the size the user pinned
export const M_HANDLE = 5;
export const M_VA = 6; // addr rounded down to 64 KiB
export const M_OFFSET = 7; // addr & GPU_PAGE_OFFSET
export const M_MAPPED_SIZE = 8;
export const M_ENTRIES = 9; // 64 KiB pages in the page table
export const M_PT = 10; // page-table base word + 1, 0 = NULL
export const M_CB_FLAG = 11;
export const M_TYPE = 12; // cpu_mapping_type
export const M_VMA = 13; // vma + 1, 0 = NULL
export const M_MAPPING = 14; // address_space id + 1, 0 = NULL
export const M_SEM = 15; // 1 while the free callback holds mr->sem for writing
export const MR_WORDS = 16;

// vma words
export const V_STATE = 0; // 1 live, 2 unmapped
export const V_FILE = 1; // vm_file
export const V_PROC = 2; // the mm it lives in
export const V_MAPPING = 3; // vm_file->f_mapping: the address_space whose i_mmap holds it
export const V_START = 4;
export const V_LEN = 5;
export const V_PGOFF = 6;
export const V_MR = 7; // mr + 1 it was created for
export const V_BITS = 8; // first word of its PTE bitmap
export const V_PRESENT = 9; // present PTEs (popcount of the bitmap)
export const VMA_WORDS = 10;

export class GdrState extends RecordHeaps {
  readonly hFiles: number;
  readonly hBuffers: number;
  readonly hMrs: number;
  readonly hPt: number;
  readonly hVmas: number;
  readonly hBits: number;

  constructor(store: Store) {
    super(store, store.addHeap('gdr.header', 'f64', HEADER_WORDS));
    this.hFiles = store.addHeap('gdr.files', 'f64', 0);
    this.hBuffers = store.addHeap('gdr.buffers', 'f64', 0);
    this.hMrs = store.addHeap('gdr.mrs', 'f64', 0);
    this.hPt = store.addHeap('gdr.pageTables', 'f64', 0);
    this.hVmas = store.addHeap('gdr.vmas', 'f64', 0);
    this.hBits = store.addHeap('gdr.ptes', 'u32', 0);
  }

  get files(): number {
    return this.hdr(H_FILES);
  }
  get buffers(): number {
    return this.hdr(H_BUFFERS);
  }
  get mrs(): number {
    return this.hdr(H_MRS);
  }
  get vmas(): number {
    return this.hdr(H_VMAS);
  }

  file(f: number, w: number): number {
    return this.read(this.hFiles, f * FILE_WORDS + w);
  }
  setFile(f: number, w: number, v: number): void {
    this.put(this.hFiles, f * FILE_WORDS + w, v, GK.gdrFile, f);
  }
  buffer(b: number, w: number): number {
    return this.read(this.hBuffers, b * BUFFER_WORDS + w);
  }
  setBuffer(b: number, w: number, v: number): void {
    this.put(this.hBuffers, b * BUFFER_WORDS + w, v, GK.gdrPages, b);
  }
  mr(m: number, w: number): number {
    return this.read(this.hMrs, m * MR_WORDS + w);
  }
  setMr(m: number, w: number, v: number): void {
    this.put(this.hMrs, m * MR_WORDS + w, v, GK.gdrMr, m);
  }
  vma(v: number, w: number): number {
    return this.read(this.hVmas, v * VMA_WORDS + w);
  }
  setVma(v: number, w: number, x: number): void {
    this.put(this.hVmas, v * VMA_WORDS + w, x, GK.gdrVma, v);
  }

  // ---- page tables ----
  /** The page-table entries of mr m (BAR1 bus addresses), or null when its page table is NULL. */
  pageTable(m: number): number[] | null {
    const base = this.mr(m, M_PT) - 1;
    if (base < 0) return null;
    const n = this.mr(m, M_ENTRIES);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.read(this.hPt, base + i));
    return out;
  }
  /** Store a new page table for mr m (nvidia_p2p_get_pages' result). */
  writePageTable(m: number, addrs: readonly number[]): void {
    const base = this.hdr(H_PT_NEXT);
    this.setHdr(H_PT_NEXT, base + addrs.length, GK.gdrPages);
    for (let i = 0; i < addrs.length; i++) this.put(this.hPt, base + i, addrs[i], GK.gdrPages, m);
    this.setMr(m, M_PT, base + 1);
  }
  /** nvidia_p2p_free_page_table / put_pages: the entries are zeroed and mr->page_table becomes NULL. */
  freePageTable(m: number): void {
    const base = this.mr(m, M_PT) - 1;
    if (base < 0) return;
    const n = this.mr(m, M_ENTRIES);
    for (let i = 0; i < n; i++) this.put(this.hPt, base + i, 0, GK.gdrPages, m);
    this.setMr(m, M_PT, 0);
  }

  // ---- PTE bitmaps ----
  allocBits(v: number, pages: number): void {
    const words = Math.ceil(pages / 32);
    const base = this.hdr(H_BITS_NEXT);
    this.setHdr(H_BITS_NEXT, base + words, GK.gdrVma);
    this.setVma(v, V_BITS, base);
    this.store.ensure(this.hBits, base + words);
  }
  ptePresent(v: number, page: number): boolean {
    const i = this.vma(v, V_BITS) + (page >>> 5);
    return ((this.read(this.hBits, i) >>> (page & 31)) & 1) === 1;
  }
  /** Set (present = true) or clear the PTE bits of pages [lo, hi) of vma v; returns how many changed. */
  setPtes(v: number, lo: number, hi: number, present: boolean): number {
    const changed = this.setBitRange(this.hBits, this.vma(v, V_BITS), lo, hi, present, GK.gdrVma, v);
    if (changed) this.setVma(v, V_PRESENT, this.vma(v, V_PRESENT) + (present ? changed : -changed));
    return changed;
  }
  /** Present PTEs of vma v as [first, end) page runs. */
  presentRuns(v: number): [number, number][] {
    const pages = this.vma(v, V_LEN) / PAGE_SIZE;
    const base = this.vma(v, V_BITS);
    const out: [number, number][] = [];
    let start = -1;
    for (let p = 0; p < pages; ) {
      const word = this.read(this.hBits, base + (p >>> 5));
      // whole words that continue the current state are skipped at once (mappings can be GiBs of 4 KiB pages)
      if ((p & 31) === 0 && p + 32 <= pages && word === (start >= 0 ? 0xffffffff : 0)) {
        p += 32;
        continue;
      }
      const on = ((word >>> (p & 31)) & 1) === 1;
      if (on && start < 0) start = p;
      if (!on && start >= 0) {
        out.push([start, p]);
        start = -1;
      }
      p++;
    }
    if (start >= 0) out.push([start, pages]);
    return out;
  }
}
